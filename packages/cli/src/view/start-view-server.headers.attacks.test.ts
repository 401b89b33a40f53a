// attack-doors10: the viewer's security headers on every answer it gives, not only the page's:
// an error page, a refusal or an API answer opened in a tab is a document too, and a run's text
// (`</script><script>`, an `<img onerror>`) must not run in any of them. Raw requests on a socket,
// so the odd forms (two Host lines, a foreign Host, a target no URL reads) are sent as written.

import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startViewServer, type ViewServer } from './start-view-server.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

const HOSTILE = '</script><script>alert(1)</script><img src=x onerror=alert(2)>';

async function viewer(): Promise<ViewServer> {
  const root = await mkdtemp(join(tmpdir(), 'gemloop-view-headers-'));
  const dir = join(root, 'runs');
  await mkdir(dir);
  const lines = [
    { type: 'run-start', runId: 'hostile', agentName: HOSTILE, model: HOSTILE, at: 1, path: [] },
    { type: 'text-delta', text: HOSTILE, at: 2, path: [] },
  ];
  await writeFile(
    join(dir, 'hostile.jsonl'),
    `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`,
  );
  execFileSync('mkfifo', [join(dir, 'pipe.jsonl')]);
  const server = await startViewServer({ dir });
  cleanups.push(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });
  return server;
}

/** One raw request: its status, lower-cased headers and body. */
function raw(
  server: ViewServer,
  lines: readonly string[],
): Promise<{ status: number; headers: Map<string, string>; body: string }> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('error', reject);
    socket.on('end', () => {
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...fields] = head.split('\r\n');
      const headers = new Map<string, string>();
      for (const field of fields) {
        const colon = field.indexOf(':');
        headers.set(field.slice(0, colon).toLowerCase(), field.slice(colon + 1).trim());
      }
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1] ?? 0),
        headers,
        body: rest.join('\r\n\r\n'),
      });
    });
    // Written, not ended: a half-closed socket is dropped by the server before a slower answer
    // (a file read) is written. `Connection: close` ends it once the answer is out.
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  });
}

describe('gemloop view: the security headers of every answer', () => {
  it('the page, assets, API, errors and refusals all carry the CSP, nosniff, no-referrer and no-store (the stamped modules a year)', async () => {
    const server = await viewer();
    const { port } = new URL(server.url);
    const host = `Host: 127.0.0.1:${port}`;
    const get = (target: string, ...more: string[]) =>
      raw(server, [`GET ${target} HTTP/1.1`, host, ...more, 'Connection: close']);
    const page = await get('/');
    const stamped = /src="(\/v\/[0-9a-f]+\/app\.js)"/.exec(page.body)?.[1] ?? '(no stamped app.js)';
    const answers = {
      page,
      asset: await get('/app.js'),
      'stamped asset': await get(stamped),
      runs: await get('/api/runs'),
      run: await get('/api/runs/hostile'),
      'fifo run (403)': await get('/api/runs/pipe'),
      'unknown run': await get('/api/runs/nope'),
      'a run id climbing out': await get('/api/runs/..%2F..%2Fetc%2Fpasswd'),
      'broken percent-encoding': await get('/api/runs/%E0%A4%A'),
      evals: await get('/api/evals'),
      'unknown fork': await get('/api/forks/nope'),
      'no route': await get('/nothing'),
      favicon: await get('/favicon.ico'),
      'a target no URL reads': await get('//['),
      'a POST (405)': await raw(server, [
        'POST /api/runs HTTP/1.1',
        host,
        'Content-Length: 0',
        'Connection: close',
      ]),
      'another Host (421)': await raw(server, [
        'GET / HTTP/1.1',
        'Host: evil.example',
        'Connection: close',
      ]),
      'two Host lines (400)': await raw(server, [
        'GET / HTTP/1.1',
        host,
        'Host: evil.example',
        'Connection: close',
      ]),
    };
    const statuses = Object.fromEntries(
      Object.entries(answers).map(([name, answer]) => [name, answer.status]),
    );
    expect(statuses).toMatchObject({
      page: 200,
      'stamped asset': 200,
      run: 200,
      'fifo run (403)': 403,
      'unknown run': 404,
      'a run id climbing out': 404,
      'a POST (405)': 405,
      'another Host (421)': 421,
      'two Host lines (400)': 400,
    });
    for (const [name, answer] of Object.entries(answers)) {
      const csp = answer.headers.get('content-security-policy') ?? `(none on ${name})`;
      expect(csp, name).toContain("script-src 'self'");
      expect(csp, name).toContain("frame-ancestors 'none'");
      expect(csp, name).not.toContain('unsafe-inline');
      expect(answer.headers.get('x-content-type-options'), name).toBe('nosniff');
      expect(answer.headers.get('referrer-policy'), name).toBe('no-referrer');
      // The one answer cached: a module under the stamp of its content (load-viewer-assets.ts).
      expect(answer.headers.get('cache-control'), name).toBe(
        name === 'stamped asset' ? 'public, max-age=31536000, immutable' : 'no-store',
      );
      // An answer holding the run's text is JSON, never HTML a tab would run.
      if (answer.body.includes('<script>')) {
        expect(answer.headers.get('content-type'), name).toMatch(/^application\/json/);
      }
    }
    // The climbing id named no file of this machine.
    expect(answers['a run id climbing out'].body).not.toMatch(/root:|passwd/);
  });
});
