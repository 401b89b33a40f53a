import { defineConfig } from 'vitest/config';

// The Vitest run of fleet-left-running.fixture.ts: the examples project's setup file (what kills
// a file's leftovers), forks (the test runs in a child process of its own, whose death the
// lifeline sees), and the sources as the examples project resolves them. The outer run's example
// bundles (FLEET_EXAMPLE_BUNDLES, what its global setup provided) are provided here too, so the
// fleet starts from them as every other example test's processes do, not from the emitted
// JavaScript: the fleet's own start 0.52-0.60 -> 0.30-0.33 s of CPU, ABBA x3 (bench/RESULTS.md,
// issue 53, helper test-speed9).
const bundles = process.env['FLEET_EXAMPLE_BUNDLES'];

export default defineConfig({
  resolve: { conditions: ['@gemloop/source'] },
  ssr: { resolve: { conditions: ['@gemloop/source'] } },
  test: {
    root: new URL('../../', import.meta.url).pathname,
    include: ['test/__fixtures__/fleet-left-running.fixture.ts'],
    setupFiles: ['./test/stop-started-processes.ts'],
    pool: 'forks',
    // A hang guard for the first test (Postgres, two workers) on a loaded machine.
    testTimeout: 240_000,
    ...(bundles ? { provide: { exampleBundles: bundles } } : {}),
  },
});
