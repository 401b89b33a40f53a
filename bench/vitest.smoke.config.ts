import { defineConfig } from 'vitest/config';

/**
 * The bench smoke test, out of the default `npm test` because it runs the quick bench (its own
 * server and worker processes) for half a minute or more: `npm run test:bench`. It checks that
 * every contender reached the scripted answer, never timings, and needs the build (`--no-build`),
 * which the script makes first.
 */
export default defineConfig({
  test: {
    reporters: ['default', './scripts/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'bench-smoke',
          root: './bench',
          include: ['src/bench.test.ts', 'src/durable/fleet-bench.test.ts'],
          // A hang guard: the quick bench takes ~40 s quiet and 180-240 s at load 25-30 (several
          // sessions on two cores), where 240 s tripped with every contender still answering.
          testTimeout: 900_000,
        },
      },
    ],
  },
});
