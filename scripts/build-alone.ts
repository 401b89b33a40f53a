import { fileURLToPath } from 'node:url';
import { withDirectoryLock } from './directory-lock.ts';

/**
 * The lock of this checkout's builds: in its node_modules, so two checkouts never wait for each
 * other and two runs of one checkout do.
 */
export const BUILD_LOCK: string = fileURLToPath(
  new URL('../node_modules/.cache/gemloop-build.lock', import.meta.url),
);

/** What this file uses of scripts/bundle-core.mjs (plain JavaScript, without declarations). */
type CoreBundler = {
  findCoreBundleStaleness: () => Promise<string | undefined>;
  bundleCore: () => Promise<unknown>;
};

/** scripts/bundle-core.mjs, by URL: a `.mjs` has no types for the projects that check this file. */
const BUNDLER = new URL('./bundle-core.mjs', import.meta.url).href;

/**
 * Rewrites @gemloop/core's JavaScript (scripts/bundle-core.mjs) when a source, an entry or the
 * bundler changed since it was written: `tsc -b` writes core's declarations only, so after a build
 * (or an edit, in a Vitest run without one) the bundle is what would run old code from `dist`.
 * Resolves to the reason it was rewritten, or undefined when it was current.
 */
export async function bundleCoreIfStale(): Promise<string | undefined> {
  const bundler = (await import(BUNDLER)) as CoreBundler;
  const stale = await bundler.findCoreBundleStaleness();
  if (stale !== undefined) await bundler.bundleCore();
  return stale;
}

/**
 * Runs `build` (a `tsc -b` of some packages) while no other process of this checkout runs one, then
 * makes core's bundle current in the same hold (bundleCoreIfStale). The
 * CLI's bin tests, the evals' child Vitest and the packed install each build before they run what
 * was built, in test files that run side by side: after a source changed (`npx vitest run` without
 * `tsc -b` first), each `tsc -b` wrote the same outputs, and a file truncated by one build while
 * another process read it was read empty (measured: six builds of packages/cli at once, each
 * reading its output for 2 s, three rounds, load ~40: `dist/cli-io.js` read empty 2 times and the
 * build info unparseable 210 times in 1,631 reads, none with the lock; bench/RESULTS.md, helper
 * flake51). One at a time, the first builds and the others find the build current and write
 * nothing (~0.7 s each at load 37). Only the build holds the lock: what runs after it (a pack, a
 * child Vitest) does not make another file wait for its progress.
 */
export function buildAlone<T>(build: () => Promise<T>): Promise<T> {
  return withDirectoryLock(
    BUILD_LOCK,
    async () => {
      const built = await build();
      await bundleCoreIfStale();
      return built;
    },
    { what: 'a tsc -b of this checkout' },
  );
}
