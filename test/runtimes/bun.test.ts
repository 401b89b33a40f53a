import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUARDED_TEST_LIMIT_MS } from '../../scripts/run-guarded.ts';
import { expectPortableSuiteReport } from './support/expect-suite-report.ts';
import { runSuiteInProcess, runtimeBinary } from './support/run-suite-in-process.ts';
import { type RuntimeFake, startRuntimeFake } from './support/start-fake.ts';

describe('Bun (the bun npm package)', () => {
  let fake: RuntimeFake;
  beforeAll(async () => {
    fake = await startRuntimeFake();
  });
  afterAll(() => fake?.close());

  it('runs the portable suite', { timeout: GUARDED_TEST_LIMIT_MS }, async () => {
    const report = await runSuiteInProcess({
      binary: runtimeBinary('bun'),
      args: ['run', '--no-install'],
      env: { DO_NOT_TRACK: '1', BUN_RUNTIME_TRANSPILER_CACHE_PATH: '0' },
      fakeUrl: fake.url,
    });
    expect(report.runtime).toMatchObject({ bun: true, deno: false });
    expect(report.runtime.userAgent).toMatch(/^Bun\//);
    expectPortableSuiteReport(report);
  });
});
