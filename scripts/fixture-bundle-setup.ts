import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { bundleFixture, pruneBundles } from './bundle-fixture.ts';
import { compiledScript } from './compiled-script.ts';
import { projectsInRun } from './projects-in-run.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DBOS = join(ROOT, 'packages/dbos');

/** The projects that start the fixture workers (packages/dbos/src/__fixtures__/fleet.ts). */
const WORKER_PROJECTS: ReadonlySet<string> = new Set(['dbos', 'dbos-rate-limit']);

/**
 * The fixture scripts started as processes often enough for a bundle to pay (fleet.ts): the
 * worker (~80 starts a run), and the MCP and Live workers (two starts each, ~1,100 modules each
 * unbundled): their two files' four starts took 7.4, 7.4 s of CPU unbundled and 4.8, 4.5 s
 * bundled, the files' user + sys 17.6, 17.0 -> 15.4 (the bundles made cold), 14.5 s (ABAB at
 * load 34-46; bench/RESULTS.md, issue 53, helper test-speed-dbos4). The new-errors worker (six
 * starts, new-errors-crash) and the secret-error worker (four: recorded-error three,
 * redacted-run-error one) likewise (bench/RESULTS.md, test-speed21). unsafe-pattern-worker (one
 * start, unsafe-pattern-run) and tool-result-worker (three: tool-result-mark two, deep-answer
 * one) too, for the warm run: with their bundles kept, unsafe-pattern-run's CPU median 10.6 -> 9.0
 * s (five A/B pairs, load 4-6), the two tool-result files' 13.2 -> 12.1 s (five, load 4-14), where
 * making a bundle cold costs ~2.5 s once after its inputs change (esbuild ~1.9 s, the setup ~0.6
 * s): paid back after two or three warm runs (bench/RESULTS.md, helper dbos-tests).
 */
const BUNDLED_FIXTURES = [
  'src/__fixtures__/worker.ts',
  'src/__fixtures__/mcp-worker.ts',
  'src/__fixtures__/live-worker.ts',
  'src/__fixtures__/new-errors-worker.ts',
  'src/__fixtures__/secret-error-worker.ts',
  'src/__fixtures__/unsafe-pattern-worker.ts',
  'src/__fixtures__/tool-result-worker.ts',
];

/**
 * The fixture workers' bundles, the root config's global setup (vitest.config.ts): each fixture
 * script above, as the JavaScript `tsc -b` emitted for it, bundled into one CommonJS script that
 * starts through V8's code cache (scripts/bundle-fixture.ts, scripts/code-cache-loader.cjs), kept
 * under packages/dbos/node_modules/.cache/fixture-bundles and reused while its inputs are unchanged; provided to the tests as `fixtureBundles` (source path
 * -> bundle), which fleet.ts starts the worker processes from. Only when the build is fresh, as
 * fleet.ts's `fixtureCommand` checks: otherwise the workers run the TypeScript through tsx, as
 * before, and nothing is bundled.
 */
export default async function setup(project: TestProject): Promise<void> {
  const running = await projectsInRun(project);
  if (![...running].some((name) => WORKER_PROJECTS.has(name))) return;
  const bundles: Record<string, string> = {};
  const cache = join(DBOS, 'node_modules/.cache/fixture-bundles');
  for (const fixture of BUNDLED_FIXTURES) {
    const source = join(DBOS, fixture);
    const compiled = compiledScript(compiledFixturePath(source), {
      sources: join(DBOS, 'src'),
      marker: join(DBOS, 'node_modules/.cache/tsbuildinfo-test'),
      tests: true,
    });
    if (compiled === undefined) continue;
    // The worker's body in ASCII: ~12 ms less at each of its ~160 starts a run, ~1 s more of
    // esbuild when made (bundle-fixture.ts asciiOnly); the others start a few times each.
    bundles[source] = await bundleFixture(compiled, cache, {
      ascii: fixture === 'src/__fixtures__/worker.ts',
    });
  }
  project.provide('fixtureBundles', bundles);
  pruneBundles(cache, new Set(Object.values(bundles).map((bundle) => join(bundle, '..'))));
}

/** Where packages/dbos/tsconfig.test.json emits a fixture's JavaScript (rootDir: the repository). */
export function compiledFixturePath(source: string): string {
  return join(DBOS, 'node_modules/.cache/test-js', relative(ROOT, source).replace(/\.ts$/, '.js'));
}

// What the dbos tests `inject` (packages/dbos/tsconfig.test.json includes this file).
declare module 'vitest' {
  export interface ProvidedContext {
    /** A fixture script's path -> its bundle; not provided when no project that uses it runs. */
    fixtureBundles: Record<string, string> | undefined;
  }
}
