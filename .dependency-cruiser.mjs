// Which way imports go in this repository, checked by dependency-cruiser: `test/architecture.test.ts`
// runs it in `npm test` (alone: `npx vitest run --project integration test/architecture.test.ts`).
// CONTRIBUTING.md ("Architecture") explains the layers; this file is their single source.
//
// Parsed with swc, not TypeScript: dependency-cruiser reads TypeScript through the `typescript`
// compiler API, which TypeScript 7 (our compiler) no longer ships. swc sees type-only imports as
// imports, so a type cannot sneak a dependency upward either.

const CORE = '^packages/core/src/';
/** The fake Gemini, @gemloop/testing: a test double production code never imports. */
const TESTING = '^packages/testing/src/';
/**
 * `gemloop fake`, the development server: the one production folder that serves the fake. The
 * cli loads it only when that command runs and finds @gemloop/testing installed beside it (no
 * published package depends on the fake; test/architecture.test.ts checks the manifests).
 */
const DEV_FAKE = '^packages/cli/src/fake/';
/**
 * @gemloop/evals' replay: the one file of it that loads the fake (on first replay, when
 * @gemloop/testing is installed beside it; it is a dev dependency only, as for the cli).
 */
const EVALS_REPLAY = '^packages/evals/src/replay/load-fake\\.ts$';
/** `gemloop eval`: the cli folder that loads @gemloop/evals when the command runs. */
const CLI_EVAL = '^packages/cli/src/eval/';
/** `gemloop chat`: the one file of the cli that loads @gemloop/tools (for a module's MCP broker). */
const CLI_CHAT_TOOLS = '^packages/cli/src/chat/load-tools\\.ts$';

/** Test code: exempt from the layer rules, and never imported by production code. */
const TEST = '(\\.test(-d)?\\.ts$|/__fixtures__/)';

/**
 * The folders of packages/core/src, lowest first. A folder imports only folders listed before it
 * (its rooms, the subfolders like `http/transport/`, sit in its layer); `version.ts` is a leaf,
 * `shared/` holds the cross-cutting helpers (LoadOnce, redaction, abort helpers: they import
 * nothing of the package, so every folder may use them), and the entry files may import
 * everything: the root (`index.ts`, `index.node.ts`), each subpath's `<folder>/index.ts` and `<folder>/index.node.ts`
 * (package.json "exports"; `errors/index.ts` re-exports the agent's errors too, so the entry files
 * sit above every folder they gather), and `internal/`. The fake Gemini is its own package,
 * @gemloop/testing, above core.
 * Code inside a folder never imports an entry file: that would be an import upward.
 */
export const coreLayers = [
  'version.ts',
  'shared',
  'wire',
  'errors',
  'options',
  'history',
  'models',
  'retry',
  'logging',
  'streaming',
  'http',
  'embeddings',
  'tools',
  'run',
  'telemetry',
  'recorder',
  // Pricing, a plugin every agent has by default (its contract, `Pricer`, and the cost types are
  // in models/): made by the agent's facade from the `prices` option; the loop imports none of it
  // and calls the pricer the config carries (loopRules below).
  'pricing',
  // A plugin every agent has by default (its public face, options and reports, is in run/): made
  // by the agent's facade, which sits above it; the loop imports none of it (loopRules below).
  'continuation',
  'agent',
  // Above the loop: agent/ (the loop's folders among it) imports nothing of the guardrails; it
  // reaches them through the engine their value carries (issue 53).
  'guardrails',
  // Plugins on the seam (issue 53): above the loop, which imports none of them (loopRules below).
  // The Interactions backend is one (`interactionsApi()`, a `wrapModelRequest` that never calls
  // `next`): the agent's `api` option is sugar for it.
  'interactions',
  'steering',
  'compaction',
  'prompt-cache',
  'composition',
  'chat',
  'memory',
  'web',
  'batch',
  'live',
  'loop-guard',
  'tool-result-cache',
  'fallback',
  'estimate',
  'budget',
  'entry',
];

/**
 * `platform/node/<name>.ts` and `platform/web/<name>.ts` are the two runtime halves of the import
 * `#platform/<name>` (package.json "imports" picks one by condition). Each belongs to the folder
 * that imports it: it sits in that folder's layer, and no other folder may import it.
 */
export const platformOwners = {
  'utf8-decoder': 'streaming',
  'load-pino': 'logging',
  'select-node-transport': 'http',
  'create-adc-token-function': 'http',
  'open-upload-path': 'http',
  'load-schema-libraries': 'tools',
  'import-otel-api': 'telemetry',
  'live-web-socket': 'live',
};

/**
 * Imports that break a rule today, named one by one. TEMPORARY: each entry must go; the rules
 * excuse exactly these imports (and the import cycles they close), nothing else.
 */
export const temporaryExceptions = [
  // `agent.stream()`'s own `steer()`/`queue()` (no controller given) keep their messages in a
  // steering queue and load the steering plugin on the first one (a lazy `import()`), so the facade
  // reaches the steering folder above it; the loop does not. Delete this entry when the stream's
  // steering is carried by what the caller passes (a controller), or agent.stream() is made above
  // steering.
  {
    name: 'stream-steers-by-itself',
    from: 'agent/start-run.ts',
    to: ['steering/own-steering.ts'],
  },
  // The agent's `cache` option is a plain object (`true | { ttlSeconds, ... }`), sugar for the
  // prompt cache's plugin (prompt-cache/): the facade loads that plugin with a lazy `import()` on
  // the first run of an agent that has the option (and type-imports what it makes); the loop does
  // not. Delete this entry when createAgent is made above the features, or the option's value
  // carries its plugin (as `toolOutput()` does).
  {
    name: 'cache-option-sugar',
    from: 'agent/loaded-loop.ts',
    to: ['prompt-cache/agent-prompt-cache.ts'],
  },
  // The same sugar: what an agent keeps between runs holds the cache its first run made.
  {
    name: 'cache-option-sugar-state',
    from: 'agent/agent-runs.ts',
    to: ['prompt-cache/agent-prompt-cache.ts'],
  },
  // The `budget` run option (a plain object) is sugar for the tree budget's plugin (budget/): the
  // facade loads it with a lazy `import()` for a run whose tree has a budget and adds it to the
  // run's plugins; the loop only counts the tree's meter. Delete with cache-option-sugar.
  {
    name: 'budget-option-sugar',
    from: 'agent/loaded-loop.ts',
    to: ['budget/tree-budget-plugin.ts'],
  },
];

/**
 * The loop (issue 53): `agent/loop`, `agent/run-state`, `agent/tool-calls` and `agent/config`
 * import no feature folder. A feature is a plugin on the seam (`agent/plugins/`); its option is
 * sugar that adds the plugin (`agent/config/plugin-option.ts`). The folders below have moved (or
 * are moving) onto the seam; a file still reaching one is named in temporaryExceptions.
 */
const LOOP_ROOMS = ['loop', 'run-state', 'tool-calls', 'config'];
const FEATURE_FOLDERS = [
  'guardrails/',
  'steering/',
  'compaction/',
  // Gone (merged into compaction/); kept so no feature folder comes back inside agent/.
  'agent/compaction/',
  'continuation/',
  'pricing/',
  'prompt-cache/',
  'budget/',
  'interactions/',

  // A handoff is a plugin's step outcome (`{ type: 'hand-off' }`); the loop takes it over in
  // agent/loop/take-over.ts knowing no handoff tool (issue 53).
  'composition/',
];

/**
 * Workspace packages, lowest first: each imports only the ones before it (cli and dbos are peers).
 * @gemloop/testing (the fake) sits on core alone; the others' tests may use it, their code not.
 */
const packageRules = [
  {
    from: 'packages/core',
    forbidden: [
      'packages/testing',
      'packages/evals',
      'packages/tools',
      'packages/dbos',
      'packages/cli',
      'packages/client',
      'packages/react',
      'packages/serve',
    ],
  },
  // The browser client: core's event types only (`import type`, checked in its own test), no other package.
  {
    from: 'packages/client',
    forbidden: [
      'packages/testing',
      'packages/tools',
      'packages/dbos',
      'packages/cli',
      'packages/react',
      'packages/serve',
    ],
  },
  // The React hook: the browser client alone (its types come through the client), so a page's
  // bundle holds nothing of core.
  {
    from: 'packages/react',
    forbidden: [
      'packages/core',
      'packages/testing',
      'packages/tools',
      'packages/dbos',
      'packages/cli',
    ],
  },
  {
    from: 'packages/testing',
    forbidden: [
      'packages/evals',
      'packages/tools',
      'packages/dbos',
      'packages/cli',
      'packages/react',
    ],
  },
  {
    from: 'packages/tools',
    forbidden: [
      'packages/testing',
      'packages/dbos',
      'packages/cli',
      'packages/react',
      'packages/serve',
    ],
  },
  {
    from: 'packages/dbos',
    forbidden: ['packages/testing', 'packages/cli', 'packages/react', 'packages/serve'],
  },
  // evals -> testing: only its replay loader (production-imports-testing below names it).
  {
    from: 'packages/evals',
    forbidden: [
      'packages/tools',
      'packages/dbos',
      'packages/cli',
      'packages/client',
      'packages/react',
      'packages/serve',
    ],
  },
  // cli -> testing: only the dev server, `gemloop fake` (cli-imports-testing-only-in-fake below).
  { from: 'packages/cli', forbidden: ['packages/dbos', 'packages/react', 'packages/serve'] },
  // The protocol doors: core's public subpaths and /internal, nothing above; nothing imports them
  // but examples and tests.
  {
    from: 'packages/serve',
    forbidden: [
      'packages/testing',
      'packages/tools',
      'packages/dbos',
      'packages/cli',
      'packages/client',
      'packages/react',
      'packages/evals',
    ],
  },
  { from: 'examples', forbidden: [] },
];
/** Private workspaces nothing else may import: the bench, cross-package tests, the docs build. */
const LEAVES = ['bench', 'test', 'docs'];

/** The layers above http/ that use the client; the entry files and testing/ are free to reach in. */
const HTTP_USERS = ['tools', 'run', 'telemetry', 'recorder', 'agent', 'chat'];

/**
 * An entry file's name: the root's, or a subpath's in its folder. Written without quantifiers:
 * dependency-cruiser refuses a rule whose pattern could backtrack badly (safe-regex), and the
 * layer patterns below are joined into one long alternation.
 */
const ENTRY_FILE = '(index\\.ts|index\\.node\\.ts)$';

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The path pattern (after `^packages/core/src/`) of a layer's files, its platform halves included. */
export function layerPattern(layer) {
  if (layer === 'version.ts') return 'version\\.ts$';
  if (layer === 'entry') return `(${ENTRY_FILE}|[a-z-]+/${ENTRY_FILE}|internal/)`;
  const halves = Object.entries(platformOwners)
    .filter(([, owner]) => owner === layer)
    .map(([name]) => escapeRegExp(name));
  // A folder's own entry file (a subpath of the package) belongs to the entry layer, not the folder.
  const own = `${escapeRegExp(layer)}/(?!${ENTRY_FILE})`;
  return halves.length === 0 ? own : `(${own}|platform/(node|web)/(${halves.join('|')})\\.ts$)`;
}

/**
 * The exceptions of the files `matches` takes, one per file: two entries from the same file (two
 * features it reaches, each with its own reason) excuse the imports of both, not each the other's.
 */
function exceptionsFrom(matches) {
  const byFile = new Map();
  for (const exception of temporaryExceptions) {
    if (!matches(`packages/core/src/${exception.from}`)) continue;
    const seen = byFile.get(exception.from);
    byFile.set(
      exception.from,
      seen === undefined
        ? { ...exception }
        : { ...seen, name: `${seen.name}, ${exception.name}`, to: [...seen.to, ...exception.to] },
    );
  }
  return [...byFile.values()];
}

const exceptionSources = temporaryExceptions.map(
  (exception) => `${CORE + escapeRegExp(exception.from)}$`,
);
const exceptionTargets = temporaryExceptions.flatMap((exception) =>
  exception.to.map((target) => `${CORE + escapeRegExp(target)}$`),
);

function layerRules() {
  const rules = [];
  coreLayers.forEach((layer, index) => {
    const above = coreLayers.slice(index + 1);
    if (above.length === 0) return;
    const from = CORE + layerPattern(layer);
    const to = `${CORE}(${above.map(layerPattern).join('|')})`;
    const comment =
      `${layer} may import only the layers below it (${coreLayers.slice(0, index).join(', ') || 'none'}); ` +
      'move the shared code or type down to the lowest layer that uses it (CONTRIBUTING.md, "Architecture").';
    const ownExceptions = exceptionsFrom((file) => new RegExp(from).test(file));
    rules.push({
      name: `core-layer-${layer.replace('.ts', '')}`,
      comment,
      severity: 'error',
      from: { path: from, pathNot: [TEST, ...exceptionSources] },
      to: { path: to },
    });
    for (const exception of ownExceptions) {
      rules.push({
        name: `core-layer-${layer.replace('.ts', '')}`,
        comment: `${comment} (Temporary exception ${exception.name} excuses only its own imports.)`,
        severity: 'error',
        from: { path: `${CORE + escapeRegExp(exception.from)}$` },
        to: { path: to, pathNot: exception.to.map((target) => `${CORE + escapeRegExp(target)}$`) },
      });
    }
  });
  return rules;
}

function platformRules() {
  return Object.entries(platformOwners).map(([name, owner]) => ({
    name: `core-platform-${name}`,
    comment: `#platform/${name} belongs to ${owner}/; only ${owner}/ imports it.`,
    severity: 'error',
    from: { path: CORE, pathNot: [TEST, CORE + layerPattern(owner), `${CORE}platform/`] },
    to: { path: `${CORE}platform/(node|web)/${escapeRegExp(name)}\\.ts$` },
  }));
}

function packageLayerRules() {
  return packageRules.map(({ from, forbidden }) => ({
    name: `package-order-${from.replace('packages/', '')}`,
    comment:
      'Packages import only the packages below them: core <- testing, core <- tools <- dbos, ' +
      'cli <- examples (production code never imports testing); ' +
      `nothing imports ${LEAVES.join(', ')}.`,
    severity: 'error',
    from: { path: `^${escapeRegExp(from)}/`, pathNot: TEST },
    to: { path: `^(${[...forbidden, ...LEAVES].map(escapeRegExp).join('|')})/` },
  }));
}

/**
 * The rooms of `agent/` (CONTRIBUTING.md, "Architecture"): `config/` (each createAgent option's
 * check and default in its group's file under `options/`, the resolved config), `run-state/`
 * (what one run carries between phases), `tool-calls/` (prepare, execute, respond), `loop/`
 * (the phases and the per-agent runtime), `errors/`, and the facade at its top
 * (`create-agent.ts`, `agent-stream.ts`, `agent-turns.ts`, the shared `usage.ts`,
 * `stop-conditions.ts`, `structured-output.ts`, ...). Each `[room, may not
 * import]` pair below is one rule.
 */
const AGENT = `${CORE}agent/`;
const agentRooms = [
  [
    'errors',
    ['config', 'run-state', 'tool-calls', 'loop', '(create-agent|agent-turns|agent-stream)\\.ts$'],
  ],
  ['config', ['run-state', 'loop', '(create-agent|agent-turns)\\.ts$']],
  // What a run carries (RunContext, RunTracker, EmitEvent, isRunEnding), below both rooms that
  // use it: the phases of the loop and the tool calls they start.
  ['run-state', ['tool-calls', 'loop', '(create-agent|agent-turns)\\.ts$']],
  // The tool calls are one phase the loop runs: they take the run's state, never the loop.
  ['tool-calls', ['loop', '(create-agent|agent-turns)\\.ts$']],
  ['loop', ['(create-agent|agent-turns)\\.ts$']],
];

function loopRules() {
  const from = `${AGENT}(${LOOP_ROOMS.join('|')})/`;
  const to = `${CORE}(${FEATURE_FOLDERS.join('|')})`;
  const comment =
    'The loop names no feature: agent/loop, run-state, tool-calls and config import no feature ' +
    'folder. Make the feature a plugin on the seam (agent/plugins/; its option is sugar that adds ' +
    'the plugin, agent/config/plugin-option.ts), or declare the type the loop needs beside the ' +
    'run state (agent/run-state/run-context.ts) and call the feature through the engine its ' +
    'option value carries; docs/design/plugin-seam.md.';
  const own = exceptionsFrom((file) => new RegExp(from).test(file));
  return [
    {
      name: 'core-loop-no-feature',
      comment,
      severity: 'error',
      from: { path: from, pathNot: [TEST, ...exceptionSources] },
      to: { path: to },
    },
    ...own.map((exception) => ({
      name: 'core-loop-no-feature',
      comment: `${comment} (Temporary exception ${exception.name} excuses only its own imports.)`,
      severity: 'error',
      from: { path: `${CORE + escapeRegExp(exception.from)}$` },
      to: { path: to, pathNot: exception.to.map((target) => `${CORE + escapeRegExp(target)}$`) },
    })),
  ];
}

function agentRoomRules() {
  return agentRooms.map(([room, forbidden]) => ({
    name: `core-agent-room-${room}`,
    comment:
      `agent/${room}/ may not import ${forbidden.join(', ')}: the config is resolved before any ` +
      'run, the errors sit below everything, and no room reaches back up to the facade ' +
      '(createAgent and the turns a chat uses).',
    severity: 'error',
    from: { path: `${AGENT}${room}/`, pathNot: TEST },
    to: { path: `${AGENT}(${forbidden.join('|')})` },
  }));
}

/**
 * The rooms of packages/testing/src (the fake), lowest first; each imports only the rooms before
 * it: `script/` (what a test writes: turns, script and option types, faults, errors, agent
 * routes), `state/` (what the fake remembers between requests: its state, the implicit-cache
 * memory, the seeded random, the reply shape), `contract/` (the request checks and the thought
 * signatures they verify), `replies/` (one model answer: resolve the turn, build the response,
 * render the stream, usage, tier, continuation), `endpoints/` (each API surface the fake
 * answers: generateContent, files, caches, batches, interactions, models, Vertex), `serve/`
 * (routing a request to its endpoint, gateway mistakes, and the transports: HTTP on 127.0.0.1,
 * fetch, msw). The `#platform/` halves sit in serve's layer; the files at the top
 * (`index.ts`, `create-fake-gemini.ts` and its options check) assemble the fake from every room;
 * `dev-model/` (the `./dev-model` subpath) scripts the fake with `script/` alone.
 */
export const testingRooms = ['script', 'state', 'contract', 'replies', 'endpoints', 'serve'];

/** The path pattern (after `^packages/testing/src/`) of a room of the fake; serve/ holds platform/. */
function testingRoomPattern(room) {
  return room === 'serve' ? '(serve|platform)/' : `${room}/`;
}

/** What every room and the dev model stay below: the files at the top and the dev model. */
const TESTING_TOP = `${TESTING}([^/]+$|dev-model/)`;

function testingRoomRules() {
  const rules = testingRooms.slice(0, -1).map((room, index) => {
    const above = testingRooms.slice(index + 1);
    return {
      name: `testing-room-${room}`,
      comment:
        `packages/testing/src/${room}/ may import only the rooms below it ` +
        `(${testingRooms.slice(0, index).join(', ') || 'none'}), never ${above.join(', ')}, ` +
        'the dev model or the files at the top (createFakeGemini assembles the rooms): move ' +
        'what both need down to the lowest room that uses it (CONTRIBUTING.md, "Architecture").',
      severity: 'error',
      from: { path: `${TESTING}${room}/`, pathNot: TEST },
      to: { path: `(${TESTING}(${above.map(testingRoomPattern).join('|')})|${TESTING_TOP})` },
    };
  });
  rules.push({
    name: 'testing-room-serve',
    comment:
      'packages/testing/src/serve/ (and the #platform/ halves) may not import the dev model or ' +
      'the files at the top (createFakeGemini assembles the rooms, not the other way round).',
    severity: 'error',
    from: { path: `${TESTING}${testingRoomPattern('serve')}`, pathNot: TEST },
    to: { path: TESTING_TOP },
  });
  rules.push({
    name: 'testing-dev-model',
    comment:
      'The dev model (./dev-model) scripts the fake with script/ alone (turn(), the script ' +
      'types): it never reaches into how the fake answers or serves, nor the files at the top.',
    severity: 'error',
    from: { path: `${TESTING}dev-model/`, pathNot: TEST },
    to: {
      path: `${TESTING}([^/]+$|(${testingRooms.slice(1).map(testingRoomPattern).join('|')}))`,
    },
  });
  return rules;
}

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-cycle',
      comment:
        'No import cycles (type-only imports count): between folders or inside one. Move what ' +
        'both modules need into a third that both import.',
      severity: 'error',
      from: {
        path: '^(packages/(core|testing|tools|dbos|cli|evals)/src|examples|bench/src)/',
        pathNot: TEST,
      },
      to: {
        circular: true,
        // An empty pattern would match every module and excuse every cycle.
        ...(exceptionTargets.length > 0 && { viaOnly: { pathNot: exceptionTargets.join('|') } }),
      },
    },
    ...layerRules(),
    ...platformRules(),
    {
      name: 'core-http-contract',
      comment:
        'Above http/, code uses the client through its contract: http/gemini.ts (the Gemini and ' +
        'Caches interfaces, their option types), the argument checks the agent shares ' +
        '(check-*.ts) and what a request ' +
        'may carry for it (serialize-request-body.ts), and the internal model-call entry ' +
        '(model-call-entry.ts: the run hands over its body cache, gets the served tier and the ' +
        "client's redactor back), not its transports, attempts or helpers.",
      severity: 'error',
      from: {
        path: `${CORE}(${HTTP_USERS.map(layerPattern).join('|')})`,
        pathNot: TEST,
      },
      to: {
        path: `${CORE}http/`,
        pathNot: `${CORE}http/(gemini|check-[a-z-]+|serialize-request-body|model-call-entry)\\.ts$`,
      },
    },
    ...agentRoomRules(),
    ...loopRules(),
    ...testingRoomRules(),
    {
      name: 'production-imports-testing',
      comment:
        'Production code never imports the fake (@gemloop/testing is a test double); ' +
        'tests and examples may.',
      severity: 'error',
      from: { path: '^packages/[^/]+/src/', pathNot: [TEST, TESTING, DEV_FAKE, EVALS_REPLAY] },
      to: { path: TESTING },
    },
    {
      name: 'cli-imports-testing-only-in-fake',
      comment:
        'Of the cli, only the dev server (src/fake/, `gemloop fake`) imports the fake; the ' +
        'command loads it on first use, so the other commands never need @gemloop/testing.',
      severity: 'error',
      from: { path: '^packages/cli/', pathNot: [TEST, DEV_FAKE] },
      to: { path: '^packages/testing/' },
    },
    {
      name: 'cli-imports-evals-only-in-eval',
      comment:
        'Of the cli, only `gemloop eval` (src/eval/) imports @gemloop/evals, loaded when the ' +
        'command runs, so the other commands never need it.',
      severity: 'error',
      from: { path: '^packages/cli/', pathNot: [TEST, CLI_EVAL] },
      to: { path: '^packages/evals/' },
    },
    {
      name: 'cli-imports-tools-only-in-chat',
      comment:
        'Of the cli, only `gemloop chat` (src/chat/load-tools.ts) imports @gemloop/tools, loaded ' +
        'when a chat module exports an MCP elicitation broker, so nothing else needs it.',
      severity: 'error',
      from: { path: '^packages/cli/', pathNot: [TEST, CLI_CHAT_TOOLS] },
      to: { path: '^packages/tools/' },
    },
    {
      name: 'production-imports-tests',
      comment: 'Production code never imports a test file or a test fixture.',
      severity: 'error',
      from: { pathNot: TEST },
      to: { path: TEST },
    },
    ...packageLayerRules(),
  ],
  options: {
    parser: 'swc',
    // Test files are reached (so an import of one is seen) but not parsed: no rule reads their
    // imports, and swc's visitor in dependency-cruiser does not know `using` declarations.
    doNotFollow: { path: ['node_modules', TEST] },
    // `.tsx` too (the react-chat example's page): dependency-cruiser 17.4.3 parses with swc's
    // `syntax: "typescript"` and no `tsx` flag (src/extract/swc/parse.mjs, "TODO: {tj}sx ?"), so
    // JSX is a syntax error to it. Such a page imports only React and @gemloop/react.
    exclude: { path: '((^|/)(node_modules|dist)/|\\.tsx$)' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      // As vitest and the examples resolve: the workspace packages' sources, Node's halves.
      conditionNames: ['@gemloop/source', 'node', 'import', 'default'],
      extensions: ['.ts', '.js', '.mjs', '.json'],
      exportsFields: ['exports'],
    },
  },
};
