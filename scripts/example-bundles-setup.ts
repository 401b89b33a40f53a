import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { pruneBundles } from './bundle-fixture.ts';
import { bundleScripts } from './bundle-scripts.ts';
import { compiledScript } from './compiled-script.ts';
import { projectsInRun } from './projects-in-run.ts';
import './example-bundles-provided.ts';

const EXAMPLES = fileURLToPath(new URL('../examples/', import.meta.url));

/** Where examples/tsconfig.json emits the examples' JavaScript (rootDir: the repository). */
const EMITTED = join(EXAMPLES, 'node_modules/.cache/examples-js/examples');

/**
 * The examples' bundles, the root config's global setup (vitest.config.ts): every script of the
 * examples' emitted JavaScript that no other example file imports (the examples, their workers,
 * the README's and the guides' snippets), bundled in one esbuild run with their shared code in
 * chunks (scripts/bundle-scripts.ts), kept under examples/node_modules/.cache/example-bundles and
 * reused while their inputs are unchanged; provided to the tests as `exampleBundles` (the folder),
 * which examples/test/run-example-process.ts starts the examples from. Only when the build is
 * fresh, as that file checks for the emitted JavaScript: otherwise nothing is bundled.
 *
 * One example process from its bundle: 0.72 s of CPU against 0.93 s from the emitted files
 * (quick-start, four runs each interleaved, load ~25: it loads ~130 modules instead of ~540;
 * Node 20 has no compile cache). The bundles cost ~4 s of CPU to make (a fresh clone, or after
 * an edit of anything they hold) and ~0.3 s to check (hashing their inputs). bench/RESULTS.md,
 * issue 53, helper test-speed4.
 */
export default async function setup(project: TestProject): Promise<void> {
  const running = await projectsInRun(project);
  if (!running.has('examples')) return;
  const fresh = compiledScript(EMITTED, {
    sources: EXAMPLES,
    marker: join(EXAMPLES, 'node_modules/.cache/tsbuildinfo'),
    tests: true,
  });
  if (fresh === undefined) return;
  const cache = join(EXAMPLES, 'node_modules/.cache/example-bundles');
  const folder = await bundleScripts({
    entries: exampleScripts(EMITTED),
    base: EMITTED,
    cacheDirectory: cache,
    name: 'examples',
    linked: linkedPackages(),
  });
  project.provide('exampleBundles', folder);
  pruneBundles(cache, new Set([folder]));
}

/**
 * The packages our built code imports by a name esbuild cannot follow, each as the package that
 * imports it finds it: core's node transport loads undici's `lib/dispatcher/agent.js` and
 * `lib/api/api-request.js` by a variable (create-node-transport.ts, `loadUndici`), which Node
 * resolved from the bundles' folder, where no undici is: every bundled example fell back to
 * undici's package root, a path no user's install takes, loading 112 CommonJS files (1.2 MB)
 * instead of 27 (quick-start: 0.77 → 0.66 s of CPU, the mean of 10 interleaved runs each, load
 * ~6; bench/RESULTS.md, issue 53, helper test-speed-examples).
 */
export function linkedPackages(): Record<string, string> {
  const fromCore = createRequire(
    fileURLToPath(new URL('../packages/core/package.json', import.meta.url)),
  );
  return { undici: dirname(fromCore.resolve('undici/package.json')) };
}

/**
 * The scripts a process is started with: the emitted files that no other emitted file of the
 * examples imports, but for the tests, their fixtures, and the tests' own helpers (`lib/`,
 * `test/*.js`). A file imported by another and started as well runs from its emitted copy.
 */
export function exampleScripts(emitted: string): string[] {
  const files = readdirSync(emitted, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.js'))
    .map((file) => join(emitted, file));
  const imported = new Set<string>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const [, specifier] of text.matchAll(
      /(?:\bfrom|\bimport)\s*\(?\s*['"](\.\.?\/[^'"]+)['"]/g,
    )) {
      if (specifier !== undefined) imported.add(resolve(dirname(file), specifier));
    }
  }
  return files.filter((file) => {
    const path = file.slice(emitted.length + 1);
    return (
      !imported.has(file) &&
      !path.endsWith('.test.js') &&
      !path.includes('__fixtures__/') &&
      !path.startsWith('lib/') &&
      !/^test\/[^/]+\.js$/.test(path)
    );
  });
}
