import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startViewServer, type ViewServer } from './start-view-server.ts';

// attack-doors9: the viewer's Host check against the request forms the doors' check met
// (absolute-form, where the target's host replaces Host, RFC 9112 section 3.2.2; two Host lines,
// a 400 by section 3.2).

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function viewer(): Promise<ViewServer> {
  const root = await mkdtemp(join(tmpdir(), 'gemloop-view-forms-'));
  await mkdir(join(root, 'runs'));
  const server = await startViewServer({ dir: join(root, 'runs') });
  cleanups.push(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });
  return server;
}

/** A GET of `target` as written (absolute-form too) with the Host given; its status. */
function get(server: ViewServer, target: string, host: string): Promise<number> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const sent = request(
      { host: '127.0.0.1', port, path: target, method: 'GET', headers: { host }, setHost: false },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    sent.on('error', reject);
    sent.end();
  });
}

/** Raw request lines on a socket; the status of the answer. */
function raw(server: ViewServer, lines: readonly string[]): Promise<number> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('error', reject);
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)));
    socket.end(`${lines.join('\r\n')}\r\n\r\n`);
  });
}

describe('gemloop view: the Host of other request forms', () => {
  it("judges an absolute-form request by its target's host", async () => {
    const server = await viewer();
    const { port } = new URL(server.url);
    const local = `127.0.0.1:${port}`;
    expect(await get(server, `http://evil.example:${port}/api/runs`, local)).toBe(421);
    expect(await get(server, 'http://evil.example/', local)).toBe(421);
    expect(await get(server, `http://${local}/api/runs`, local)).toBe(200);
    expect(await get(server, `http://localhost:${port}/api/runs`, 'evil.example')).toBe(200);
  });

  it('refuses two Host lines, whichever names the viewer', async () => {
    const server = await viewer();
    const { port } = new URL(server.url);
    for (const pair of [
      [`Host: 127.0.0.1:${port}`, 'Host: evil.example'],
      ['Host: evil.example', `Host: 127.0.0.1:${port}`],
    ]) {
      expect(await raw(server, ['GET /api/runs HTTP/1.1', ...pair, 'Connection: close'])).toBe(400);
    }
  });
});
