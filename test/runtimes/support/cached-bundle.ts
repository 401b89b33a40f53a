import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build } from 'esbuild';
import { keptBuildFolder, workspaceSteeringHash } from '../../../scripts/kept-esbuild-build.ts';

/** The repository root. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Where the bundles are kept between runs: a folder per kind of bundle, one per key in it. */
const CACHE = join(ROOT, 'node_modules/.cache/test-bundles');

/**
 * What a test bundles: esbuild's options for one entry, the output's text handed back. The options
 * are part of the key as JSON, so no plugins (a function would not be in it) and no `stdin` (no
 * file to key).
 */
export type CachedBundleOptions = Omit<
  BuildOptions,
  | 'entryPoints'
  | 'write'
  | 'outfile'
  | 'outdir'
  | 'metafile'
  | 'absWorkingDir'
  | 'stdin'
  | 'plugins'
> & {
  /** The one file bundled. */
  entry: string;
  /** Where bundles are kept; tests of this file pass a folder of their own. */
  cacheDirectory?: string;
};

/**
 * The text of a bundle of `entry` made with esbuild's `options`, kept under
 * `node_modules/.cache/test-bundles` and reused while its inputs are unchanged: the portable
 * suite with core and zod (~590 files, 0.55–0.8 s of esbuild's CPU a bundle) is bundled by seven
 * runtime tests a run, a React page (~0.15 s) by four, and none of them changes between runs
 * unless a source does (bench/RESULTS.md, helper speed-browser51).
 *
 * The key (scripts/bundle-fixture.ts `cachedBuild`) is the content of every file esbuild read
 * for the last bundle of this kind (its metafile's inputs: a changed import changes the file that
 * imports), esbuild's version, the lockfile, this file, the options, and the files that steer
 * resolution without being inputs themselves: the workspace's `package.json`s (export maps and
 * conditions) and `tsconfig` files (JSX and class-field settings). A key that no longer holds is
 * bundled again, the same way as before, and the bundle made for it replaces the last one. A key
 * or a kind of bundle unused for a day is removed when another is used.
 */
export async function cachedBundle({
  entry,
  cacheDirectory = CACHE,
  ...options
}: CachedBundleOptions): Promise<string> {
  const key = JSON.stringify({ entry, options, steering: steeringHash() });
  const folder = await keptBuildFolder({
    cacheDirectory,
    key,
    whole: 'bundle.js',
    make: async (scratch) => {
      const result = await build({
        ...options,
        entryPoints: [entry],
        outfile: join(scratch, 'bundle.js'),
        write: true,
        metafile: true,
        absWorkingDir: ROOT,
      });
      return result.metafile;
    },
  });
  return readFileSync(join(folder, 'bundle.js'), 'utf8');
}

/**
 * The hash of this file and of the workspace files that steer esbuild's resolution and output but
 * are not in its metafile (scripts/kept-esbuild-build.ts `workspaceSteeringHash`).
 */
function steeringHash(): string {
  return createHash('sha256')
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .update(workspaceSteeringHash())
    .digest('hex');
}
