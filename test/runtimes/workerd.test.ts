import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortableSuiteReport } from './suite/portable-suite.ts';
import { bundleSuite } from './support/bundle-suite.ts';
import { expectPortableSuiteReport } from './support/expect-suite-report.ts';
import { type RuntimeFake, startRuntimeFake } from './support/start-fake.ts';

// A Cloudflare Worker in workerd (through miniflare: no account, no network beyond the fake).
// The worker imports the suite bundled with the `workerd` condition, as wrangler bundles it.
describe('Cloudflare workerd (miniflare)', () => {
  let fake: RuntimeFake;
  let miniflare: Miniflare | undefined;
  beforeAll(async () => {
    fake = await startRuntimeFake();
  });
  afterAll(async () => {
    await miniflare?.dispose();
    await fake?.close();
  });

  it('runs the portable suite in a worker', async () => {
    const suite = await bundleSuite({
      platform: 'browser',
      format: 'esm',
      conditions: ['workerd', 'worker'],
    });
    miniflare = new Miniflare({
      compatibilityDate: '2026-04-01',
      modules: [
        {
          type: 'ESModule',
          path: 'worker.mjs',
          contents:
            "import { runPortableSuite } from './suite.mjs';\n" +
            'export default {\n' +
            '  async fetch(request) {\n' +
            "    const fake = new URL(request.url).searchParams.get('fake');\n" +
            '    return Response.json(await runPortableSuite(fake));\n' +
            '  },\n' +
            '};\n',
        },
        { type: 'ESModule', path: 'suite.mjs', contents: suite },
      ],
    });
    const response = await miniflare.dispatchFetch(
      `http://worker.test/?fake=${encodeURIComponent(fake.url)}`,
    );
    const body = await response.text();
    expect(response.status, body).toBe(200);
    const report = JSON.parse(body) as PortableSuiteReport;
    expect(report.runtime.userAgent).toBe('Cloudflare-Workers');
    expectPortableSuiteReport(report);
  });
});
