// Every route of the viewer's server, on run files written here by hand (the recorder's own
// output is start-view-server.test.ts's): what each answers, with which status and headers, and
// what it refuses (another Host, a write, a path out of the folder, a file it will not read).

import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from './read-runs.ts';
import { startViewServer, type ViewServer } from './start-view-server.ts';

const OLDER = '2026-01-01T00-00-00-000Z-run-older';
const NEWER = '2026-01-02T00-00-00-000Z-run-newer';

let root: string;
let dir: string;
let server: ViewServer;

const line = (value: Record<string, unknown>) => `${JSON.stringify(value)}\n`;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gemloop-view-routes-'));
  dir = join(root, 'runs');
  await mkdir(dir);
  await writeFile(
    join(dir, `${OLDER}.jsonl`),
    line({
      type: 'run-start',
      at: 1000,
      runId: 'older',
      agentName: 'a',
      model: 'gemini-2.5-flash',
    }) + line({ type: 'run-end', at: 2000, outcome: 'success' }),
  );
  await writeFile(
    join(dir, `${NEWER}.jsonl`),
    line({ type: 'run-start', at: 3000, runId: 'newer', agentName: 'b', model: 'gemini-2.5-pro' }),
  );
  // A secret outside the runs folder, and a run-named symlink to it inside.
  await writeFile(
    join(root, 'secret.jsonl'),
    line({ type: 'run-start', secret: 'TOP-SECRET-VALUE' }),
  );
  await symlink(join(root, 'secret.jsonl'), join(dir, '2026-01-03T00-00-00-000Z-link.jsonl'));
  // Not named like a run: never listed, never served.
  await writeFile(join(dir, 'notes.txt'), 'not a run');
  server = await startViewServer({ dir });
});
afterAll(async () => {
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

type Reply = {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
};

function call(path: string, init: { method?: string; host?: string } = {}): Promise<Reply> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        // Sent as written: `new URL()` would resolve `..` before the server saw it.
        path,
        method: init.method ?? 'GET',
        headers: init.host === undefined ? {} : { host: init.host },
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const assets = new URL('../../assets/viewer/', import.meta.url);

describe('the viewer server, route by route', () => {
  it('serves each asset from the package with its type and the security headers', async () => {
    for (const [path, file, type] of [
      ['/app.js', 'app.js', 'text/javascript; charset=utf-8'],
      ['/app.css', 'app.css', 'text/css; charset=utf-8'],
      // The page's ES modules, served as they are, in their folders.
      ['/run-page.js', 'run-page.js', 'text/javascript; charset=utf-8'],
      ['/readers/tool-call.js', 'readers/tool-call.js', 'text/javascript; charset=utf-8'],
      ['/entries/tool-call.js', 'entries/tool-call.js', 'text/javascript; charset=utf-8'],
    ] as const) {
      const reply = await call(path);
      expect(reply.status).toBe(200);
      expect(reply.headers['content-type']).toBe(type);
      expect(reply.body).toBe(await readFile(new URL(file, assets), 'utf8'));
      expect(reply.headers['content-security-policy']).toContain("default-src 'none'");
      expect(reply.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
      expect(reply.headers['referrer-policy']).toBe('no-referrer');
      expect(reply.headers['cache-control']).toBe('no-store');
    }
  });

  it('serves the page uncached, naming its modules under a stamp that is cached for a year', async () => {
    const page = await call('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-store');
    const prefix = /src="(\/v\/[0-9a-f]{16}\/)app\.js"/.exec(page.body)?.[1] as string;
    expect(prefix).toBeDefined();
    // The file as it is, its two references stamped and nothing else changed.
    const html = await readFile(new URL('index.html', assets), 'utf8');
    expect(page.body).toBe(
      html
        .replace('href="/app.css"', `href="${prefix}app.css"`)
        .replace('src="/app.js"', `src="${prefix}app.js"`),
    );
    for (const [file, type] of [
      ['app.js', 'text/javascript; charset=utf-8'],
      ['app.css', 'text/css; charset=utf-8'],
      ['readers/tool-call.js', 'text/javascript; charset=utf-8'],
      ['entries/tool-call.js', 'text/javascript; charset=utf-8'],
    ] as const) {
      const reply = await call(`${prefix}${file}`);
      expect([file, reply.status]).toEqual([file, 200]);
      expect(reply.headers['content-type']).toBe(type);
      expect(reply.body).toBe(await readFile(new URL(file, assets), 'utf8'));
      expect(reply.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(reply.headers['content-security-policy']).toContain("default-src 'none'");
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
      expect(reply.headers['referrer-policy']).toBe('no-referrer');
    }
    // Another stamp, a stamp alone, or a path climbing out of the stamp names no file.
    for (const path of [
      '/v/0000000000000000/app.js',
      prefix,
      `${prefix}index.html`,
      `${prefix}%2e%2e/%2e%2e/package.json`,
      `${prefix}..%2fpackage.json`,
      `${prefix}readers/`,
      `${prefix}app.js/`,
      `/v/app.js`,
    ]) {
      const reply = await call(path);
      expect([path, reply.status, reply.body]).toEqual([path, 404, 'Not found.']);
      expect(reply.headers['cache-control']).toBe('no-store');
    }
  });

  it('answers the favicon with an empty 204, and any other path with 404', async () => {
    const icon = await call('/favicon.ico');
    expect(icon.status).toBe(204);
    expect(icon.body).toBe('');
    expect(icon.headers['x-content-type-options']).toBe('nosniff');
    for (const path of [
      '/index.html',
      '/assets/app.js',
      '/readers/',
      '/readers/missing.js',
      '/%2e%2e/package.json',
      '/entries/tool-call.js/',
      '/api',
      '/api/runs/',
      '/api/runs/a/b',
    ]) {
      const reply = await call(path);
      expect([path, reply.status, reply.body]).toEqual([path, 404, 'Not found.']);
    }
  });

  it('lists the runs named like runs, newest first, the query string ignored', async () => {
    const reply = await call('/api/runs');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    const runs = JSON.parse(reply.body) as RunSummary[];
    expect(runs.map((run) => run.id)).toEqual(['2026-01-03T00-00-00-000Z-link', NEWER, OLDER]);
    expect(runs.map((run) => run.outcome)).toEqual(['unreadable', 'running', 'success']);
    expect(runs[1]?.model).toBe('gemini-2.5-pro');
    expect(JSON.stringify(runs)).not.toContain('TOP-SECRET-VALUE');
    // The page's path and the list's ignore a query (a cache-buster), they do not 404 on it.
    expect((await call('/api/runs?t=123&limit=1')).body).toBe(reply.body);
    expect((await call('/?from=bookmark')).status).toBe(200);
  });

  it("serves one run's lines by its id, percent-encoded or not", async () => {
    const reply = await call(`/api/runs/${OLDER}`);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    const lines = JSON.parse(reply.body) as { type: string; runId?: string }[];
    expect(lines.map((entry) => entry.type)).toEqual(['run-start', 'run-end']);
    expect(lines[0]?.runId).toBe('older');
    const encoded = await call(`/api/runs/${encodeURIComponent(NEWER).replaceAll('-', '%2D')}`);
    expect(JSON.parse(encoded.body)).toEqual([
      expect.objectContaining({ type: 'run-start', runId: 'newer' }),
    ]);
    expect((await call(`/api/runs/${OLDER}?poll=1`)).body).toBe(reply.body);
  });

  it('answers 403 for a run-named symlink out of the folder, without its content', async () => {
    const reply = await call('/api/runs/2026-01-03T00-00-00-000Z-link');
    expect(reply.status).toBe(403);
    expect(JSON.parse(reply.body)).toEqual({
      error: 'a symlink to a file outside the runs folder (not followed)',
    });
    expect(reply.body).not.toContain('TOP-SECRET-VALUE');
  });

  it('never leaves the folder, whatever the id says', async () => {
    const attempts = [
      '/api/runs/..%2Fsecret',
      '/api/runs/..%2F..%2Fsecret',
      '/api/runs/%2E%2E%2Fsecret',
      '/api/runs/..%5Csecret',
      '/api/runs/%2Fetc%2Fpasswd',
      '/api/runs/secret%00',
      '/api/runs/notes.txt',
      '/api/runs/notes',
      // Bad percent-encoding: 404, not a 500 from decodeURIComponent.
      '/api/runs/%E0%A4%A',
      '/api/runs/%',
    ];
    for (const path of attempts) {
      const reply = await call(path);
      expect([path, reply.status, reply.body]).toEqual([path, 404, '{"error":"no such run"}']);
    }
    // Dot segments are resolved as a URL's before routing: they cannot climb out either.
    const climbed = await call('/api/runs/../../secret.jsonl');
    expect(climbed.status).toBe(404);
    expect(climbed.body).not.toContain('TOP-SECRET-VALUE');
  });

  it('answers HEAD like GET without a body, and refuses every other method with 405 and Allow', async () => {
    const head = await call('/api/runs', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      for (const path of ['/', '/api/runs', `/api/runs/${OLDER}`]) {
        const reply = await call(path, { method });
        expect([method, path, reply.status, reply.body]).toEqual([
          method,
          path,
          405,
          'Method not allowed.',
        ]);
        // RFC 9110 15.5.6: a 405 names the methods the resource has.
        expect(reply.headers['allow']).toBe('GET, HEAD');
      }
    }
  });

  it('answers a request target no URL can be made of with a 400, not a 500', async () => {
    // `//[` reads as the start of an IPv6 host: new URL() threw, which the server answered as
    // its own failure.
    for (const path of ['//[', '//[::1']) {
      const reply = await call(path);
      expect(reply.status, path).toBe(400);
      expect(reply.headers['content-security-policy']).toContain("default-src 'none'");
    }
  });

  it('answers only a Host of its own loopback address and port (DNS rebinding)', async () => {
    const { port } = new URL(server.url);
    expect((await call('/api/runs', { host: `localhost:${port}` })).status).toBe(200);
    for (const host of [
      'attacker.example',
      `attacker.example:${port}`,
      '127.0.0.1',
      `127.0.0.1:${Number(port) + 1}`,
      `127.0.0.1.attacker.example:${port}`,
    ]) {
      const reply = await call('/api/runs', { host });
      expect([host, reply.status]).toEqual([host, 421]);
      expect(reply.body).not.toContain('run-newer');
    }
    // Refused before the method is looked at: no hint what the server would do.
    expect((await call('/api/runs', { method: 'POST', host: 'attacker.example' })).status).toBe(
      421,
    );
  });

  it('is an empty list for a folder that does not exist yet, and refuses a bad limit', async () => {
    const empty = await startViewServer({ dir: join(root, 'not-yet') });
    try {
      const reply = await new Promise<string>((resolve, reject) => {
        request(new URL('/api/runs', empty.url), (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => {
            body += chunk.toString('utf8');
          });
          response.on('end', () => resolve(body));
        })
          .on('error', reject)
          .end();
      });
      expect(reply).toBe('[]');
    } finally {
      await empty.close();
    }
    await expect(startViewServer({ dir, limits: { maxViewBytes: 0 } })).rejects.toThrow(
      /limits\.maxViewBytes must be a whole number above 0/,
    );
  });

  it('shows a run with a line nested deeper than JSON.stringify goes, that line left out', async () => {
    // JSON.parse reads any depth; JSON.stringify overflows the stack a few thousand levels down.
    // The recorder never writes such a line, a hand-made file can.
    const deepDir = join(root, 'deep');
    await mkdir(deepDir);
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const id = '2026-01-04T00-00-00-000Z-deep';
    await writeFile(
      join(deepDir, `${id}.jsonl`),
      line({ type: 'run-start', at: 1, runId: 'deep' }) +
        `{"type":"tool-call-end","at":2,"output":${deep}}\n` +
        line({ type: 'run-end', at: 3, outcome: 'success' }),
    );
    const deepServer = await startViewServer({ dir: deepDir });
    try {
      const response = await fetch(new URL(`/api/runs/${id}`, deepServer.url));
      expect(response.status).toBe(200);
      const lines = (await response.json()) as Record<string, unknown>[];
      expect(lines.map((entry) => entry['type'])).toEqual(['run-start', 'truncated', 'run-end']);
      expect(lines[1]).toMatchObject({ by: 'viewer', at: 2 });
      expect(lines[1]?.['reason']).toMatch(/nested too deeply/);
    } finally {
      await deepServer.close();
    }
  });
  it('lists the forks of its forks folder and serves one by id; anything else is 404', async () => {
    const forks = join(root, 'forks');
    await mkdir(forks);
    const trajectory = { toolCalls: [], text: 'ok', steps: 1, tokens: {}, costUsd: '0' };
    const diff = { format: 1, same: true, toolCalls: {}, answer: { same: true } };
    await writeFile(
      join(forks, 'f1.json'),
      JSON.stringify({
        format: 1,
        runFile: '/x/run.jsonl',
        until: 1,
        original: trajectory,
        fork: trajectory,
        diff,
      }),
    );
    await writeFile(join(forks, 'broken.json'), '{"format":1,"original":{}}');
    await writeFile(join(root, 'outside.json'), JSON.stringify({ format: 1 }));
    await symlink(join(root, 'outside.json'), join(forks, 'link.json'));
    const withForks = await startViewServer({ dir, forksDir: forks });
    const none = await startViewServer({ dir });
    try {
      const get = (server: ViewServer, path: string) => fetch(new URL(path, server.url));
      expect(await (await get(withForks, '/api/forks')).json()).toEqual([
        { id: 'f1', runFile: 'run.jsonl', until: 1, same: true, answerChanged: false },
      ]);
      const one = await get(withForks, '/api/forks/f1');
      expect(one.status).toBe(200);
      expect(one.headers.get('content-type')).toBe('application/json');
      expect(await one.json()).toMatchObject({ until: 1, diff });
      for (const path of [
        '/api/forks/broken',
        '/api/forks/link',
        '/api/forks/..%2Foutside',
        '/api/forks/%E0',
      ]) {
        expect([path, (await get(withForks, path)).status]).toEqual([path, 404]);
      }
      expect(await (await get(none, '/api/forks')).json()).toEqual([]);
      expect((await get(none, '/api/forks/f1')).status).toBe(404);
    } finally {
      await withForks.close();
      await none.close();
    }
  });
});
