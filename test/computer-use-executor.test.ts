import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BrowserActionError,
  createBrowserExecutor,
} from '../examples/computer-use/browser-executor.ts';
import {
  type BrowserSession,
  openBrowserContext,
} from '../packages/cli/src/view/__fixtures__/open-browser-context.ts';

// The computer use example's executor on Debian's headless Chromium (a context of its own in the
// run's one browser): each predefined action changes a real page as the model meant, and comes
// back with the URL and a PNG screenshot. A missing Chromium fails this test with the reason; it never skips.

const VIEWPORT = { width: 1000, height: 800 };
const PAGE = `<!doctype html>
<style>
  body { margin: 0; height: 3000px; }
  #name { position: absolute; left: 100px; top: 100px; width: 400px; height: 40px; }
  #go { position: absolute; left: 100px; top: 200px; width: 200px; height: 50px; }
</style>
<input id="name" value="old text">
<button id="go" onclick="document.title = 'clicked:' + document.getElementById('name').value">Go</button>
<a id="next" href="/next" style="position:absolute;left:600px;top:100px">next</a>`;

let chromium: BrowserSession;
let server: Server;
let origin: string;
let page: Page;

beforeAll(async () => {
  server = createServer((request, response) => {
    const body = request.url === '/next' ? '<!doctype html><title>next</title>Next page' : PAGE;
    response.writeHead(200, { 'content-type': 'text/html' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  chromium = await openBrowserContext();
  page = await chromium.context.newPage();
  await page.setViewportSize(VIEWPORT);
});

afterAll(async () => {
  await chromium?.close();
  server?.close();
});

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];

describe('createBrowserExecutor on Chromium', () => {
  it('runs navigate, type_text_at, click_at, scroll_document and go_back, each with a screenshot', async () => {
    const execute = createBrowserExecutor(page, { allowUrl: (url) => url.origin === origin });
    const context = {} as Parameters<typeof execute>[1];
    const act = (name: string, args: Record<string, unknown> = {}) =>
      execute({ name, args, safetyDecision: undefined }, context);

    const opened = await act('navigate', { url: `${origin}/` });
    expect(opened.url).toBe(`${origin}/`);
    const png = opened.screenshot?.data as Uint8Array;
    expect([...png.subarray(0, 4)]).toEqual(PNG_SIGNATURE);
    expect(opened.screenshot?.mimeType).toBe('image/png');

    // The field's middle (300, 120 px) is (300, 150) on the 1000 x 1000 grid; the old text goes.
    await act('type_text_at', { x: 300, y: 150, text: 'Ada', press_enter: false });
    expect(await page.inputValue('#name')).toBe('Ada');
    await act('click_at', { x: 200, y: 281 });
    expect(await page.title()).toBe('clicked:Ada');

    await act('scroll_document', { direction: 'down' });
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(0);

    await act('navigate', { url: `${origin}/next` });
    expect(await page.title()).toBe('next');
    const back = await act('go_back');
    expect(back.url).toBe(`${origin}/`);
  });

  it('refuses what the model may not do: another origin, off-grid points, unbounded text', async () => {
    const execute = createBrowserExecutor(page, { allowUrl: (url) => url.origin === origin });
    const context = {} as Parameters<typeof execute>[1];
    const act = (name: string, args: Record<string, unknown>) =>
      execute({ name, args, safetyDecision: undefined }, context);
    await expect(act('navigate', { url: 'https://example.com/' })).rejects.toThrow(
      BrowserActionError,
    );
    await expect(act('click_at', { x: 1000, y: 5 })).rejects.toThrow('0-999 grid');
    await expect(act('click_at', { x: Number.NaN, y: 5 })).rejects.toThrow('0-999 grid');
    await expect(act('type_text_at', { x: 1, y: 1, text: 'x'.repeat(10_001) })).rejects.toThrow(
      'at most 10000 characters',
    );
    await expect(act('teleport', {})).rejects.toThrow('does not know the action teleport');
  });
});
