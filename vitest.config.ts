import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import SlowFirstSequencer from './scripts/slow-first-sequencer.ts';

/**
 * Tests run against `src` through the `@gemloop/source` export condition, so no build is needed
 * for them; the few tests that prove the built output (CommonJS `require`, the CLI) build first.
 */
const source = {
  resolve: { conditions: ['@gemloop/source'] },
  ssr: { resolve: { conditions: ['@gemloop/source'] } },
};

/**
 * core's tests run the client against the fake, @gemloop/testing, which itself depends on core. A
 * devDependency back would make the two packages a cycle, so core's projects reach it by path (as
 * packages/core/tsconfig.test.json does for tsc): the same source files, one module graph.
 */
/**
 * The dbos tests turn a fleet's runs into eval cases and replay them (`recorded-runs/`): they reach
 * @gemloop/evals by path, as packages/dbos/tsconfig.test.json does for tsc, so @gemloop/dbos has no
 * dependency on it (the CLI, `gemloop eval from-runs --database-url`, is what brings the two together).
 */
const dbosSource = {
  ...source,
  resolve: {
    ...source.resolve,
    alias: {
      '@gemloop/evals': fileURLToPath(new URL('./packages/evals/src/index.ts', import.meta.url)),
    },
  },
};

/**
 * The evals tests check the eval spans (and the serve tests the door spans) with OpenTelemetry's
 * SDK and in-memory exporter, which are core's dev dependencies: reached by path (as
 * packages/evals/tsconfig.test.json does for tsc), the same copies core's telemetry loads, so
 * neither package gets a dependency of its own for a test.
 */
const coreOtel = (name: string): string =>
  fileURLToPath(new URL(`./packages/core/node_modules/@opentelemetry/${name}`, import.meta.url));
const evalsSource = {
  ...source,
  resolve: {
    ...source.resolve,
    alias: {
      '@opentelemetry/api': coreOtel('api'),
      '@opentelemetry/context-async-hooks': coreOtel('context-async-hooks'),
      '@opentelemetry/sdk-trace-base': coreOtel('sdk-trace-base'),
    },
  },
};

const coreSource = {
  ...source,
  resolve: {
    ...source.resolve,
    alias: {
      // Before the root: an alias also matches the subpaths below its name.
      '@gemloop/testing/live': fileURLToPath(
        new URL('./packages/testing/src/live/index.ts', import.meta.url),
      ),
      '@gemloop/testing': fileURLToPath(
        new URL('./packages/testing/src/index.ts', import.meta.url),
      ),
    },
  },
};

/**
 * The files that need a module graph of their own (`isolate: true`, the default), so that the rest
 * of their package can share one: they mock a module (`vi.mock`), reset the module registry, or
 * assert which dependencies are loaded at all. A new file that does any of these goes here.
 */
const CORE_ISOLATED = [
  'src/http/transport/create-node-transport.fallback.test.ts',
  'src/http/transport/select-transport.fallback.test.ts',
  'src/http/transport/select-transport.msw-first.test.ts',
  'src/index.cold-import.test.ts',
  'src/telemetry/telemetry-off.test.ts',
  'src/shared/bytes-to-base64.test.ts',
  'src/tools/lazy-loading.test.ts',
  'src/tools/define/preload-tool-schemas.test.ts',
  'src/errors/api-call-error-of.test.ts',
  'src/errors/api-call-error-of.unloadable.test.ts',
  'src/http/attempts/request-errors.unloadable.test.ts',
  'src/http/attempts/failure-chunks.offline.test.ts',
  'src/http/attempts/error-chunks.offline.test.ts',
  'src/agent/cost-per-step.test.ts',
  'src/agent/preload-run-path.test.ts',
  'src/http/attempts/preload-failure-path.test.ts',
  'src/agent/stream-chunk-once.test.ts',
  'src/tools/define/define-tool.web-half.attacks.test.ts',
];
/**
 * The http and streaming files that `core-node-transport` would run a second time unchanged: none
 * of their requests goes through the transport a client picks for itself (they make no client,
 * inject a fetch or stub `globalThis.fetch`), so the node transport never runs in them there.
 * Counted, not guessed: the project's mocked `selectTransport` logged per file (2026-11-26) sent
 * the clients of 24 of its 63 files to the node transport and none of these 39. The node
 * transport's own file is here too: in `core` its `transport: 'node'` clients run on the real
 * transport, in that project they got the setup's msw bridge dispatcher (a fixture), and
 * its ten seconds of time limits ran twice. A file here whose tests start sending through a
 * client's own transport choice leaves this list. (bench/RESULTS.md, helper test-speed-rest.)
 */
const NODE_TRANSPORT_UNUSED = [
  'src/http/attempts/check-responses.test.ts',
  // attack60b's raw 127.0.0.1 gateway picks each transport itself.
  'src/http/attempts/hostile-gateway.attacks.test.ts',
  // leftovers77a's raw socket answers each transport's failures itself.
  'src/http/attempts/answered-failures.attacks.test.ts',
  'src/http/attempts/create-attempt-signal.test.ts',
  'src/http/attempts/open-generate-content-stream.shape.test.ts',
  'src/http/build-generate-content-body.test.ts',
  'src/http/caches/cache-paths.test.ts',
  'src/http/check-request-fields.test.ts',
  // attack47a's files of the other endpoints that inject their fetch (one client each).
  'src/http/count-tokens.attacks.test.ts',
  'src/http/files/upload-file.size-cap.attacks.test.ts',
  'src/http/files/upload-protocol.attacks.test.ts',
  // leftovers77a's file names a server answers with (an injected fetch).
  'src/http/files/file-names-answered.attacks.test.ts',
  'src/http/other-endpoints-bodies.attacks.test.ts',
  'src/http/waits-abort.attacks.test.ts',
  // snake47's read of a snake_case gateway's answer on those endpoints (an injected fetch).
  'src/http/snake-case-resources.attacks.test.ts',
  'src/http/create-gemini.header-secrets.attacks.test.ts',
  'src/http/create-gemini.redaction.attacks.test.ts',
  'src/http/create-gemini.size-caps.attacks.test.ts',
  'src/http/create-gemini.vertex-resources.test.ts',
  'src/http/file-search-stores/store-options.test.ts',
  'src/http/file-search-stores/store-paths.test.ts',
  'src/http/files/file-options.test.ts',
  'src/http/files/file-part.closes-file.attacks.test.ts',
  'src/http/files/read-upload-source.test.ts',
  'src/http/list-all-pages.test.ts',
  'src/http/model-call-entry.test.ts',
  'src/http/options/normalize-base-url.test.ts',
  'src/http/options/resolve-call-options.test.ts',
  'src/http/options/resolve-client-options.defaults.test.ts',
  'src/http/options/to-model-path.test.ts',
  'src/http/secrets-of-tools.test.ts',
  'src/http/serialize-request-body.test.ts',
  'src/http/transport/create-fetch-transport.test.ts',
  'src/http/transport/create-node-transport.test.ts',
  'src/http/transport/read-reader-text.test.ts',
  'src/http/transport/redirect-mode.test.ts',
  // Names its transports itself (both, each on a real 127.0.0.1 server): the same cases here.
  'src/http/transport/tiny-chunks.attacks.test.ts',
  // attack62b: a gateway's long content-encoding list, on each transport (both named there).
  'src/http/transport/content-codings.attacks.test.ts',
  'src/http/vertex/create-vertex-token-source.test.ts',
  'src/http/vertex/vertex-options.test.ts',
  'src/streaming/apply-partial-args.test.ts',
  'src/streaming/chunks-of-batches.test.ts',
  'src/streaming/create-bare-json-collector.test.ts',
  'src/streaming/create-json-array-splitter.test.ts',
  'src/streaming/create-stream-accumulator.hostile-keys.test.ts',
  'src/streaming/create-stream-accumulator.shape.test.ts',
  'src/streaming/create-stream-accumulator.test.ts',
  'src/streaming/fold-stream.test.ts',
  'src/streaming/parse-generate-content-stream.attacks.test.ts',
  'src/streaming/parse-generate-content-stream.test.ts',
  'src/streaming/parse-interaction-events.test.ts',
  'src/streaming/stream-retention.test.ts',
];
/**
 * Every time limit of a test is a hang guard, sized for a two-core machine at load 20 (a fresh
 * clone's `npm test` beside other work), never a judgement of speed: Vitest's defaults (5 s a
 * test, 10 s a hook, 1 s an `expect.poll`) failed 41 tests there that pass on an idle machine. A
 * test that hangs still fails, after the guard. In-process tests: a minute.
 */
const UNIT_LIMITS = {
  testTimeout: 60_000,
  hookTimeout: 60_000,
  expect: { poll: { timeout: 60_000 } },
};
/**
 * Tests that start processes (the built CLI, examples, workers, browsers, Postgres) and wait on
 * them: five minutes, past the examples' own kill limit (run-example-process.ts).
 */
const PROCESS_LIMITS = {
  testTimeout: 300_000,
  hookTimeout: 300_000,
  expect: { poll: { timeout: 120_000 } },
  // A fork worker, and what its tests started, ends with a killed run (test/killed-vitest-run.test.ts).
  execArgv: [
    '--require',
    fileURLToPath(new URL('./scripts/exit-with-vitest.cjs', import.meta.url)),
  ],
};
/**
 * The in-process unit projects run first, as a group of their own: their timeouts of 100-150 ms
 * (idle streams, headers) are real ones, and they missed them while the examples' and npm's child
 * processes had both cores. One worker more than the cores: some of their files mostly wait
 * (create-node-transport's 1 s limits one after another, ~10 s; connect-mcp-stdio's server
 * process, ~6 s), and with one worker per core each held a core idle (the lead's run of
 * 2026-11-28 05:16: 0.86 of 2 cores busy for 10-20 s). The whole group passed with three workers
 * and two CPU burners beside it (bench/RESULTS.md, helper test-pack). Every other project is in
 * group 1.
 */
// Worker threads, not child processes: no Node process to boot per worker, and modules reach a
// worker over a MessagePort rather than a pipe. A thread cannot `process.chdir()`, and its
// `process.env` is its own copy (TZ, and HOME for `os.homedir()`, stay the process's): a project
// whose tests need those runs in forks (tools).
// ABAB of core-isolated, tools-isolated, testing, client, react at load 24-39: forks 43.6, 39.1
// -> threads 32.6, 34.7 s of CPU (bench/RESULTS.md, helper test-speed-units).
const UNIT = {
  sequence: { groupOrder: 0 },
  maxWorkers: availableParallelism() + 1,
  pool: 'threads' as const,
  ...UNIT_LIMITS,
};
/**
 * The files that start processes, and the dbos files (DURABLE), run as one group after the unit
 * projects, six at a time (Vitest wants one `maxWorkers` per group): the dbos files mostly wait on
 * worker processes, takeovers and Postgres, and as a group of their own after the others they left
 * a core idle for much of their 90 s. Measured warm on two quiet cores (2026-11-26, 9,465 tests):
 * `vitest run` 351.8 s with the dbos files last, 339.1 and 348.6 s together (two runs). Six workers,
 * not five: the group's waits (takeovers, batch polls, a stalled npm fetch) left a core idle on a
 * quiet machine (bench/RESULTS.md test-speed19); whole quiet `npm test` runs on two cores,
 * interleaved (2026-11-29, 13,705 tests): five 4:37 and 4:31, six 4:22 and 4:26, the same CPU.
 */
const PROCESSES = {
  sequence: { groupOrder: 1 },
  maxWorkers: availableParallelism() * 2 + 2,
  ...PROCESS_LIMITS,
};
/**
 * The dbos projects: more workers than cores (measured alone on two cores: 78 s with three
 * workers, 69 s with five; six with the processes' group, see PROCESSES).
 */
const DURABLE = {
  sequence: { groupOrder: 1 },
  maxWorkers: availableParallelism() * 2 + 2,
  ...PROCESS_LIMITS,
};

/** The dbos files that load every core on purpose: project `dbos-rate-limit`. */
const DBOS_UNDER_LOAD = ['src/durable/fleet/rate-limit-under-load.test.ts'];

/**
 * The dbos files that need a module graph of their own (project `dbos-isolated`): they spy on or
 * mock a module (DBOS's static API among them) or configure the process-wide DBOS runtime. A new
 * dbos file that does any of these goes here: in the shared graph (`isolate: false`) a `vi.mock`
 * of a module another file loaded first mocks nothing (approvals.cancel-race passed alone and
 * failed in the whole run). The cancel races use the suite's Postgres (scripts/postgres-setup.ts).
 */
const DBOS_ISOLATED = [
  'src/durable/approvals/approvals.cancel-race.test.ts',
  'src/durable/approvals/approvals.safety.test.ts',
  'src/durable/children/child-waits.cancel-race.test.ts',
  'src/durable/events/run-events.batching.test.ts',
  'src/durable/events/run-events.stored.test.ts',
  'src/durable/events/run-events.test.ts',
  'src/durable/plugins/durable-guardrails.test.ts',
  'src/durable/steps/call-model-step.test.ts',
  'src/durable/steps/durable-tool.test.ts',
  'src/durable/steps/replayed-tool-calls.attacks.test.ts',
  'src/durable/worker/worker-run-events.test.ts',
  'src/live/live-tool-workflow.tool-result.test.ts',
];
// worker/start-durable-worker.test.ts is not here: it mocks nothing, and every option it passes is
// refused before DBOS is configured or a pool is made, so it shares the dbos project's graph.

/**
 * A file listed by its path in a project's include or exclude must exist: a moved file left
 * behind in a list matches nothing and silently changes project (src/durable/start-durable-worker
 * .test.ts stayed listed here after it moved to worker/).
 */
function listed(root: string, files: readonly string[]): readonly string[] {
  const missing = files.filter((file) => !existsSync(new URL(`${root}/${file}`, import.meta.url)));
  if (missing.length > 0) {
    throw new Error(
      `vitest.config.ts lists files that do not exist under ${root}: ${missing.join(', ')}`,
    );
  }
  return files;
}
listed('./packages/dbos', [...DBOS_UNDER_LOAD, ...DBOS_ISOLATED]);

/**
 * A dbos test file that mocks a module (`vi.mock`) must be in DBOS_ISOLATED: in the shared graph
 * the mock silently misses when another file loaded the module first, and the file passes alone
 * but fails in the whole run (approvals.cancel-race did, 2026-11-29). Reads ~400 files, ~10 ms.
 */
function unlistedMocks(root: string, isolated: readonly string[]): readonly string[] {
  const dir = fileURLToPath(new URL(`${root}/src`, import.meta.url));
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => `src/${file.split('\\').join('/')}`)
    .filter((file) => !isolated.includes(file))
    .filter((file) =>
      readFileSync(new URL(`${root}/${file}`, import.meta.url), 'utf8').includes('vi.mock('),
    );
}
const mocking = unlistedMocks('./packages/dbos', DBOS_ISOLATED);
if (mocking.length > 0) {
  throw new Error(
    `vitest.config.ts: these dbos files mock a module but are not in DBOS_ISOLATED (their mock misses in the shared module graph): ${mocking.join(', ')}`,
  );
}

/** The evals files that start processes: they run in project `integration`, with the process projects. */
const EVALS_PROCESSES = ['src/vitest/define-eval-tests.test.ts'];
listed('./packages/evals', EVALS_PROCESSES);

// The same rule for project `testing-evals-serve`, whose three packages share one module graph.
const sharedMocking = ['./packages/testing', './packages/evals', './packages/serve'].flatMap(
  (root) =>
    unlistedMocks(root, root.endsWith('/evals') ? EVALS_PROCESSES : []).map(
      (file) => `${root}/${file}`,
    ),
);
if (sharedMocking.length > 0) {
  throw new Error(
    `vitest.config.ts: these files mock a module, which misses in testing-evals-serve's shared module graph: give them a project of their own (as core-isolated): ${sharedMocking.join(', ')}`,
  );
}

/** The `.test.ts` files under `dir` (relative to it), its `node_modules` left out (~150,000 entries). */
function testFilesUnder(dir: URL, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) {
      return entry.name === 'node_modules'
        ? []
        : testFilesUnder(new URL(`${entry.name}/`, dir), `${prefix}${entry.name}/`);
    }
    return entry.name.endsWith('.test.ts') ? [`${prefix}${entry.name}`] : [];
  });
}

/**
 * The same rule for project `integration` (test/ with the runtimes' suite, packages/cli/src and
 * EVALS_PROCESSES): its files share one module graph per fork worker, so a `vi.mock` there would
 * miss; such a file needs a project of its own. Reads the ~150 files, a few ms.
 */
const integrationMocking = ['./test/', './packages/cli/src/']
  .flatMap((dir) =>
    testFilesUnder(new URL(dir, import.meta.url)).map((file) => `${dir.slice(2)}${file}`),
  )
  .concat(EVALS_PROCESSES.map((file) => `packages/evals/${file}`))
  .filter((file) =>
    /\bvi\.(do)?[mM]ock\(|\bvi\.resetModules\(/.test(
      readFileSync(new URL(`./${file}`, import.meta.url), 'utf8'),
    ),
  );
if (integrationMocking.length > 0) {
  throw new Error(
    `vitest.config.ts: these files mock a module or reset the registry, which misses in the integration project's shared module graph: give them a project of their own (as core-isolated): ${integrationMocking.join(', ')}`,
  );
}

const TOOLS_ISOLATED = [
  'src/files/open-in-root.test.ts',
  'src/files/resolve-in-root-concurrent.test.ts',
  'src/files/write-file-atomic.test.ts',
  'src/index.test.ts',
  'src/mcp/connect/load-mcp-sdk.test.ts',
];
listed('./packages/tools', TOOLS_ISOLATED);

export default defineConfig({
  // The root config's own module graph (its global setup below) reads the sources, as the projects do.
  ...source,
  test: {
    reporters: ['default', './scripts/summary-reporter.ts'],
    // The run's own TMPDIR, removed at its end (every test process inherits it); then one Postgres
    // for the whole run, started before any project when the run has one that uses it (dbos,
    // dbos-rate-limit, examples); every project inherits the root's `postgresUrl`.
    // The same for Chromium: one browser for the run, started when a project that drives it is in
    // the run (scripts/chromium-setup.ts); each browser test opens a context of its own in it.
    // And the dbos fixture worker bundled into one module, when a project that starts it is in
    // the run (scripts/fixture-bundle-setup.ts): its processes load one file instead of ~1,100.
    // And the examples bundled, when the examples project is in the run
    // (scripts/example-bundles-setup.ts): an example process loads ~130 modules instead of ~540.
    // All five from one setup that starts the last four side by side
    // (scripts/shared-fixtures-setup.ts): Vitest runs its `globalSetup` files one after another.
    globalSetup: ['./scripts/shared-fixtures-setup.ts'],
    // Vitest keeps each file's transform on disk (node_modules/.experimental-vitest-cache), keyed
    // by the file's content, its path, the resolve config and plugins, and the lockfile's hash
    // (Vitest 4.1, `experimental.fsModuleCache`): a warm run transforms only what changed. It
    // caches code, never a result: every test still runs. Measured on the unit projects: ~72 s ->
    // ~57 s of CPU. `npx vitest --clearCache` empties it.
    experimental: { fsModuleCache: true },
    // One worker more than the cores for the files that mostly wait on child processes (Vitest's
    // default is one fewer: a single worker on a two-core machine, which ran the whole suite file
    // after file). The in-process unit projects run before them, see UNIT.
    maxWorkers: availableParallelism() + 1,
    // The type tests (`*.test-d.ts`) are checked by the `tsc -b` that `npm test` runs first, in the
    // packages' tsconfig.test.json (test/type-tests.test.ts keeps it so). Vitest's typecheck ran
    // them again, non-incrementally, in a group after every other test: ~6 s at the end of a run.
    // The slowest files start first, so none of them ends the run alone.
    sequence: { sequencer: SlowFirstSequencer },
    projects: [
      {
        // One module graph for all the files of a worker (`isolate: false`): importing the
        // source again for each of 140 files was most of this project's time. The few files that
        // need a fresh one run in `core-isolated`.
        ...coreSource,
        test: {
          name: 'core',
          ...UNIT,
          root: './packages/core',
          include: ['src/**/*.test.ts'],
          exclude: CORE_ISOLATED,
          isolate: false,
        },
      },
      {
        ...coreSource,
        test: { name: 'core-isolated', ...UNIT, root: './packages/core', include: CORE_ISOLATED },
      },
      {
        // The client, fault and attack suites again, on the node transport (undici's request
        // API): every promise of the client holds on both transports.
        ...coreSource,
        test: {
          name: 'core-node-transport',
          ...UNIT,
          root: './packages/core',
          include: ['src/http/**/*.test.ts', 'src/streaming/**/*.test.ts'],
          // Picks the transport itself; this project replaces that choice.
          exclude: [
            'src/http/transport/select-transport*.test.ts',
            'src/http/**/*.fallback.test.ts',
            // A file that mocks a module needs a module graph of its own: never this shared one.
            ...CORE_ISOLATED,
            ...NODE_TRANSPORT_UNUSED,
          ],
          setupFiles: ['./src/http/__fixtures__/use-node-transport.ts'],
          // The setup file's mock applies to every file in a shared module graph too (each file's
          // clients were counted on the node transport, the same with and without isolation).
          isolate: false,
        },
      },
      {
        // The fake Gemini (packages/testing), evals (packages/evals: the runner replays through the
        // in-process fake) and the protocol doors (packages/serve, each driven by its protocol's
        // official client over 127.0.0.1 against agents on the fake), as one project: in-process
        // and 127.0.0.1 servers only, no file mocks a module or stubs a global, so they share one
        // module graph per worker, as core's files do. The evals' and doors' span tests use core's
        // OpenTelemetry SDK copies (evalsSource); the fake's files import none. Three projects
        // imported core's and the fake's graph in three workers each (Vitest keeps a worker only
        // for a file of its own project): one project, in three. Side by side, five ABBA pairs:
        // bench/RESULTS.md, helper speed-import48. Before that, serve alone at load 17-29 went from
        // 33.4 to 10.3 s of CPU when its files stopped importing core and the SDKs each.
        ...evalsSource,
        test: {
          name: 'testing-evals-serve',
          ...UNIT,
          root: './packages',
          include: ['testing/src/**/*.test.ts', 'evals/src/**/*.test.ts', 'serve/src/**/*.test.ts'],
          exclude: EVALS_PROCESSES.map((file) => `evals/${file}`),
          isolate: false,
        },
      },
      {
        // The browser client (packages/client): its parser, reconnects and limits against
        // hand-made and core-made event streams.
        ...source,
        // One module graph per worker (no file mocks a module or stubs a global), as for react,
        // bench and integration: with those three (the two long process files of integration
        // left out), side by side at load 27-44, two pairs: 33.8 -> 28.9 and 31.4 -> 28.2 s of CPU.
        test: {
          name: 'client',
          ...UNIT,
          root: './packages/client',
          include: ['src/**/*.test.ts'],
          isolate: false,
        },
      },
      {
        // The React hook's state reducer (packages/react); the hook itself runs in Chromium
        // (test/runtimes/react-chat.test.ts).
        ...source,
        test: {
          name: 'react',
          ...UNIT,
          root: './packages/react',
          include: ['src/**/*.test.ts'],
          isolate: false,
        },
      },
      {
        // The skills' span test uses core's OpenTelemetry SDK copies, as the evals tests do.
        ...evalsSource,
        test: {
          name: 'tools',
          ...UNIT,
          root: './packages/tools',
          include: ['src/**/*.test.ts'],
          exclude: TOOLS_ISOLATED,
          isolate: false,
          // Child processes, not UNIT's threads: the git-hook tests give `os.homedir()` a HOME of
          // their own, and a worker thread's `process.env` is a copy the native call never reads.
          pool: 'forks',
        },
      },
      {
        ...source,
        test: {
          name: 'tools-isolated',
          ...UNIT,
          root: './packages/tools',
          include: TOOLS_ISOLATED,
        },
      },
      {
        // Real Postgres (embedded, or DATABASE_URL) started once by the root's global setup, and real
        // worker processes. Each file has a database of its own (freshDatabase) and waits on
        // events (a worker's line, a row, a NOTIFY), not on time, so the files run beside each
        // other, six at a time (DURABLE): run one at a time (Vitest's trailing group for
        // `fileParallelism: false`), they added three minutes.
        ...dbosSource,
        test: {
          name: 'dbos',
          ...DURABLE,
          root: './packages/dbos',
          include: ['src/**/*.test.ts'],
          exclude: [...DBOS_UNDER_LOAD, ...DBOS_ISOLATED],
          // One module graph per worker (the DBOS client, pg and core imported once, not per
          // file): each file has its own database, fake and worker processes, and the files that
          // mock or configure shared modules are in DBOS_ISOLATED.
          isolate: false,
        },
      },
      {
        ...dbosSource,
        test: {
          name: 'dbos-isolated',
          ...DURABLE,
          root: './packages/dbos',
          include: DBOS_ISOLATED,
        },
      },
      {
        // The fleet rate limit with every core kept busy by spinning processes (issue 26): a
        // project of its own, so that load is never a side effect of another project's file.
        ...source,
        test: {
          name: 'dbos-rate-limit',
          ...DURABLE,
          root: './packages/dbos',
          include: DBOS_UNDER_LOAD,
        },
      },
      {
        // The repository's own checks and the cross-package tests (test/), and the same small suite
        // (tool round trips, parallel calls, structured output, abort and time limit) inside each
        // runtime the core supports (test/runtimes): the edge-runtime VM, Chromium, Bun, Deno,
        // workerd (miniflare) and Node 22 and 24, against the fake served from Node. A runtime
        // that cannot start fails. And the CLI (packages/cli): its logic in-process, its built bin
        // as a process (those files build it first), the viewer in Chromium.
        // And the evals tests that run a child Vitest (defineEvalTests in a user's project,
        // EVALS_PROCESSES): with the process projects, not beside the unit projects' real short
        // timeouts; they need none of evalsSource's OpenTelemetry aliases.
        // One project, not integration, runtimes, cli and evals-processes: the same pool, limits,
        // resolve and shared graph, and Vitest keeps a fork worker only for a file of its own
        // project, so each project boundary in the queue stopped the workers and started new ones
        // (each a Node start, Vitest's worker and the graph): integration and runtimes started 14
        // forks a run where one project starts six (bench/RESULTS.md, helper speed-forks48); with
        // cli, 12 against 6 again (helper speed-proc49); evals-processes' one file had a fresh
        // fork of its own, stopped after it (helper speed-proc50).
        // The root stays packages/cli: the CLI's in-process eval tests import a user's suite from
        // a temporary folder, and Vite resolves that suite's `@gemloop/evals` from the project's
        // root (packages/cli/node_modules holds gemloop's dependencies, as a user's install
        // does). `dir` is where the files are looked for; the reporter names files from the root
        // (`../../test/architecture.test.ts`), and a filter still matches `test/…` or `packages/cli`.
        ...source,
        test: {
          name: 'integration',
          ...PROCESSES,
          root: './packages/cli',
          dir: fileURLToPath(new URL('./', import.meta.url)),
          include: [
            'test/**/*.test.ts',
            'packages/cli/src/**/*.test.ts',
            ...EVALS_PROCESSES.map((file) => `packages/evals/${file}`),
          ],
          exclude: ['**/node_modules/**'],
          // One module graph per worker (see client): each file starts its own processes,
          // servers and browser contexts; none mocks a module or resets the registry (checked
          // above).
          isolate: false,
        },
      },
      {
        // Every example and the chat CLI run offline in their own processes: on plain node from the
        // JavaScript `tsc -b` emitted (examples/test/run-example-process.ts), or as their package
        // scripts run them (node + tsx, the @gemloop/source condition) when the build is stale and
        // for the examples that read files beside their source; their own tools and helpers are
        // tested in-process.
        ...source,
        test: {
          name: 'examples',
          ...PROCESSES,
          root: './examples',
          include: ['**/*.test.ts'],
          exclude: ['**/node_modules/**'],
          // Kills what a file's tests started and left running (examples/test/run-example-process.ts).
          // A setup file runs again before each file in a shared module graph too (its afterAll
          // is each file's own).
          setupFiles: ['./test/stop-started-processes.ts'],
          // One module graph per worker: the in-process files (the examples' tools and helpers,
          // the docs' snippets) imported core, testing and the SDKs again each, in a fresh
          // worker. No file mocks a module or stubs a global; one that must goes in a project
          // of its own, as core-isolated. Alone at load 28-30: 129.1 -> 109.5 s of CPU, 545
          // tests (the module cache warm in both); run side by side at load 32-87: 225.6 -> 209.8.
          isolate: false,
        },
      },
      {
        // The bench's own units. Its smoke test (the quick bench as a child process, ~30-90 s)
        // and the fleet bench's smoke (worker processes and Postgres, ~30 s) are out of the default
        // run: `npm run test:bench` (bench/vitest.smoke.config.ts).
        test: {
          name: 'bench',
          ...UNIT,
          root: './bench',
          include: ['src/**/*.test.ts'],
          exclude: ['src/bench.test.ts', 'src/durable/fleet-bench.test.ts', '**/node_modules/**'],
          isolate: false,
        },
      },
    ],
  },
});
