import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

/** What each consumer (consumer.cjs, consumer.mjs) must report, on every Node it runs on. */
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
    readFileSync(new URL('../../packages/core/package.json', import.meta.url), 'utf8'),
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

/**
 * The checks of one consumer's report: the public API used through the built @gemloop/core,
 * pino loaded only when a logger is made, the key in no log line, and (CommonJS) every subpath
 * `require()`d.
 */
export function expectConsumerReport(
  result: Record<string, unknown>,
  kind: 'commonjs' | 'module',
): void {
  expect(result).toMatchObject({ kind, ...expected });
  if (kind === 'commonjs') expect(result['debugLines']).toBeGreaterThanOrEqual(3);
  expectEverySubpath(result['subpaths']);
}
