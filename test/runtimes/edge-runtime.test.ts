import { EdgeVM } from '@edge-runtime/vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortableSuiteReport } from './suite/portable-suite.ts';
import { bundleSuite } from './support/bundle-suite.ts';
import { expectPortableSuiteReport } from './support/expect-suite-report.ts';
import { type RuntimeFake, startRuntimeFake } from './support/start-fake.ts';

// Vercel's edge runtime in-process: a fresh V8 context holding only the Web APIs an edge function
// gets (no process, no require, no Node built-ins), running the browser bundle of the core.
describe('the edge runtime (@edge-runtime/vm)', () => {
  let fake: RuntimeFake;
  beforeAll(async () => {
    fake = await startRuntimeFake();
  });
  afterAll(() => fake?.close());

  it('runs the portable suite', async () => {
    const code = await bundleSuite({
      platform: 'browser',
      format: 'iife',
      conditions: ['edge-light', 'worker'],
    });
    const vm = new EdgeVM();
    expect(vm.evaluate('typeof process + typeof require')).toBe('undefinedundefined');
    vm.evaluate(code);
    const json = await vm.evaluate<Promise<string>>(
      `GemloopSuite.runPortableSuite(${JSON.stringify(fake.url)}).then(JSON.stringify)`,
    );
    const report = JSON.parse(json) as PortableSuiteReport;
    expect(report.runtime).toMatchObject({ bun: false, deno: false, process: false });
    expectPortableSuiteReport(report);
  });
});
