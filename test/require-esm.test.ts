import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GUARDED_TEST_LIMIT_MS, runGuarded } from '../scripts/run-guarded.ts';

const here = fileURLToPath(new URL('./require-esm/', import.meta.url));
const builtEntry = fileURLToPath(new URL('../packages/core/dist/index.js', import.meta.url));

/** Runs a consumer file with plain node (no source condition: it loads the built dist). */
async function consume(file: string): Promise<Record<string, unknown>> {
  if (!existsSync(builtEntry)) {
    throw new Error(
      `@gemloop/core is not built (${builtEntry} is missing). Run \`npx tsc -b\` first; \`npm test\` does it.`,
    );
  }
  // Under the hang guard (hung or runaway), not a wall clock; each test's limit is above it.
  const { stdout } = await runGuarded(process.execPath, [file], { cwd: here });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
}

const expected = {
  exports: ['createGemini', 'createLogger', 'ApiCallError', 'MissingApiKeyError'],
  text: 'hello',
  streamed: ['a', 'b'],
  errorIsApiCallError: true,
  errorStatus: 404,
  requests: [
    { url: 'https://api.cometapi.com/v1beta/models/gemini-2.5-flash:generateContent', key: true },
    {
      url: 'https://api.cometapi.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
      key: true,
    },
    { url: 'https://api.cometapi.com/v1beta/models/missing-model:generateContent', key: true },
  ],
  pinoLoadedAtImport: false,
  pinoLoadedAfterCreateLogger: true,
  keyInLogs: false,
};

/** Every subpath of @gemloop/core loaded, and exporting something. */
function expectEverySubpath(subpaths: unknown): void {
  const manifest = JSON.parse(
    readFileSync(new URL('../packages/core/package.json', import.meta.url), 'utf8'),
  ) as { exports: Record<string, unknown> };
  const specifiers = Object.keys(manifest.exports)
    .filter((subpath) => subpath !== '.' && subpath !== './package.json')
    .map((subpath) => `@gemloop/core/${subpath.slice(2)}`);
  expect(specifiers.length).toBeGreaterThan(0);
  expect(Object.keys(subpaths as object).sort()).toEqual(specifiers.sort());
  for (const [specifier, count] of Object.entries(subpaths as Record<string, number>)) {
    expect(count, specifier).toBeGreaterThan(0);
  }
}

describe('the built @gemloop/core', { timeout: GUARDED_TEST_LIMIT_MS }, () => {
  it('works from CommonJS through require(), the root and every subpath', async () => {
    const result = await consume('consumer.cjs');
    expect(result).toMatchObject({ kind: 'commonjs', ...expected });
    expect(result['debugLines']).toBeGreaterThanOrEqual(3);
    expectEverySubpath(result['subpaths']);
  });

  it('works from an ES module through import, the root and every subpath', async () => {
    const result = await consume('consumer.mjs');
    expect(result).toMatchObject({ kind: 'module', ...expected });
    expectEverySubpath(result['subpaths']);
  });
});
