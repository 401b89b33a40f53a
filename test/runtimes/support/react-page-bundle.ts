import { fileURLToPath } from 'node:url';
import { cachedBundle } from './cached-bundle.ts';

/**
 * The browser bundle of a React test page of `packages/react/src/__fixtures__/` (`hook-harness.tsx`,
 * `real-fetch-page.tsx`): the hook from its sources (the `@gemloop/source` condition), in React's
 * development build, which reports misuse (an update after unmount, a missing key) on the console.
 */
export function reactPageBundle(page: string): Promise<string> {
  return cachedBundle({
    entry: fileURLToPath(
      new URL(`../../../packages/react/src/__fixtures__/${page}`, import.meta.url),
    ),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['@gemloop/source'],
    define: { 'process.env.NODE_ENV': '"development"' },
    jsx: 'automatic',
    logLevel: 'silent',
  });
}
