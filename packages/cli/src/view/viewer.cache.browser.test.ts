import { appendFile, cp, mkdtemp, rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserSession, openBrowserContext } from './__fixtures__/open-browser-context.ts';
import { startViewServer, type ViewServer } from './start-view-server.ts';

// The viewer's modules in the browser's HTTP cache, in the run's real Chromium: a second load
// fetches none of them again, the page itself is fetched every time, and a viewer whose modules
// changed is fetched fresh. The requests are counted at a proxy in front of the viewer, so the
// page's origin stays one while the viewer behind it is restarted on changed files.

let root: string;
let assets: URL;
let viewer: ViewServer;
let proxy: Server;
let origin: string;
let browser: BrowserSession;
const requests: string[] = [];

/** The paths requested since the last call. */
const take = (): string[] => requests.splice(0);
const modules = (paths: string[]) => paths.filter((path) => path.startsWith('/v/'));

async function drawn(page: Page): Promise<void> {
  await page.waitForFunction(() => document.body.textContent?.includes('No runs recorded yet'));
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gemloop-view-cache-'));
  await cp(new URL('../../assets/viewer/', import.meta.url), join(root, 'assets'), {
    recursive: true,
  });
  assets = pathToFileURL(join(root, 'assets/'));
  viewer = await startViewServer({ dir: join(root, 'runs'), assetsDir: assets });
  proxy = createServer((incoming, answer) => {
    requests.push(incoming.url ?? '');
    const { port } = new URL(viewer.url);
    const forward = request(
      {
        host: '127.0.0.1',
        port,
        path: incoming.url,
        method: incoming.method,
        headers: { ...incoming.headers, host: `127.0.0.1:${port}` },
      },
      (reply) => {
        answer.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(answer);
      },
    );
    forward.on('error', () => answer.destroy());
    incoming.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/`;
  browser = await openBrowserContext();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (proxy !== undefined) {
    proxy.closeAllConnections();
    await new Promise((resolve) => proxy.close(resolve));
  }
  await viewer?.close();
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

describe('gemloop view in the browser cache', () => {
  let page: Page;
  let stamp: string;

  it('fetches no module again on a reload or a second page; the page and its data each time', async () => {
    page = await browser.context.newPage();
    await page.goto(origin);
    await drawn(page);
    const first = take();
    const loaded = modules(first);
    // Every module and the styles, each once, under one stamp.
    expect(loaded.length).toBeGreaterThan(50);
    expect(new Set(loaded).size).toBe(loaded.length);
    const stamps = new Set(loaded.map((path) => path.split('/')[2]));
    expect(stamps.size).toBe(1);
    stamp = [...stamps][0] as string;
    expect(loaded).toContain(`/v/${stamp}/app.css`);
    expect(first.filter((path) => path === '/')).toHaveLength(1);
    expect(first).toContain('/api/runs');

    await page.reload();
    await drawn(page);
    const reloaded = take();
    expect(modules(reloaded)).toEqual([]);
    expect(reloaded.filter((path) => path === '/')).toHaveLength(1);
    expect(reloaded).toContain('/api/runs');

    const second = await browser.context.newPage();
    await second.goto(origin);
    await drawn(second);
    const again = take();
    expect(modules(again)).toEqual([]);
    expect(again.filter((path) => path === '/')).toHaveLength(1);
    expect(again).toContain('/api/runs');
    await second.close();
  });

  it('fetches every module fresh, under a new stamp, once a module changed', async () => {
    expect(await page.evaluate(() => document.documentElement.dataset['build'])).toBeUndefined();
    // An upgrade: the viewer restarted on a changed app.js, behind the same origin.
    await appendFile(
      new URL('app.js', assets),
      "\ndocument.documentElement.dataset.build = 'b';\n",
    );
    await viewer.close();
    viewer = await startViewServer({ dir: join(root, 'runs'), assetsDir: assets });
    await page.reload();
    await drawn(page);
    const fresh = take();
    expect(fresh.filter((path) => path === '/')).toHaveLength(1);
    const loaded = modules(fresh);
    expect(loaded.length).toBeGreaterThan(50);
    const stamps = new Set(loaded.map((path) => path.split('/')[2]));
    expect(stamps.size).toBe(1);
    expect(stamps.has(stamp)).toBe(false);
    expect(loaded).toContain(`/v/${[...stamps][0]}/app.js`);
    // The changed module ran: not a cached copy.
    expect(await page.evaluate(() => document.documentElement.dataset['build'])).toBe('b');
  });
});
