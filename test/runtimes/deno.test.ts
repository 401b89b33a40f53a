import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GUARDED_TEST_LIMIT_MS } from '../../scripts/run-guarded.ts';
import { expectPortableSuiteReport } from './support/expect-suite-report.ts';
import { CORE_DIR, runSuiteInProcess, runtimeBinary } from './support/run-suite-in-process.ts';
import { type RuntimeFake, startRuntimeFake } from './support/start-fake.ts';

describe('Deno (the deno npm package)', () => {
  let fake: RuntimeFake;
  // Deno's cache in a fresh folder; no update check, and the network only to the fake.
  const denoDir = mkdtempSync(join(tmpdir(), 'gemloop-deno-'));
  beforeAll(async () => {
    fake = await startRuntimeFake();
  });
  afterAll(async () => {
    await fake?.close();
    rmSync(denoDir, { recursive: true, force: true });
  });

  it('runs the portable suite', { timeout: GUARDED_TEST_LIMIT_MS }, async () => {
    const report = await runSuiteInProcess({
      binary: runtimeBinary('deno'),
      args: [
        'run',
        '--no-prompt',
        '--no-config',
        '--no-lock',
        '--allow-net=127.0.0.1',
        // The core's dependencies its Node build require()s on first need (a JSON Schema tool):
        // its node_modules links into the workspace's.
        `--allow-read=${CORE_DIR},${fileURLToPath(new URL('../../node_modules/', import.meta.url))}`,
      ],
      env: { DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: '1' },
      fakeUrl: fake.url,
    });
    expect(report.runtime).toMatchObject({ bun: false, deno: true });
    expect(report.runtime.userAgent).toMatch(/^Deno\//);
    expectPortableSuiteReport(report);
  });
});
