#!/usr/bin/env node

// Writes @gemloop/core's runtime JavaScript: one esbuild run over core's TypeScript sources, one entry
// per file that core's package.json `exports` (every condition's target) and `imports` (`#platform/*`:
// each file of `src/platform/node` and `src/platform/web`) name, at the same paths in `dist/`, and the
// modules two entries share in chunks (`dist/_chunks/`, `splitting`). Packages stay imports
// (`packages: 'external'`) and so does `#platform/*`, which Node or the app's bundler resolves per
// runtime as before. `tsc -b` still type-checks core and writes its `.d.ts` (its tsconfig has
// `emitDeclarationOnly`): tsc's JavaScript, one file per source, is not shipped.
//
// Why: a cold `import('@gemloop/core')` pays per module and per module request (a resolve, a stat, a
// read, a compile each), not per byte. tsc's output gave the root import 132 modules and 315
// requests; these chunks give it 69 files and 232 requests. Measured (bench/RESULTS.md, helper
// bundle56; CPU of `import('@gemloop/core')` in a fresh node, ABBA medians, load 13-22): 194 -> 123
// ms (15 pairs) and 158 -> 106 ms (20 pairs), against zod's 147 and 132: core - zod went from +49
// and +28 ms to -22 and -23 ms. The agent app's browser bundle from this dist: 90.6 KB gzip (89.7
// from tsc's).
//
// Each module is in exactly one output, so every class and registry has one instance whatever
// entries an app imports (`instanceof GemloopError` holds across `@gemloop/core` and
// `@gemloop/core/errors`). The maps point at `src/*.ts`, which the package ships: esbuild reads the
// TypeScript itself, so there is no tsc map to chain.
//
// `tsc -b` alone does not write this: after it, `dist/.bundle-info.json` says which sources the
// bundle read, and `findCoreBundleStaleness` names any that is newer (Vitest's global setup and the
// scripts that run from `dist` rebuild or stop on it). `npm run build`, `npm test` and `npm run
// setup` run this after `tsc -b`.
//
// Plain JavaScript so that it runs on Node 20 without a TypeScript loader.
// Usage: node scripts/bundle-core.mjs [--if-stale]

import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** core's package folder. */
export const CORE = fileURLToPath(new URL('../packages/core/', import.meta.url));

/** The file that records what the last bundle read and wrote (left out of the package). */
export const BUNDLE_INFO = '.bundle-info.json';

/** The folder of `dist` the shared chunks go to. */
const CHUNKS = '_chunks';

/** This script's text and esbuild's version: a bundle another of them wrote is stale. */
async function builderOf() {
  const { version } = await import('esbuild');
  const script = readFileSync(fileURLToPath(import.meta.url));
  return createHash('sha256').update(script).update(version).digest('hex').slice(0, 16);
}

/** Every string inside an `exports`/`imports` value (targets under all conditions). */
function targetsOf(value, into) {
  if (typeof value === 'string') into.add(value);
  else if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) targetsOf(inner, into);
  }
  return into;
}

/**
 * The bundle's entries: for each JavaScript target of core's `exports` and `publishConfig.exports`,
 * and each source of `#platform/*`, the source (relative to `src/`) whose output it is.
 *
 * @returns Sorted paths relative to `src/`, such as `index.ts` and `platform/node/load-pino.ts`.
 */
export function listCoreEntries(coreDirectory = CORE) {
  const manifest = JSON.parse(readFileSync(join(coreDirectory, 'package.json'), 'utf8'));
  const targets = targetsOf(manifest.exports, new Set());
  targetsOf(manifest.publishConfig?.exports, targets);
  const entries = new Set();
  for (const target of targets) {
    if (!target.startsWith('./dist/') || !target.endsWith('.js')) continue;
    entries.add(`${target.slice('./dist/'.length, -'.js'.length)}.ts`);
  }
  // `#platform/*` maps a name to a file of each folder, and core imports it by name: every file of
  // the folders is a target.
  for (const side of ['node', 'web']) {
    for (const name of readdirSync(join(coreDirectory, 'src', 'platform', side))) {
      if (name.endsWith('.ts') && !/\.test(-d)?\.ts$/.test(name)) {
        entries.add(`platform/${side}/${name}`);
      }
    }
  }
  for (const entry of entries) {
    if (!existsSync(join(coreDirectory, 'src', entry))) {
      throw new Error(
        `core's package.json names dist/${entry.replace(/\.ts$/, '.js')}, but src/${entry} does not exist: fix the exports map or add the source.`,
      );
    }
  }
  return [...entries].sort();
}

/**
 * Bundles core's sources into `dist` (see the header), removes the JavaScript of `dist` it did not
 * write (tsc's former per-file output, chunks of an older bundle) and records what it read.
 *
 * @returns The files written (relative to `dist`) and the wall time of the esbuild run.
 */
export async function bundleCore(coreDirectory = CORE) {
  const { build } = await import('esbuild');
  const started = Date.now();
  const src = join(coreDirectory, 'src');
  const dist = join(coreDirectory, 'dist');
  const entries = listCoreEntries(coreDirectory);
  const before = performance.now();
  const result = await build({
    absWorkingDir: coreDirectory,
    entryPoints: entries.map((entry) => join(src, entry)),
    outdir: dist,
    outbase: src,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2023',
    packages: 'external',
    external: ['#platform/*'],
    chunkNames: `${CHUNKS}/[name]-[hash]`,
    sourcemap: true,
    // The package ships `src/`, which the maps name: no second copy of every source in them.
    sourcesContent: false,
    charset: 'utf8',
    metafile: true,
    write: false,
    logLevel: 'silent',
  });
  const milliseconds = performance.now() - before;
  const written = new Set();
  for (const file of result.outputFiles) {
    mkdirSync(dirname(file.path), { recursive: true });
    // Whole files only, by rename: a process of another test file may be importing from `dist`.
    const partial = `${file.path}.${process.pid}.partial`;
    writeFileSync(partial, file.contents);
    renameSync(partial, file.path);
    written.add(relative(dist, file.path));
  }
  for (const stale of listJavaScript(dist)) {
    if (!written.has(stale)) rmSync(join(dist, stale), { force: true });
  }
  const inputs = Object.keys(result.metafile.inputs)
    .map((input) => relative(coreDirectory, resolve(coreDirectory, input)))
    .filter((input) => input.startsWith(`src${sep}`))
    .sort();
  const info = {
    builder: await builderOf(),
    entries,
    inputs,
    outputs: [...written].sort(),
    started,
  };
  writeFileSync(join(dist, BUNDLE_INFO), `${JSON.stringify(info, null, 2)}\n`);
  return { outputs: info.outputs, milliseconds };
}

/** The `.js` and `.js.map` files of a `dist` folder, relative to it. */
function listJavaScript(dist) {
  if (!existsSync(dist)) return [];
  return readdirSync(dist, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.js(\.map)?$/.test(entry.name))
    .map((entry) => relative(dist, join(entry.parentPath, entry.name)));
}

/**
 * Why core's bundle in `dist` is not the sources' (missing, an entry added or removed, a source
 * edited or deleted since it was written), or `undefined` when it is current.
 */
export async function findCoreBundleStaleness(coreDirectory = CORE) {
  const dist = join(coreDirectory, 'dist');
  const infoFile = join(dist, BUNDLE_INFO);
  if (!existsSync(infoFile))
    return `dist/${BUNDLE_INFO} is missing: core's JavaScript was never bundled`;
  const info = JSON.parse(readFileSync(infoFile, 'utf8'));
  if (info.builder !== (await builderOf())) return 'another bundle-core.mjs or esbuild wrote it';
  const entries = listCoreEntries(coreDirectory);
  if (JSON.stringify(entries) !== JSON.stringify(info.entries)) {
    return "core's package.json names other entries than the bundle's";
  }
  for (const output of info.outputs) {
    if (!existsSync(join(dist, output))) return `dist/${output} is missing`;
  }
  for (const input of info.inputs) {
    const path = join(coreDirectory, input);
    if (!existsSync(path)) return `${input} is gone`;
    // `started` is whole milliseconds (Date.now()), an mtime has fractions of one: a source written
    // just before the bundle, in the millisecond it started, read as newer (a false "stale" in
    // about a quarter of the tests' bundles of a package written a moment before). Compared at
    // the start's own precision, the millisecond the bundle started counts as before it.
    if (Math.floor(statSync(path).mtimeMs) > info.started)
      return `${input} changed after the bundle was written`;
  }
  return undefined;
}

/** The command that makes the bundle current, for messages. */
export const BUNDLE_COMMAND = 'node scripts/bundle-core.mjs';

/**
 * Throws, naming the reason and the fix, when core's bundle is not current (for the scripts that run
 * `dist` and must never run old code).
 */
export async function assertCoreBundleFresh(coreDirectory = CORE) {
  const stale = await findCoreBundleStaleness(coreDirectory);
  if (stale !== undefined) {
    throw new Error(
      `@gemloop/core's dist is not current (${stale}). Run \`npm run build\`, or \`${BUNDLE_COMMAND}\` after \`npx tsc -b\`.`,
    );
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ifStale = process.argv.includes('--if-stale');
  if (!ifStale || (await findCoreBundleStaleness()) !== undefined) {
    const { outputs, milliseconds } = await bundleCore();
    const files = outputs.filter((output) => output.endsWith('.js')).length;
    process.stdout.write(
      `bundled @gemloop/core: ${files} files in ${Math.round(milliseconds)} ms\n`,
    );
  }
}
