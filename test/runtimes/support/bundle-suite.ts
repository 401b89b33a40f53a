import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const suiteEntry = fileURLToPath(new URL('../suite/portable-suite.ts', import.meta.url));

/** How to bundle the suite for a runtime. */
export type SuiteBundleOptions = {
  /** `browser` resolves the core's portable build; `node` its Node build (what Bun and Deno load). */
  platform: 'browser' | 'node';
  /** `esm` exports runPortableSuite; `iife` assigns it to `globalThis.GemloopSuite`. */
  format: 'esm' | 'iife';
  /** Extra export conditions, e.g. `workerd`. */
  conditions?: string[];
  /** Another entry than the suite (an example app). */
  entry?: string;
};

/**
 * Bundles the portable suite, @gemloop/core and zod into one file, as an app would for that
 * runtime (sources through the `@gemloop/source` condition, so no build is needed). A browser
 * bundle that reached a Node built-in fails here.
 */
export async function bundleSuite({
  platform,
  format,
  conditions = [],
  entry = suiteEntry,
}: SuiteBundleOptions): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform,
    format,
    ...(format === 'iife' ? { globalName: 'GemloopSuite' } : {}),
    conditions: ['@gemloop/source', ...conditions],
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  return (result.outputFiles[0] as { text: string }).text;
}
