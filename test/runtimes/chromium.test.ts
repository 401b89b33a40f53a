import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortableSuiteReport } from './suite/portable-suite.ts';
import { bundleSuite } from './support/bundle-suite.ts';
import { expectPortableSuiteReport } from './support/expect-suite-report.ts';
import { type HeadlessChromium, launchChromium } from './support/launch-chromium.ts';
import { type RuntimeFake, startRuntimeFake } from './support/start-fake.ts';

/** Serves a page that loads the suite's browser bundle, on its own 127.0.0.1 origin. */
async function servePage(bundle: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    if (request.url === '/suite.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      response.end(bundle);
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><meta charset="utf-8"><script src="/suite.js"></script>');
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
  let chromium: HeadlessChromium;
  let page: { url: string; close(): Promise<void> } | undefined;
  beforeAll(async () => {
    [fake, chromium] = await Promise.all([startRuntimeFake(), launchChromium()]);
  });
  afterAll(async () => {
    await Promise.all([chromium?.close(), fake?.close(), page?.close()]);
  });

  it('runs the portable suite from a page', async () => {
    page = await servePage(await bundleSuite({ platform: 'browser', format: 'iife' }));
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
});
