import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The inner Vitest run of test/killed-vitest-run.test.ts: one file that starts a child each way and waits
// to be killed, in a fork worker set up as the root config's process projects are.
export default defineConfig({
  test: {
    include: ['start-child.fixture.ts'],
    testTimeout: 600_000,
    pool: 'forks',
    execArgv: [
      '--require',
      fileURLToPath(new URL('../../../scripts/exit-with-vitest.cjs', import.meta.url)),
    ],
  },
});
