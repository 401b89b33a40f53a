import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { cachedBuild, pruneBundles } from './bundle-fixture.ts';

/** The repository root: every kept build's `absWorkingDir`, so its metafile's paths start there. */
const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** This file's hash: how a build is made and read back is part of every key. */
const SELF = createHash('sha256')
  .update(readFileSync(fileURLToPath(import.meta.url)))
  .digest('hex');

/** Where the builds are kept between runs: a folder per kind of build, one per key in it. */
const CACHE = join(ROOT, 'node_modules/.cache/test-bundles');

/**
 * What a test builds: esbuild's options, with its entries. The options are part of the key as
 * JSON, so no plugins (a function would not be in it) and no `stdin` (no file to key): a test
 * that wants to know which file imports what reads the metafile's `imports` (`external: ['node:*']`
 * keeps a Node built-in in it beside the file that made it).
 */
export type KeptEsbuildBuildOptions = Omit<
  BuildOptions,
  'write' | 'outfile' | 'outdir' | 'metafile' | 'absWorkingDir' | 'stdin' | 'plugins'
> & {
  /** The files built, relative to the repository root or absolute. */
  entryPoints: string[];
  /** Where builds are kept; tests of this file pass a folder of their own. */
  cacheDirectory?: string | undefined;
};

/** A kept build: esbuild's metafile (paths relative to the repository root) and its outputs' text. */
export type KeptEsbuildBuild = { metafile: Metafile; outputs: string[] };

/**
 * esbuild's build of `entryPoints` with `options` (written, with its metafile), kept under
 * `node_modules/.cache/test-bundles` and reused while its inputs are unchanged. The tests that
 * judge an import graph or a browser bundle (core's static-imports and browser-bundle files, the
 * fake's browser bundle) walk the metafile of a build of sources that rarely change between runs:
 * each built it every run, ~0.2-0.6 s of esbuild's CPU, in a process `npm test`'s own CPU figure
 * does not even count (esbuild's service is not reaped by Vitest). Every assertion still runs on
 * the graph each time; only the build is kept.
 *
 * The key (scripts/bundle-fixture.ts `cachedBuild`) is the content of every file esbuild read for
 * the last build of this kind (its metafile's inputs: a changed import changes the file that
 * imports), esbuild's version, the lockfile, the options, and the files that steer resolution
 * without being inputs themselves ({@link workspaceSteeringHash}). A key that no longer holds is
 * built again, the same way as before, and replaces the last one; a kind unused for a day is
 * removed when another is used.
 */
export async function keptEsbuildBuild({
  cacheDirectory = CACHE,
  ...options
}: KeptEsbuildBuildOptions): Promise<KeptEsbuildBuild> {
  const key = JSON.stringify({ options, self: SELF, steering: workspaceSteeringHash() });
  const folder = await keptBuildFolder({
    cacheDirectory,
    key,
    whole: 'metafile.json',
    make: async (scratch) => {
      const result = await build({
        ...options,
        outdir: join(scratch, 'out'),
        write: true,
        metafile: true,
        absWorkingDir: ROOT,
      });
      // Written last: the folder counts as whole once it is there.
      writeFileSync(join(scratch, 'metafile.json'), JSON.stringify(result.metafile));
      // The key reads the files; a `(disabled):` module (a browser field's `false`) is no file.
      const files = Object.entries(result.metafile.inputs).filter(([input]) =>
        existsSync(join(ROOT, input)),
      );
      return { ...result.metafile, inputs: Object.fromEntries(files) };
    },
  });
  const metafile = JSON.parse(readFileSync(join(folder, 'metafile.json'), 'utf8')) as Metafile;
  const out = join(folder, 'out');
  const outputs = readdirSync(out, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.js'))
    .sort()
    .map((file) => readFileSync(join(out, file), 'utf8'));
  return { metafile, outputs };
}

/** Options of {@link keptBuildFolder}. */
export type KeptBuildFolderOptions = {
  /** Where builds are kept: a folder per kind (the hash of `key`), one per key of inputs in it. */
  cacheDirectory: string;
  /** What the build is (its options, its tooling), its inputs aside. */
  key: string;
  /** A file the build's folder holds once it is whole. */
  whole: string;
  /** Makes the build in `scratch` (writing `whole` last) and gives esbuild's metafile. */
  make: (scratch: string) => Promise<Metafile>;
};

/**
 * The folder of a kept build of one kind, made by `make` when the inputs of the last one no longer
 * hold (scripts/bundle-fixture.ts `cachedBuild`). Used now, so kept by the prunes: the kind's
 * other folders, and kinds unused for a day (another version of a test's options, a changed
 * package.json), are removed.
 */
export async function keptBuildFolder({
  cacheDirectory,
  key,
  whole,
  make,
}: KeptBuildFolderOptions): Promise<string> {
  const kind = createHash('sha256').update(key).digest('hex').slice(0, 16);
  const directory = join(cacheDirectory, kind);
  const folder = await cachedBuild({
    cacheDirectory: directory,
    manifest: 'inputs.json',
    key,
    whole,
    make,
  });
  const now = new Date();
  utimesSync(directory, now, now);
  pruneBundles(directory, new Set([folder]));
  pruneBundles(cacheDirectory, new Set([directory]));
  return folder;
}

/**
 * The hash of the workspace files that steer esbuild's resolution and output but are not in its
 * metafile: the `package.json` (export maps, `imports`, conditions) and `tsconfig*.json` (paths,
 * JSX and class-field settings) of the root and of each workspace package.
 */
export function workspaceSteeringHash(): string {
  const hash = createHash('sha256');
  const folders = [
    ROOT,
    join(ROOT, 'examples'),
    join(ROOT, 'bench'),
    join(ROOT, 'test'),
    ...readdirSync(join(ROOT, 'packages'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(ROOT, 'packages', entry.name)),
  ];
  for (const folder of folders) {
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder).sort()) {
      if (name !== 'package.json' && !/^tsconfig.*\.json$/.test(name)) continue;
      hash
        .update(join(folder, name))
        .update('\0')
        .update(readFileSync(join(folder, name)));
    }
  }
  return hash.digest('hex');
}
