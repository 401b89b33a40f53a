// The viewer's server tried from outside: another origin's page (DNS rebinding), odd request
// targets, and a runs folder that changes under it. What it answers must never carry a thrown
// message or a path of this machine (the guide: nothing forbidden reaches a page).

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startViewServer, type ViewServer } from './start-view-server.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

const reported: unknown[] = [];

async function viewer(): Promise<{ root: string; dir: string; server: ViewServer }> {
  const root = await mkdtemp(join(tmpdir(), 'gemloop-view-attack-'));
  const dir = join(root, 'runs');
  await mkdir(dir);
  const server = await startViewServer({ dir, onError: (error) => reported.push(error) });
  cleanups.push(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });
  return { root, dir, server };
}

/** A raw GET with the headers given (a Host of our choosing), its status and body. */
function get(
  server: ViewServer,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const sent = request(
      { host: '127.0.0.1', port: url.port, path, method: 'GET', headers, setHost: false },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    sent.on('error', reject);
    sent.end();
  });
}

describe('gemloop view attacked from outside', () => {
  it('binds 127.0.0.1 only and refuses another Host (DNS rebinding), a missing Host and a Host of another port', async () => {
    const { server } = await viewer();
    expect(new URL(server.url).hostname).toBe('127.0.0.1');
    const port = new URL(server.url).port;
    for (const host of ['evil.example', `evil.example:${port}`, '127.0.0.1:1', `[::1]:${port}`]) {
      expect((await get(server, '/api/runs', { host })).status).toBe(421);
    }
    // No Host at all: Node's server refuses an HTTP/1.1 request without one (400) before ours.
    expect([400, 421]).toContain((await get(server, '/api/runs')).status);
    expect((await get(server, '/api/runs', { host: `127.0.0.1:${port}` })).status).toBe(200);
  });

  it("names how to allow a proxy's host name in its 421, never the Host it was sent (attack-doors8)", async () => {
    const { server } = await viewer();
    const plain = await get(server, '/api/runs', { host: 'evil.example' });
    expect(plain.status).toBe(421);
    expect(plain.body).toContain('--allowed-host');
    expect(plain.body).toContain('allowedHosts');
    expect(plain.body).not.toContain('evil');
  });

  it('answers a listed host name on any port, in any case, and still refuses others (attack-doors8)', async () => {
    const root = await mkdtemp(join(tmpdir(), 'gemloop-view-attack-'));
    const server = await startViewServer({
      dir: root,
      allowedHosts: ['Viewer.example.com', 'tunnel.example:8443'],
    });
    cleanups.push(async () => {
      await server.close();
      await rm(root, { recursive: true, force: true });
    });
    for (const [host, status] of [
      ['viewer.example.com', 200],
      ['VIEWER.example.com.:443', 200],
      ['tunnel.example', 200],
      ['evil.example', 421],
      ['viewer.example.com.evil.example', 421],
      ['sub.viewer.example.com', 421],
      ['viewer.example.com@evil.example', 421],
    ] as const) {
      expect((await get(server, '/api/runs', { host })).status, host).toBe(status);
    }
  });

  it('refuses an allowedHosts entry that is no host name', async () => {
    const root = await mkdtemp(join(tmpdir(), 'gemloop-view-attack-'));
    cleanups.push(() => rm(root, { recursive: true, force: true }));
    for (const entry of ['https://viewer.example.com', '', 'a b', 'x/y']) {
      await expect(startViewServer({ dir: root, allowedHosts: [entry] }), entry).rejects.toThrow(
        /allowedHosts: .* is not a host name/,
      );
    }
  });

  it('a runs folder swapped for a file after start answers 500 without the thrown message or the path', async () => {
    const { root, dir, server } = await viewer();
    await rm(dir, { recursive: true });
    await writeFile(dir, 'not a folder');
    const host = new URL(server.url).host;
    const { status, body } = await get(server, '/api/runs', { host });
    expect(status).toBe(500);
    expect(body).not.toContain(root);
    expect(body).not.toMatch(/ENOTDIR|scandir|Error:/);
    expect(JSON.parse(body)).toEqual({ error: expect.stringMatching(/terminal/) });
    // What failed is told to the one who started the viewer (gemloop view prints it).
    expect(String(reported.at(-1))).toMatch(/ENOTDIR/);
  });

  it('targets out of the folder (encoded ../, a NUL, a backslash) find nothing', async () => {
    const { root, server } = await viewer();
    await writeFile(join(root, 'secret.jsonl'), '{"type":"run-start","format":1}\n');
    const host = new URL(server.url).host;
    for (const path of [
      '/api/runs/..%2Fsecret',
      '/api/runs/%2E%2E%2Fsecret',
      '/api/runs/..%5Csecret',
      '/api/runs/secret%00',
      '/api/evals/..%2F..%2Fetc%2Fpasswd',
      '/api/forks/%2Fetc%2Fpasswd',
      '/../secret.jsonl',
    ]) {
      const { status, body } = await get(server, path, { host });
      expect([403, 404]).toContain(status);
      expect(body).not.toContain('run-start');
    }
  });
});
