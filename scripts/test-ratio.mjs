#!/usr/bin/env node
/**
 * Prints the test-to-code ratio of each workspace package (issue 27).
 *
 * The rule: for each `packages/<name>/src`, count the NON-BLANK lines of
 * - tests: files ending in `.test.ts` or `.test-d.ts` (wherever they sit under `src`);
 * - production: every other `.ts` file under `src`, except anything inside a `__fixtures__` folder
 *   (test helpers, neither tests nor production).
 * The ratio is tests / production. Comment lines count on both sides (they are part of the code a
 * reader maintains); only blank lines (whitespace only) are left out. `node_modules` is skipped.
 *
 * Usage: `node scripts/test-ratio.mjs [package ...]` (default: every package under `packages/`).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const packagesDir = join(root, 'packages');

/** Yields every `.ts` file under `dir`, with whether it sits under a `__fixtures__` folder. */
function* walk(dir, inFixtures = false) {
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules') continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      yield* walk(path, inFixtures || entry === '__fixtures__');
    } else if (entry.endsWith('.ts')) {
      yield { path, inFixtures };
    }
  }
}

function nonBlankLines(path) {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '').length;
}

const isTest = (path) => path.endsWith('.test.ts') || path.endsWith('.test-d.ts');

const names = process.argv.slice(2);
const packages = names.length > 0 ? names : readdirSync(packagesDir).sort();
console.log('package  tests  production  ratio');
for (const name of packages) {
  let tests = 0;
  let production = 0;
  for (const { path, inFixtures } of walk(join(packagesDir, name, 'src'))) {
    if (isTest(path)) tests += nonBlankLines(path);
    else if (!inFixtures) production += nonBlankLines(path);
  }
  const ratio = production === 0 ? 'n/a' : (tests / production).toFixed(2);
  console.log(
    `${name.padEnd(8)} ${String(tests).padStart(6)} ${String(production).padStart(11)}  ${ratio}`,
  );
}
