import { fileURLToPath } from 'node:url';
import { withDirectoryLock } from './directory-lock.ts';

/**
 * The lock of this checkout's builds: in its node_modules, so two checkouts never wait for each
 * other and two runs of one checkout do.
 */
export const BUILD_LOCK: string = fileURLToPath(
  new URL('../node_modules/.cache/gemloop-build.lock', import.meta.url),
);

/**
 * Runs `build` (a `tsc -b` of some packages) while no other process of this checkout runs one. The
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
  return withDirectoryLock(BUILD_LOCK, build, { what: 'a tsc -b of this checkout' });
}
