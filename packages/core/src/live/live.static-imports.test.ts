import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../', import.meta.url));

/**
 * The modules a bundle of `@gemloop/core/live` holds: its entry and what it reaches through
 * static and dynamic imports (a browser bundle ships both), resolved with the source condition.
 */
async function modulesBundledBy(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [`${src}${entry}`],
    bundle: true,
    splitting: true,
    outdir: '/tmp/gemloop-live-static-imports',
    platform: 'browser',
    format: 'esm',
    conditions: ['@gemloop/source'],
    write: false,
    metafile: true,
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
