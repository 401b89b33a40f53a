import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortableSuiteReport } from './suite/portable-suite.ts';
import { bundleSuite } from './support/bundle-suite.ts';
import { expectPortableSuiteReport } from './support/expect-suite-report.ts';
import { type RuntimeFake, startRuntimeFake, weatherText } from './support/start-fake.ts';

// A Cloudflare Worker in workerd (through miniflare: no account, no network beyond the fake).
// The worker imports the suite bundled with the `workerd` condition, as wrangler bundles it.
describe('Cloudflare workerd (miniflare)', () => {
  let fake: RuntimeFake;
  const miniflares: Miniflare[] = [];
  beforeAll(async () => {
    fake = await startRuntimeFake();
  });
  afterAll(async () => {
    await Promise.all(miniflares.map((miniflare) => miniflare.dispose()));
    await fake?.close();
  });

  it('runs the portable suite in a worker', async () => {
    const suite = await bundleSuite({
      platform: 'browser',
      format: 'esm',
      conditions: ['workerd', 'worker'],
    });
    const miniflare = new Miniflare({
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
    miniflares.push(miniflare);
    const response = await miniflare.dispatchFetch(
      `http://worker.test/?fake=${encodeURIComponent(fake.url)}`,
    );
    const body = await response.text();
    expect(response.status, body).toBe(200);
    const report = JSON.parse(body) as PortableSuiteReport;
    expect(report.runtime.userAgent).toBe('Cloudflare-Workers');
    expectPortableSuiteReport(report);
  });

  it('runs the Cloudflare Workers example (examples/cloudflare-worker), streaming its answer', async () => {
    const worker = await bundleSuite({
      platform: 'browser',
      format: 'esm',
      conditions: ['workerd', 'worker'],
      entry: fileURLToPath(new URL('../../examples/cloudflare-worker/worker.ts', import.meta.url)),
    });
    const miniflare = new Miniflare({
      compatibilityDate: '2026-04-01',
      // Listed, as wrangler lists its bundle: miniflare's own scan of `script` refuses the core's
      // run-time import of the optional @opentelemetry/api.
      modules: [{ type: 'ESModule', path: 'worker.mjs', contents: worker }],
      bindings: { GEMINI_API_KEY: 'test-key', GEMINI_BASE_URL: fake.url },
    });
    miniflares.push(miniflare);
    const response = await miniflare.dispatchFetch('http://worker.test/?q=unary');
    const body = await response.text();
    expect(response.status, body).toBe(200);
    // The example's own tool answers 18 °C; the fake writes it into the answer.
    expect(body).toBe(weatherText('Oslo 18'));
  });
});
