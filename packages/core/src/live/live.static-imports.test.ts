import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { keptEsbuildBuild } from '../../../../scripts/kept-esbuild-build.ts';

const src = fileURLToPath(new URL('../', import.meta.url));

/**
 * The modules a bundle of `@gemloop/core/live` holds: its entry and what it reaches through
 * static and dynamic imports (a browser bundle ships both), resolved with the source condition.
 * The build is kept between runs while every file it read is unchanged (scripts/kept-esbuild-build.ts).
 */
async function modulesBundledBy(entry: string): Promise<string[]> {
  const result = await keptEsbuildBuild({
    entryPoints: [`${src}${entry}`],
    bundle: true,
    splitting: true,
    platform: 'browser',
    format: 'esm',
    conditions: ['@gemloop/source'],
    logLevel: 'silent',
    external: ['zod', 'zod/*', '@opentelemetry/*', 'pino', 'undici', 'ws'],
  });
  return Object.keys(result.metafile.inputs);
}

describe('the import graph of @gemloop/core/live', () => {
  // A Live session checks the agent's guardrails through what `guardrails()` put in the value
  // (`Guardrails.live`): a Live app without guardrails bundles none of their checks.
  it('holds no module of the guardrails folder: the checks come with the guardrails value', async () => {
    const bundled = await modulesBundledBy('live/index.ts');
    expect(bundled.some((path) => path.endsWith('live/create-live-session.ts'))).toBe(true);
    expect(bundled.filter((path) => /(^|\/)guardrails\//.test(path))).toEqual([]);
  });
});
