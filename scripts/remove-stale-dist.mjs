#!/usr/bin/env node
// Removes the files of a package's `dist/` that no source of its `src/` emits any more. `tsc -b`
// writes what the sources give and never deletes: a source moved or deleted leaves its old
// `.js`, `.d.ts` and maps in an existing build (`dist/platform/*/api-call-error-of.js` outlived
// its source by sessions), and `pnpm pack` ships the whole `dist/` folder (`files` in each
// package.json), so a tarball carried modules nothing imports, or worse, that a deep import could
// still reach. `npm run build` and `scripts/pack.mjs` run this after tsc.
//
// An output is kept when `src/<same path>.ts` (`.tsx`, `.mts`, `.cts` for their outputs) exists and
// is built: tests (`*.test.ts`, `*.test-d.ts`) and `__fixtures__` are excluded by every package's
// tsconfig.json, so their outputs are stale too. Files tsc does not emit (`.tsbuildinfo*`) are
// left alone, and so are those of core's bundle (scripts/bundle-core.mjs: its shared chunks have no
// source of their own; the bundle removes its old ones itself), which `dist/.bundle-info.json` lists.
//
// Plain JavaScript so that it runs on Node 20 without a TypeScript loader.
// Usage: node scripts/remove-stale-dist.mjs [<package folder>...]   (default: every packages/*)

import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));

/** The output suffixes tsc emits for a source, and the source suffix each comes from. */
const OUTPUTS = [
  ['.d.ts.map', ['.ts', '.tsx']],
  ['.d.mts.map', ['.mts']],
  ['.d.cts.map', ['.cts']],
  ['.d.ts', ['.ts', '.tsx']],
  ['.d.mts', ['.mts']],
  ['.d.cts', ['.cts']],
  ['.js.map', ['.ts', '.tsx']],
  ['.mjs.map', ['.mts']],
  ['.cjs.map', ['.cts']],
  ['.js', ['.ts', '.tsx']],
  ['.mjs', ['.mts']],
  ['.cjs', ['.cts']],
];

/** Whether a source (a path inside `src/`, without its suffix) is one tsc builds. */
function isBuilt(path) {
  if (path.split(sep).includes('__fixtures__')) return false;
  return !path.endsWith('.test') && !path.endsWith('.test-d');
}

/**
 * The files of `<packageDirectory>/dist` that no built source of `<packageDirectory>/src` emits,
 * as absolute paths, sorted. A package without `dist` has none.
 */
export function findStaleDistFiles(packageDirectory) {
  const dist = join(packageDirectory, 'dist');
  const src = join(packageDirectory, 'src');
  if (!existsSync(dist)) return [];
  const bundled = bundleOutputs(dist);
  const stale = [];
  for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath ?? entry.path, entry.name);
    const output = OUTPUTS.find(([suffix]) => entry.name.endsWith(suffix));
    // Not an output of tsc (its build info): not ours to judge.
    if (output === undefined) continue;
    const [suffix, sources] = output;
    if (bundled.has(relative(dist, file))) continue;
    const base = relative(dist, file).slice(0, -suffix.length);
    const emitted =
      isBuilt(base) && sources.some((source) => existsSync(join(src, `${base}${source}`)));
    if (!emitted) stale.push(file);
  }
  return stale.sort();
}

/** The files of `dist` a bundle wrote (scripts/bundle-core.mjs's record), relative to it. */
function bundleOutputs(dist) {
  const info = join(dist, '.bundle-info.json');
  if (!existsSync(info)) return new Set();
  return new Set(JSON.parse(readFileSync(info, 'utf8')).outputs);
}

/**
 * Removes the stale files of each package folder (see {@link findStaleDistFiles}) and the folders
 * of `dist` they leave empty. Returns the removed files.
 */
export function removeStaleDistFiles(packageDirectories) {
  const removed = [];
  for (const directory of packageDirectories) {
    const stale = findStaleDistFiles(directory);
    for (const file of stale) rmSync(file, { force: true });
    removed.push(...stale);
    const dist = join(directory, 'dist');
    if (stale.length > 0) removeEmptyFolders(dist, dist);
  }
  return removed;
}

function removeEmptyFolders(folder, dist) {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (entry.isDirectory()) removeEmptyFolders(join(folder, entry.name), dist);
  }
  if (folder !== dist && readdirSync(folder).length === 0) rmdirSync(folder);
}

/** Every packages/* folder with a package.json. */
export function listPackageFolders() {
  const packages = join(root, 'packages');
  return readdirSync(packages, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(packages, entry.name))
    .filter((directory) => existsSync(join(directory, 'package.json')));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const given = process.argv.slice(2).map((folder) => resolve(folder));
  const removed = removeStaleDistFiles(given.length > 0 ? given : listPackageFolders());
  for (const file of removed) process.stdout.write(`removed stale ${relative(root, file)}\n`);
}
