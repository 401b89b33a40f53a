import { defineConfig } from 'vitest/config';

// The Vitest run of fleet-left-running.fixture.ts: the examples project's setup file (what kills
// a file's leftovers), forks (the test runs in a child process of its own, whose death the
// lifeline sees), and the sources as the examples project resolves them.
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
  },
});
