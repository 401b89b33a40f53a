import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type BuildOptions,
  build,
  version as esbuildVersion,
  type Metafile,
  type Plugin,
  transform,
} from 'esbuild';
import { type RawSourceMap, thinSourceMap } from './thin-source-map.ts';

/** The repository root. */
const ROOT = fileURLToPath(new URL('../', import.meta.url));

/**
 * Optional dependencies of `@dbos-inc/dbos-sdk` 5.3 that it `require`s only with OpenTelemetry
 * export turned on (`telemetry/logs.js`, `telemetry/exporters.js`): not installed, so left to a
 * run-time `require`, which fails the same way it does unbundled if one is ever reached.
 */
export const NOT_INSTALLED: string[] = [
  'winston',
  'winston-transport',
  '@opentelemetry/sdk-logs',
  '@opentelemetry/exporter-trace-otlp-proto',
  '@opentelemetry/exporter-logs-otlp-proto',
];

/**
 * esbuild's ESM output has no `require`: the CommonJS inside it (DBOS, pg) reaches Node's
 * built-in modules, and the externals above, through one made here.
 */
export const BANNER: string =
  "import { createRequire as __fixtureCreateRequire } from 'node:module';\n" +
  'const require = __fixtureCreateRequire(import.meta.url);';

/** Maps the bundle's stack traces through its source map, lazily (see the file). */
const STACK_TRACES = join(ROOT, 'scripts/bundle-stack-traces.ts');

/** Runs a fixture bundle's body through V8's code cache (see the file); copied beside each body. */
const CODE_CACHE_LOADER = join(ROOT, 'scripts/code-cache-loader.cjs');

/**
 * The sources whose frames stay mapped: ours (the packages' `dist`, mapped on to their `src`, and
 * the fixtures' JavaScript under node_modules/.cache), not the dependencies' (see thinSourceMap).
 */
function isOurs(source: string): boolean {
  return !/\/node_modules\/(?!\.cache\/)/.test(source);
}

/** What the bundle's folder is keyed by besides its inputs: this file and esbuild. */
const TOOLING = createHash('sha256')
  .update(readFileSync(fileURLToPath(import.meta.url)))
  .update(readFileSync(fileURLToPath(new URL('./thin-source-map.ts', import.meta.url))))
  .update(readFileSync(STACK_TRACES))
  .update(readFileSync(CODE_CACHE_LOADER))
  .update(esbuildVersion)
  .update(readFileSync(join(ROOT, 'pnpm-lock.yaml')))
  .digest('hex');

/**
 * A fixture script and everything it imports (our built JavaScript, DBOS, pg, zod, undici, ...)
 * in one CommonJS script with a source map (`<name>.body.js`), and the file a process runs
 * (`<name>.cjs`, code-cache-loader.cjs), which runs the body through V8's code cache: made once
 * and kept under `cacheDirectory` in a folder named after the hash of every input's content (and
 * of this file, the loader, esbuild's version and the lockfile): a later run with the same inputs
 * reuses it, and the code cache the first start made beside it. A worker process loads this one
 * script instead of ~540 ES modules and ~550 CommonJS files, each of which Node 20's loader
 * resolves, reads and compiles on its own (it has no compile cache), and with the code cache it
 * neither parses the body nor compiles the functions its start runs. Measured on the fixture
 * worker (a probe, its CPU to its `ready`, interleaved): at load 15-19, 0.68-0.80 s as one ES
 * module, 0.58-0.62 s as this script without the cache, 0.40-0.55 s with it; at load 31-36, with
 * the thinner map (thin-source-map.ts), 0.74-1.03 s (median 0.85) -> 0.54-0.76 s (median 0.64)
 * (bench/RESULTS.md, issue 53, helper test-speed-cache).
 *
 * The code is the same code: the modules are concatenated, not transformed (no minifying, no
 * syntax lowering: `target` is the running Node), and the whole body is strict, as the ES module
 * it was before (the banner). A script has no top-level await: a fixture starts in a function
 * (worker.ts). Two things would otherwise change meaning in one file, and each module is given its
 * own again: `import.meta.url` (core resolves optional packages with
 * `createRequire(import.meta.url)`) is replaced by the module's own URL, and a CommonJS module that
 * names `__dirname`/`__filename` (DBOS finds its package.json from it) gets its own; an
 * `import.meta` left in the body fails the build (a script has none). The source map follows the
 * inputs' own maps (core's `dist` maps to its `src`), cut to our files' lines (thinSourceMap), and
 * the bundle maps its own stack traces through it when one is made (bundle-stack-traces.ts), so a
 * failing worker's trace names our files as before. A dependency that cannot be bundled fails the
 * run's setup with esbuild's message: one that is optional and not installed goes in NOT_INSTALLED.
 *
 * @param entry The fixture's compiled JavaScript.
 * @param cacheDirectory Where bundles are kept (a folder per key).
 * @param options `ascii`: the body written in ASCII where that changes no code ({@link asciiOnly}:
 *   ~12 ms less a start, ~1 s more of esbuild's CPU when the bundle is made), for a fixture
 *   started often.
 * @returns The path of the file to run (`node <it>`).
 */
export async function bundleFixture(
  entry: string,
  cacheDirectory: string,
  { ascii = false }: { ascii?: boolean } = {},
): Promise<string> {
  const name = entry.replace(/^.*\//, '').replace(/\.js$/, '.cjs');
  const folder = await cachedBuild({
    cacheDirectory,
    manifest: `${name}.inputs.json`,
    // The body differs with `ascii`: so does its folder.
    key: ascii ? `${entry} ascii` : entry,
    whole: name,
    make: async (scratch) => {
      const body = join(scratch, name.replace(/\.cjs$/, '.body.js'));
      const result = await build({
        ...SAME_CODE,
        format: 'cjs',
        // Strict, as the ES module the code was (a CommonJS dependency in it included).
        banner: { js: "'use strict';" },
        entryPoints: [entry],
        outfile: body,
        external: NOT_INSTALLED,
        inject: [STACK_TRACES],
        plugins: [ownLocation],
      });
      // esbuild turns an `import.meta` a script cannot have into `{}`, and warns.
      const lost = result.warnings.filter((warning) => warning.text.includes('import.meta'));
      if (lost.length > 0) {
        throw new Error(
          `${entry}: import.meta is empty in a CommonJS bundle: ${lost.map((warning) => `${warning.location?.file}:${warning.location?.line}`).join(', ')}`,
        );
      }
      if (ascii) writeFileSync(body, await asciiOnly(readFileSync(body, 'utf8')));
      const map = JSON.parse(readFileSync(`${body}.map`, 'utf8')) as RawSourceMap;
      writeFileSync(`${body}.map`, JSON.stringify(thinSourceMap(map, isOurs)));
      // Last: the folder is whole once the file to run is there.
      copyFileSync(CODE_CACHE_LOADER, join(scratch, name));
      return result.metafile;
    },
  });
  return join(folder, name);
}

/** How {@link asciiOnly} reads a text: as esbuild prints its program, comments dropped, in ASCII. */
const AS_PROGRAM = {
  loader: 'js',
  minifyWhitespace: true,
  charset: 'ascii',
  legalComments: 'none',
  logLevel: 'silent',
} as const;

/**
 * `code` with each character past ASCII written as its `\u` escape, when that changes no code;
 * `code` as it was otherwise. esbuild prints every string, cooked template and name in ASCII
 * (`charset: 'ascii'`) and drops comments when it minifies whitespace: what it still prints past
 * ASCII is where an escape would change the code (a regular expression, a tagged template's raw
 * text), and when it prints none, every such character of `code` is in a comment or has the same
 * value escaped. Why: V8 keeps a script that holds one character past Latin-1 as a two-byte
 * string, and each start of a bundle decoded its whole body into one (13.9 MB for the worker's
 * 6.9 MB) and wrapped it again. esbuild's bundles keep some comments (inside expressions): the
 * worker's 58 such characters are all in comments (undici's `request’s`). Measured on the worker
 * (a probe, CPU laps in the process, 7 warm starts each, interleaved, load 9-19): the loader's
 * read-to-compiled lap 34.5-38.3 ms (median 35.1) -> 21.5-28.9 (22.8), to its `ready` median
 * 268 -> 253 ms; making the bundle, esbuild's CPU 1.9-2.3 -> 2.8-3.3 s (load 11-15).
 */
export async function asciiOnly(code: string): Promise<string> {
  const pastAscii = /[\u0080-\uffff]/g;
  if (!pastAscii.test(code)) return code;
  // esbuild prints every string, cooked template and name in ASCII: what it prints past ASCII is
  // what an escape would change (a regular expression, a tagged template's raw text).
  const { code: program } = await transform(code, AS_PROGRAM);
  if (/[\u0080-\uffff]/.test(program)) return code;
  return code.replace(
    pastAscii,
    (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * The esbuild options of every bundle made here and in bundle-scripts.ts: the same code as the
 * files it holds (see bundleFixture), with a source map beside it and its inputs in a metafile.
 */
export const SAME_CODE = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: `node${process.versions.node}`,
  // A class or function keeps its `name`: esbuild renames one it moves into a lazily run
  // module (`var X = class _X`), and core names errors after their class (`GemloopError`'s
  // `name` is `constructor.name`: a PluginError was reported as `_PluginError`).
  keepNames: true,
  sourcemap: 'linked',
  // The map names files; their text is on disk (smaller map, less for Node to read).
  sourcesContent: false,
  banner: { js: BANNER },
  metafile: true,
  absWorkingDir: ROOT,
  logLevel: 'silent',
} as const satisfies BuildOptions;

/** Options of {@link cachedBuild}. */
export type CachedBuildOptions = {
  /** Where bundles are kept (a folder per key, and the manifest). */
  cacheDirectory: string;
  /** The manifest's file name: the inputs the last bundle was made from. */
  manifest: string;
  /** What stands for the entries in the key (see keyOf). */
  key: string;
  /** A file the bundle's folder holds once it is whole. */
  whole: string;
  /** Makes the bundle in `scratch` (writing `whole` last) and gives esbuild's metafile. */
  make: (scratch: string) => Promise<Metafile>;
};

/**
 * A bundle's folder, reused when the inputs of the last one still hash to a folder that is whole,
 * else made: written into a scratch folder of its own, then renamed into place, so another run on
 * the same checkout sees a whole bundle or none.
 */
export async function cachedBuild(options: CachedBuildOptions): Promise<string> {
  const { cacheDirectory, key: entry, whole } = options;
  const manifestPath = join(cacheDirectory, options.manifest);
  const known = readManifest(manifestPath);
  if (known !== undefined) {
    const key = keyOf(entry, known);
    if (key !== undefined && existsSync(join(cacheDirectory, key, whole)))
      return join(cacheDirectory, key);
  }
  const scratch = join(cacheDirectory, `.building-${process.pid}-${Date.now().toString(36)}`);
  mkdirSync(scratch, { recursive: true });
  try {
    const metafile = await options.make(scratch);
    const inputs = Object.keys(metafile.inputs).map((input) => join(ROOT, input));
    const key = keyOf(entry, inputs);
    if (key === undefined) throw new Error(`an input of ${whole} changed while it was bundled`);
    const target = join(cacheDirectory, key);
    if (!existsSync(join(target, whole))) {
      rmSync(target, { recursive: true, force: true });
      try {
        renameSync(scratch, target);
      } catch (error) {
        // Another run renamed the same bundle into place first.
        if (!existsSync(join(target, whole))) throw error;
      }
    }
    writeFileSync(manifestPath, JSON.stringify(inputs));
    return target;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The inputs a bundle of the fixture was last made from, if one was. */
export function readManifest(path: string): string[] | undefined {
  try {
    const inputs: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return Array.isArray(inputs) && inputs.every((input) => typeof input === 'string')
      ? inputs
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The hash of the inputs' paths and contents and the tooling; `undefined` when one is gone. A
 * changed import changes the content of the file that imports, so the inputs of the last bundle
 * are enough to tell whether it still holds.
 */
export function keyOf(entry: string, inputs: readonly string[]): string | undefined {
  const hash = createHash('sha256').update(TOOLING).update(entry);
  for (const input of [...inputs].sort()) {
    if (!existsSync(input) || !statSync(input).isFile()) return undefined;
    hash.update(input).update('\0').update(readFileSync(input)).update('\0');
  }
  return hash.digest('hex').slice(0, 24);
}

/**
 * Each module keeps its own `import.meta.url`, `__dirname` and `__filename` (see bundleFixture).
 */
export const ownLocation: Plugin = {
  name: 'own-location',
  setup(builder) {
    builder.onLoad({ filter: /\.[cm]?js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const meta = text.includes('import.meta.url');
      const names = /\b__(dirname|filename)\b/.test(text);
      if (!meta && !names) return undefined;
      let contents = meta
        ? text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
        : text;
      if (names && !isModule(contents)) {
        contents = `var __dirname = ${JSON.stringify(dirname(args.path))}, __filename = ${JSON.stringify(args.path)};${contents}`;
      }
      return { contents, loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

/** Whether a file is an ES module (where `__dirname` is never defined, bundled or not). */
export function isModule(text: string): boolean {
  return /^\s*(import|export)\s/m.test(text);
}

/**
 * Removes the bundles of earlier inputs (folders other than `keep`) that are older than a day:
 * a run beside this one on the same checkout may still be starting workers from a recent one.
 */
export function pruneBundles(cacheDirectory: string, keep: ReadonlySet<string>): void {
  if (!existsSync(cacheDirectory)) return;
  const dayAgo = Date.now() - 86_400_000;
  for (const entry of readdirSync(cacheDirectory, { withFileTypes: true })) {
    const path = join(cacheDirectory, entry.name);
    if (!entry.isDirectory() || keep.has(path) || statSync(path).mtimeMs > dayAgo) continue;
    rmSync(path, { recursive: true, force: true });
  }
}
