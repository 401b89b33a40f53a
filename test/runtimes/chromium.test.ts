import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserSession,
  openBrowserContext,
} from '../../packages/cli/src/view/__fixtures__/open-browser-context.ts';
import type { PortableSuiteReport } from './suite/portable-suite.ts';
import { bundleSuite } from './support/bundle-suite.ts';
import { expectPortableSuiteReport } from './support/expect-suite-report.ts';
import { type RuntimeFake, startRuntimeFake, weatherText } from './support/start-fake.ts';

type PageServer = { url: string; close(): Promise<void> };

/** Serves a page (`html`, with its script at /page.js) on its own 127.0.0.1 origin. */
async function servePage(
  html: string,
  script: string,
  api?: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<PageServer> {
  const server: Server = createServer((request, response) => {
    if (api !== undefined && request.url?.startsWith('/api/')) {
      api(request, response);
      return;
    }
    if (request.url === '/page.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      response.end(script);
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// A real browser: the page (one origin) calls the fake (another origin, so through CORS) with the
// browser's own fetch, streams, TextDecoder and timers.
describe('headless Chromium', () => {
  let fake: RuntimeFake;
  let chromium: BrowserSession;
  const pages: PageServer[] = [];
  beforeAll(async () => {
    [fake, chromium] = await Promise.all([startRuntimeFake(), openBrowserContext()]);
  });
  afterAll(async () => {
    await Promise.all([chromium?.close(), fake?.close(), ...pages.map((page) => page.close())]);
  });

  it('runs the portable suite from a page', async () => {
    const page = await servePage(
      '<!doctype html><meta charset="utf-8"><script src="/page.js"></script>',
      await bundleSuite({ platform: 'browser', format: 'iife' }),
    );
    pages.push(page);
    const tab = await chromium.context.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (error) => errors.push(error.message));
    await tab.goto(page.url);
    const json = await tab.evaluate(
      (url) =>
        (
          globalThis as unknown as {
            GemloopSuite: { runPortableSuite(url: string): Promise<unknown> };
          }
        ).GemloopSuite.runPortableSuite(url).then((report) => JSON.stringify(report)),
      fake.url,
    );
    expect(errors).toEqual([]);
    const report = JSON.parse(json) as PortableSuiteReport;
    expect(report.runtime).toMatchObject({ bun: false, deno: false, process: false });
    expect(report.runtime.userAgent).toContain('Chrome/');
    expectPortableSuiteReport(report);
  });

  it('runs the browser example (examples/browser) through a key-adding proxy', async () => {
    // The example's server side in miniature: /api/gemini checks the session token and forwards
    // to the fake with the real key, streaming the answer back.
    const proxy = (request: IncomingMessage, response: ServerResponse): void => {
      if (request.headers.authorization !== 'Bearer session-123') {
        response.writeHead(401).end();
        return;
      }
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', async () => {
        const upstream = await fetch(
          `${fake.url}${(request.url ?? '').slice('/api/gemini'.length)}`,
          {
            method: request.method ?? 'POST',
            headers: { 'content-type': 'application/json', 'x-goog-api-key': 'test-key' },
            body: Buffer.concat(chunks),
          },
        );
        response.writeHead(upstream.status, {
          'content-type': upstream.headers.get('content-type') ?? 'application/json',
        });
        if (upstream.body === null) response.end();
        else Readable.fromWeb(upstream.body as NodeReadableStream).pipe(response);
      });
    };
    const script = await bundleSuite({
      platform: 'browser',
      format: 'esm',
      entry: fileURLToPath(new URL('../../examples/browser/agent-page.ts', import.meta.url)),
    });
    const page = await servePage(
      '<!doctype html><meta charset="utf-8">' +
        '<form id="ask"><input name="q"><button>Ask</button></form><output id="answer"></output>' +
        '<script type="module">import { mountAgent } from "/page.js"; ' +
        'mountAgent({ sessionToken: "session-123" }); document.body.dataset.ready = "1";</script>',
      script,
      proxy,
    );
    pages.push(page);
    const tab = await chromium.context.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (error) => errors.push(error.message));
    await tab.goto(page.url);
    await tab.waitForSelector('body[data-ready="1"]');
    await tab.fill('input[name=q]', 'local time');
    await tab.click('button');
    // The fake calls the example's local_time tool, and says 'now' once the page's clock came back.
    const expected = weatherText('now');
    await tab.waitForFunction(
      (text) => document.querySelector('output')?.value === text,
      expected,
      { timeout: 120_000 },
    );
    expect(errors).toEqual([]);
  });
});
