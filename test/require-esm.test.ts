import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { GUARDED_TEST_LIMIT_MS, runGuarded } from '../scripts/run-guarded.ts';
import { expectConsumerReport } from './require-esm/expect-consumer-report.ts';

const here = fileURLToPath(new URL('./require-esm/', import.meta.url));
const builtEntry = fileURLToPath(new URL('../packages/core/dist/index.js', import.meta.url));

/** Runs a consumer file with plain node (no source condition: it loads the built dist). */
async function consume(file: string): Promise<Record<string, unknown>> {
  if (!existsSync(builtEntry)) {
    throw new Error(
      `@gemloop/core is not built (${builtEntry} is missing). Run \`npm run build\` first; \`npm test\` does it.`,
    );
  }
  // Under the hang guard (hung or runaway), not a wall clock; each test's limit is above it.
  const { stdout } = await runGuarded(process.execPath, [file], { cwd: here });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
}

describe('the built @gemloop/core', { timeout: GUARDED_TEST_LIMIT_MS }, () => {
  it('works from CommonJS through require(), the root and every subpath', async () => {
    const result = await consume('consumer.cjs');
    expectConsumerReport(result, 'commonjs');
  });

  it('works from an ES module through import, the root and every subpath', async () => {
    const result = await consume('consumer.mjs');
    expectConsumerReport(result, 'module');
  });
});
