import { fileURLToPath } from 'node:url';
import { cachedBundle } from './cached-bundle.ts';

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
 * bundle that reached a Node built-in fails here. Kept between runs while its inputs are the same
 * (cached-bundle.ts): seven tests bundle it, ~0.6 s of esbuild's CPU each.
 */
export async function bundleSuite({
  platform,
  format,
  conditions = [],
  entry = suiteEntry,
}: SuiteBundleOptions): Promise<string> {
  return cachedBundle({
    entry,
    bundle: true,
    platform,
    format,
    ...(format === 'iife' ? { globalName: 'GemloopSuite' } : {}),
    conditions: ['@gemloop/source', ...conditions],
    target: 'es2022',
    logLevel: 'silent',
  });
}
