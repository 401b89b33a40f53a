import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IConfiguration, ICruiseResult } from 'dependency-cruiser';
import { cruise } from 'dependency-cruiser';
import { afterAll, describe, expect, it } from 'vitest';
import { GUARDED_TEST_LIMIT_MS, runGuarded } from '../scripts/run-guarded.ts';
import {
  ARCHITECTURE_VERDICT_CACHE,
  cruiseInputsKey,
  reusePassingVerdict,
} from './fixtures/architecture-verdict-cache.ts';

// The layers of packages/core/src and the package order, checked with dependency-cruiser against
// the rules in .dependency-cruiser.mjs (CONTRIBUTING.md, "Architecture").

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Every workspace folder with production code. */
const CRUISED = [
  'packages/core/src',
  'packages/testing/src',
  'packages/tools/src',
  'packages/dbos/src',
  'packages/cli/src',
  'packages/client/src',
  'packages/react/src',
  'packages/evals/src',
  'packages/serve/src',
  'examples',
  'bench/src',
];

type TemporaryException = { name: string; from: string; to: string[]; why: string };
type DependencyRules = {
  default: IConfiguration;
  coreLayers: string[];
  platformOwners: Record<string, string>;
  temporaryExceptions: TemporaryException[];
  testingRooms: string[];
  layerPattern(layer: string): string;
};

// A variable specifier: the config is plain JavaScript, outside the TypeScript project.
const configUrl = new URL('../.dependency-cruiser.mjs', import.meta.url).href;
const rules = (await import(configUrl)) as DependencyRules;

/** What test/fixtures/cruise-violations.mjs prints of each violation. */
type CruiseViolation = { rule: string; from: string; to: string; cycle?: string[] };

const CRUISE_VIOLATIONS = fileURLToPath(
  new URL('./fixtures/cruise-violations.mjs', import.meta.url),
);

/**
 * Cruises `paths` under `baseDir` with the repository's rules: one readable line per violation.
 * In a child process under runGuarded (cruise-violations.mjs says why), not in this one.
 */
async function findViolations(baseDir: string, paths: readonly string[]): Promise<string[]> {
  const { stdout } = await runGuarded(process.execPath, [CRUISE_VIOLATIONS, baseDir, ...paths], {
    cwd: ROOT,
  });
  return (JSON.parse(stdout) as CruiseViolation[]).map((violation) => {
    const rule = rules.default.forbidden?.find((each) => each.name === violation.rule);
    const path =
      violation.cycle !== undefined
        ? [violation.from, ...violation.cycle].join(' -> ')
        : `${violation.from} imports ${violation.to}`;
    return `${violation.rule}: ${path}\n    ${rule?.comment ?? ''}`;
  });
}

/** The dependencies of one module, as cruised (for the exception check). */
async function dependenciesOf(baseDir: string, file: string): Promise<string[]> {
  const result = await cruise([file], { ...rules.default.options, baseDir, maxDepth: 1 });
  const output = result.output as ICruiseResult;
  const module = output.modules.find((each) => each.source === file);
  return (module?.dependencies ?? []).map((dependency) => dependency.resolved);
}

function listFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(directory, join(entry.parentPath, entry.name)));
}

/**
 * The production files one folder of a package's src may hold (issue 27 for core and the fake;
 * every package since issue 53, when dbos's `durable/` had 30 and tools' `mcp/` 28): past it, the
 * folder splits into rooms (subfolders by meaning, like `http/transport/`, the fake's
 * `contract/` or dbos's `durable/approvals/`), which keep its layer.
 */
const MAX_FOLDER_FILES = 25;

/**
 * Folders still over MAX_FOLDER_FILES (by path from the repository root, e.g.
 * `packages/core/src/http`), each with the reason. TEMPORARY like temporaryExceptions:
 * the test fails once a folder listed here fits, so the entry is deleted with the split.
 */
const OVERSIZED_FOLDERS: Record<string, string> = {};

/** Every workspace package.json (pnpm-workspace.yaml's `packages`, the docs build included). */
function listWorkspaceManifests(): { folder: string; manifest: Record<string, unknown> }[] {
  const folders = [
    ...readdirSync(join(ROOT, 'packages')).map((name) => `packages/${name}`),
    'examples',
    'test',
    'test/runtimes/node-binaries',
    'bench',
    'docs',
  ];
  return folders.map((folder) => ({
    folder,
    manifest: JSON.parse(readFileSync(join(ROOT, folder, 'package.json'), 'utf8')),
  }));
}

/** `name -> the workspace packages it names`, from each dependency field (dev ones too). */
function workspaceEdges(
  manifests: { manifest: Record<string, unknown> }[],
  fields: readonly string[],
): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const { manifest } of manifests) {
    const targets = fields.flatMap((field) =>
      Object.entries((manifest[field] ?? {}) as Record<string, string>)
        .filter(([, range]) => range.startsWith('workspace:'))
        .map(([name]) => name),
    );
    edges.set(manifest['name'] as string, targets);
  }
  return edges;
}

/** Each cycle in `edges`, as `a -> b -> a` (found by depth-first search from every node). */
function findCycles(edges: Map<string, string[]>): string[] {
  const cycles = new Set<string>();
  const visit = (node: string, path: string[]): void => {
    const at = path.indexOf(node);
    if (at !== -1) {
      cycles.add([...path.slice(at), node].join(' -> '));
      return;
    }
    for (const next of edges.get(node) ?? []) visit(next, [...path, node]);
  };
  for (const node of edges.keys()) visit(node, []);
  // One line per cycle, whichever node it was entered from.
  return [...cycles].filter((cycle) => {
    const nodes = cycle.split(' -> ').slice(0, -1);
    return nodes[0] === [...nodes].sort()[0];
  });
}

/**
 * What the cruise reaches but never reads (`doNotFollow`: test files): their text is no input of
 * its verdict, only their paths (fixtures/architecture-verdict-cache.ts).
 */
const doNotFollow = rules.default.options?.doNotFollow as { path?: string | string[] } | undefined;
const UNPARSED = new RegExp([doNotFollow?.path ?? []].flat().join('|') || '$^');

const isTestCode = (path: string): boolean => /(\.test(-d)?\.ts$|(^|\/)__fixtures__\/)/.test(path);

describe('architecture', () => {
  // The cruise runs under runGuarded (findViolations), whose guard tells a hung or runaway cruise
  // from a slow one; Vitest's limit is above that guard's last resort, so its message comes first.
  // The 240 s wall limit this had fired at load 47-88 on a cruise that worked (18-21 s of CPU).
  it('every import follows the layers and the package order', {
    timeout: GUARDED_TEST_LIMIT_MS,
  }, async () => {
    // An empty list; otherwise each line names the rule, the import, and what to do instead.
    // The last passing cruise's verdict stands while no input file under the repository changed
    // (fixtures/architecture-verdict-cache.ts; architecture-verdict-cache.test.ts for what does).
    const { violations } = await reusePassingVerdict(
      join(ROOT, ARCHITECTURE_VERDICT_CACHE),
      () => cruiseInputsKey(ROOT, CRUISED, UNPARSED),
      () => findViolations(ROOT, CRUISED),
    );
    expect(violations).toEqual([]);
  });

  it('no workspace package depends on itself through others, dev dependencies included', () => {
    // @gemloop/testing depends on core; core's tests reach the fake by path (vitest.config.ts,
    // packages/core/tsconfig.test.json), never by a devDependency that would close a cycle.
    const fields = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];
    const edges = workspaceEdges(listWorkspaceManifests(), fields);
    expect(edges.get('@gemloop/testing')).toEqual(['@gemloop/core']);
    expect(findCycles(edges)).toEqual([]);
  });

  it('the cycle check finds a cycle through a devDependency', () => {
    const edges = new Map([
      ['@gemloop/core', ['@gemloop/testing']],
      ['@gemloop/testing', ['@gemloop/core']],
      ['@gemloop/tools', ['@gemloop/core']],
    ]);
    expect(findCycles(edges)).toEqual(['@gemloop/core -> @gemloop/testing -> @gemloop/core']);
  });

  it('no published package depends on the fake outside its dev dependencies', () => {
    const published = listWorkspaceManifests().filter(
      ({ folder, manifest }) => folder.startsWith('packages/') && manifest['private'] !== true,
    );
    const edges = workspaceEdges(published, [
      'dependencies',
      'peerDependencies',
      'optionalDependencies',
    ]);
    const users = [...edges].filter(([, targets]) => targets.includes('@gemloop/testing'));
    expect(users).toEqual([]);
  });

  it('every production file of packages/core/src sits in exactly one layer', () => {
    const coreSource = join(ROOT, 'packages/core/src');
    const strays = listFiles(coreSource)
      .filter((path) => !isTestCode(path))
      .map((path) => {
        const layers = rules.coreLayers.filter((layer) =>
          new RegExp(`^${rules.layerPattern(layer)}`).test(path),
        );
        return { path, layers };
      })
      .filter(({ layers }) => layers.length !== 1)
      .map(
        ({ path, layers }) => `${path}: ${layers.length === 0 ? 'no layer' : layers.join(', ')}`,
      );
    // A new folder goes into coreLayers; a new #platform/<name> into platformOwners.
    expect(strays).toEqual([]);
  });

  it(`no folder of a package holds more than ${MAX_FOLDER_FILES} production files`, () => {
    const counts = new Map<string, number>();
    for (const source of CRUISED.filter((folder) => folder.startsWith('packages/'))) {
      for (const path of listFiles(join(ROOT, source))) {
        if (isTestCode(path)) continue;
        const folder = join(source, dirname(path));
        counts.set(folder, (counts.get(folder) ?? 0) + 1);
      }
    }
    const oversized = [...counts]
      .filter(([folder, count]) => count > MAX_FOLDER_FILES && !(folder in OVERSIZED_FOLDERS))
      .map(([folder, count]) => `${folder}/: ${count} production files`);
    // Split the folder into rooms by meaning (CONTRIBUTING.md, "Architecture").
    expect(oversized).toEqual([]);
    const fitting = Object.keys(OVERSIZED_FOLDERS).filter(
      (folder) => (counts.get(folder) ?? 0) <= MAX_FOLDER_FILES,
    );
    // When this fails, the folder was split: delete its entry from OVERSIZED_FOLDERS.
    expect(fitting).toEqual([]);
  });

  it('every production file of packages/testing/src sits in a room, at the top or in the dev model', () => {
    const known = [...rules.testingRooms, 'platform', 'dev-model', 'live'];
    const strays = listFiles(join(ROOT, 'packages/testing/src'))
      .filter((path) => !isTestCode(path) && path.includes('/'))
      .filter((path) => !known.includes(path.split('/')[0] as string));
    // A new room goes into testingRooms (.dependency-cruiser.mjs) at the layer it belongs to.
    expect(strays).toEqual([]);
  });

  it('each #platform/<name> is imported by the folder named as its owner', () => {
    const coreSource = join(ROOT, 'packages/core/src');
    const importers = new Map<string, Set<string>>();
    for (const path of listFiles(coreSource)) {
      if (isTestCode(path) || path.startsWith('platform/')) continue;
      const text = readFileSync(join(coreSource, path), 'utf8');
      // A static import or an import() (telemetry loads its API's half only when it traces).
      for (const match of text.matchAll(/(?:from |import\()'#platform\/([a-z0-9-]+)'/g)) {
        const name = match[1] as string;
        const folder = path.split('/')[0] as string;
        importers.set(name, (importers.get(name) ?? new Set()).add(folder));
      }
    }
    const owners = Object.fromEntries(
      [...importers].map(([name, folders]) => [name, [...folders].sort().join(', ')]),
    );
    expect(owners).toEqual(rules.platformOwners);
  });

  it('each temporary exception still excuses an import that exists', async () => {
    // When this fails, the import is gone: delete the exception from .dependency-cruiser.mjs.
    for (const exception of rules.temporaryExceptions) {
      const from = `packages/core/src/${exception.from}`;
      const dependencies = await dependenciesOf(ROOT, from);
      for (const target of exception.to) {
        expect(dependencies, `${exception.name}: ${from} no longer imports ${target}`).toContain(
          `packages/core/src/${target}`,
        );
      }
    }
  });
});

describe('architecture check on planted violations', () => {
  const tree = mkdtempSync(join(tmpdir(), 'gemloop-layers-'));
  afterAll(() => rmSync(tree, { recursive: true, force: true }));

  const plant = (files: Record<string, string>): void => {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(tree, path)), { recursive: true });
      writeFileSync(join(tree, path), text);
    }
  };

  // Under runGuarded as the whole repository's cruise (findViolations): the same limit.
  it('names each offending import', { timeout: GUARDED_TEST_LIMIT_MS }, async () => {
    const core = 'packages/core/src';
    plant({
      [`${core}/wire/content.ts`]: 'export type Content = { role: string };\n',
      // Upward: errors/ is below http/.
      [`${core}/errors/api-call-error.ts`]:
        "import type { Gemini } from '../http/gemini.ts';\nexport type Failure = { client: Gemini };\n",
      [`${core}/http/gemini.ts`]: 'export type Gemini = { name: string };\n',
      // A cycle inside one folder, through type-only imports (reported once).
      [`${core}/agent/run-loop.ts`]:
        "import type { Step } from './step.ts';\nexport type Loop = { steps: Step[] };\n",
      [`${core}/agent/step.ts`]:
        "import type { Loop } from './run-loop.ts';\nexport type Step = { loop: Loop };\n",
      // Production code reaching the fake and a test file.
      [`${core}/http/send.ts`]:
        "import { fake } from '../../../testing/src/fake.ts';\nimport { helper } from './send.test.ts';\nexport const send = [fake, helper];\n",
      'packages/testing/src/fake.ts': 'export const fake = 1;\n',
      [`${core}/http/send.test.ts`]: 'export const helper = 2;\n',
      // Above http/, the client is used through its contract (gemini.ts), not its internals.
      [`${core}/agent/call-model.ts`]:
        "import type { Gemini } from '../http/gemini.ts';\nimport { send } from '../http/send.ts';\nexport const call = (client: Gemini) => [client, send];\n",
      // The agent reaching up into chat (agent.chat() did, before chat moved above the agent).
      [`${core}/agent/create-agent.ts`]:
        "import type { ChatSession } from '../chat/chat-session.ts';\nexport type Agent = { chat(): ChatSession };\n",
      [`${core}/chat/chat-session.ts`]: 'export type ChatSession = { id: string };\n',
      // The tool calls are one phase of the loop: they use the run's state, never the loop.
      [`${core}/agent/tool-calls/run-tools.ts`]:
        "import type { Phase } from '../loop/next-step.ts';\nexport type Tools = { phase: Phase };\n",
      [`${core}/agent/loop/next-step.ts`]: 'export type Phase = { step: number };\n',
      // The loop names no feature (issue 53): not even a type of the guardrails, which sit
      // above it and are reached through the engine their value carries.
      [`${core}/agent/loop/guard-answer.ts`]:
        "import type { OutputGuardrail } from '../../guardrails/guardrail.ts';\nexport type Guard = { output: OutputGuardrail };\n",
      [`${core}/guardrails/guardrail.ts`]: 'export type OutputGuardrail = { name: string };\n',
      // The loop names no feature (issue 53): a feature folder inside agent/ is reached through
      // the seam, never imported by the loop's rooms.
      [`${core}/agent/tool-calls/settle-tool-call.ts`]:
        "import { budget } from '../compaction/tool-output.ts';\nexport const settle = budget;\n",
      [`${core}/agent/compaction/tool-output.ts`]: 'export const budget = 8;\n',
      // The loop names no feature: steering reaches a run as a plugin, never by the loop's import.
      [`${core}/agent/loop/apply-steers.ts`]:
        "import type { Queue } from '../../steering/steering-queue.ts';\nexport type Apply = { queue: Queue };\n",
      [`${core}/steering/steering-queue.ts`]: 'export type Queue = { size: number };\n',
      [`${core}/agent/run-state/run-context.ts`]:
        "import type { Tools } from '../tool-calls/run-tools.ts';\nexport type Context = { tools: Tools };\n",
      // A subpath's entry file gathers names from above its folder (it sits in the entry layer),
      // but code in a folder importing an entry file imports upward.
      [`${core}/errors/index.ts`]:
        "export type { Failure } from './api-call-error.ts';\nexport type { Agent } from '../agent/create-agent.ts';\n",
      [`${core}/history/validate-history.ts`]:
        "import type { Failure } from '../errors/index.ts';\nexport type Check = { failure: Failure };\n",
      // A package importing one above it.
      [`${core}/tools/define-tool.ts`]:
        "import { serve } from '../../../cli/src/serve.ts';\nexport const defineTool = serve;\n",
      'packages/cli/src/serve.ts': 'export const serve = 3;\n',
      // The fake's rooms point down: the contract never reaches how a request is served, a
      // reply never reaches the endpoints, a room never imports the factory at the top, and the
      // dev model scripts the fake with script/ alone.
      'packages/testing/src/contract/check-fake-request.ts':
        "import { handle } from '../serve/handle-fake-request.ts';\nexport const check = handle;\n",
      'packages/testing/src/serve/handle-fake-request.ts': 'export const handle = 4;\n',
      'packages/testing/src/replies/build-fake-response.ts':
        "import { generate } from '../endpoints/generate-fake-reply.ts';\nimport { turn } from '../script/fake-turn.ts';\nexport const build = [generate, turn];\n",
      'packages/testing/src/endpoints/generate-fake-reply.ts': 'export const generate = 5;\n',
      'packages/testing/src/script/fake-turn.ts': 'export const turn = 6;\n',
      'packages/testing/src/state/fake-state.ts':
        "import { createFakeGemini } from '../create-fake-gemini.ts';\nexport const state = createFakeGemini;\n",
      'packages/testing/src/create-fake-gemini.ts': 'export const createFakeGemini = 7;\n',
      'packages/testing/src/dev-model/demo-model.ts':
        "import { build } from '../replies/build-fake-response.ts';\nimport { turn } from '../script/fake-turn.ts';\nexport const demo = [build, turn];\n",
      // dbos is checked for cycles too (it had approvals.ts <-> run-pauses.ts, issue 27).
      'packages/dbos/src/durable/approvals/approvals.ts':
        "import type { Row } from './run-pauses.ts';\nexport type Decision = { row: Row };\n",
      'packages/dbos/src/durable/approvals/run-pauses.ts':
        "import type { Decision } from './approvals.ts';\nexport type Row = { decision: Decision };\n",
    });

    const violations = await findViolations(tree, ['packages']);
    const firstLines = violations.map((violation) => violation.split('\n')[0]).sort();

    expect(firstLines).toEqual(
      [
        `core-layer-errors: ${core}/errors/api-call-error.ts imports ${core}/http/gemini.ts`,
        `core-layer-history: ${core}/history/validate-history.ts imports ${core}/errors/index.ts`,
        `core-http-contract: ${core}/agent/call-model.ts imports ${core}/http/send.ts`,
        `core-layer-agent: ${core}/agent/create-agent.ts imports ${core}/chat/chat-session.ts`,
        `core-agent-room-tool-calls: ${core}/agent/tool-calls/run-tools.ts imports ${core}/agent/loop/next-step.ts`,
        `core-agent-room-run-state: ${core}/agent/run-state/run-context.ts imports ${core}/agent/tool-calls/run-tools.ts`,
        `core-layer-agent: ${core}/agent/loop/guard-answer.ts imports ${core}/guardrails/guardrail.ts`,
        `core-loop-no-feature: ${core}/agent/loop/guard-answer.ts imports ${core}/guardrails/guardrail.ts`,
        `core-loop-no-feature: ${core}/agent/tool-calls/settle-tool-call.ts imports ${core}/agent/compaction/tool-output.ts`,
        `core-loop-no-feature: ${core}/agent/loop/apply-steers.ts imports ${core}/steering/steering-queue.ts`,
        `core-layer-agent: ${core}/agent/loop/apply-steers.ts imports ${core}/steering/steering-queue.ts`,
        `package-order-core: ${core}/http/send.ts imports packages/testing/src/fake.ts`,
        `production-imports-testing: ${core}/http/send.ts imports packages/testing/src/fake.ts`,
        `production-imports-tests: ${core}/http/send.ts imports ${core}/http/send.test.ts`,
        `no-cycle: ${core}/agent/run-loop.ts -> ${core}/agent/step.ts -> ${core}/agent/run-loop.ts`,
        'no-cycle: packages/dbos/src/durable/approvals/approvals.ts -> packages/dbos/src/durable/approvals/run-pauses.ts -> packages/dbos/src/durable/approvals/approvals.ts',
        `package-order-core: ${core}/tools/define-tool.ts imports packages/cli/src/serve.ts`,
        'testing-room-contract: packages/testing/src/contract/check-fake-request.ts imports packages/testing/src/serve/handle-fake-request.ts',
        'testing-room-replies: packages/testing/src/replies/build-fake-response.ts imports packages/testing/src/endpoints/generate-fake-reply.ts',
        'testing-room-state: packages/testing/src/state/fake-state.ts imports packages/testing/src/create-fake-gemini.ts',
        'testing-dev-model: packages/testing/src/dev-model/demo-model.ts imports packages/testing/src/replies/build-fake-response.ts',
      ].sort(),
    );
    // The message says what to do, not only what is wrong.
    expect(violations.find((line) => line.startsWith('core-layer-errors'))).toContain(
      'move the shared code or type down to the lowest layer that uses it',
    );
    expect(violations.find((line) => line.startsWith('core-loop-no-feature'))).toContain(
      'The loop names no feature',
    );
  });
});
