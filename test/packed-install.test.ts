import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statfsSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAlone } from '../scripts/build-alone.ts';
// @ts-expect-error: a plain .mjs script without declarations (it runs on Node 20 as is).
import { packPublicPackages } from '../scripts/pack.mjs';
import {
  GUARDED_TEST_LIMIT_MS,
  type GuardOptions,
  runGuarded,
  TYPESCRIPT_GO_HEAP,
} from '../scripts/run-guarded.ts';
import { checkWithKeptBuildInfo, keptBuildInfoCache } from './fixtures/kept-build-info.ts';
import {
  checkerKey,
  checkTarballsKeepingPasses,
  keptTarballVerdicts,
} from './fixtures/kept-tarball-verdicts.ts';
import { npmFetchFlags } from './fixtures/npm-fetch-retry.ts';
import {
  isAlive,
  npmVersion,
  packedInstallCache,
  reuseInstall,
} from './fixtures/packed-install-cache.ts';

// What a user outside this repository gets: every public package packed exactly as `npm run pack`
// packs it, installed with plain npm from the registry into a fresh project (zod 4 with msw), and
// that project moved to zod 3.25 without msw in a copy of it (deriveInstall), each type-checked by
// the repository's TypeScript in nodenext and bundler mode with skipLibCheck off, run against the
// fake, and require()d from CommonJS; the types are also checked in a Node project without DOM
// (`lib: ["es2023"]`), in a DOM-only browser page without @types/node (in the zod 4 tree, held to
// core's own install closure), and with the oldest TypeScript the README promises (in node16 mode,
// with the strictest flags, as the bundler check); a CommonJS TypeScript user (`.cts`) is typed
// and run; a monorepo app with a @gemloop/core of its own runs a library's agents and plugin (two
// copies); esbuild bundles every core entry for the browser from the packed files. The subpaths
// with a Node build of their own are typed per runtime: nodenext, node16 and bundler mode without
// customConditions see the Node build's names, the browser page (customConditions ["browser"])
// the portable build's (NODE_ONLY_NAMES). This is the
// one test that uses the network (the npm registry, for zod, typescript, msw and the packages'
// dependencies). Slow by nature: one pack and one install per project for the whole file; a
// run whose tarballs are byte for byte those of an earlier run (within a day) copies the trees npm
// installed then instead (fixtures/packed-install-cache.ts, tested in packed-install-cache.test.ts).
// Each type-check runs incrementally from the build info of the last passing run of the same check
// (fixtures/kept-build-info.ts, tested in kept-build-info.test.ts): TypeScript checks again every
// file whose text changed and what depends on it, and reuses the rest's verdict.

/**
 * Per test and hook: above the last resort of {@link runGuarded}, which kills a child process that
 * hangs (no CPU for a minute) or runs away (past its CPU budget) with a message that says which. A
 * wall-clock limit fired on children that were working, only slowly: at load 37-47 `execFile`'s
 * 300 s killed TypeScript 5.5's check after 14-16 s of CPU, and "publint and attw" hit its 330 s
 * (bench/RESULTS.md, test-speed-rest3).
 */
const SLOW = GUARDED_TEST_LIMIT_MS;
const root = fileURLToPath(new URL('../', import.meta.url));
const readJson = (path: string) => JSON.parse(readFileSync(join(root, path), 'utf8'));

/**
 * The repository's TypeScript (7) checks a program on several threads by default: on two cores
 * shared with the rest of the run that only adds work (each checker resolves the same library
 * types again). One thread reports the same diagnostics (compared on a planted error) for about
 * a fifth less CPU: the nodenext and bundler checks of a packed project, ABAB at load 19-24,
 * 6.46, 6.32, 6.93, 5.76 s -> 4.42, 5.50, 5.27, 5.30 s. TypeScript 5.5 has no such option.
 */
const ONE_THREAD = ['--singleThreaded'];

/**
 * The repository's own TypeScript (the pinned version of the root package.json), run on each
 * project from where pnpm installed it: a type-check does not depend on where `tsc` lies (it reads
 * its `lib` files beside itself, and resolves modules and `@types` from the checked project's
 * folders), so npm no longer installs the same TypeScript into all three projects: 530 files and
 * 30 MB written per project, ~0.75 s of CPU each (TypeScript alone installed 1.09-1.26 s, an
 * empty install 0.38-0.40 s, load 25). TypeScript 5.5 is still npm's install (`typescript-min`).
 */
const TSC = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

/** Where the checks' build info is kept between runs (fixtures/kept-build-info.ts). */
const KEPT_CHECKS = keptBuildInfoCache(root);

/**
 * `config`'s type-check in `directory` with `tsc` (a command line that ends before `-p`),
 * incremental from the last passing run's build info (and `outputs`, what it emits, which later
 * steps run): an unchanged program is ~0.3 s of CPU against 2-4 s (TypeScript 7) and ~3 against
 * ~11 (TypeScript 5.5).
 */
async function typeCheck(
  slot: string,
  directory: string,
  tsc: string[],
  config: string,
  { env = {}, outputs }: { env?: NodeJS.ProcessEnv; outputs?: string[] | undefined } = {},
): Promise<{ stdout: string; stderr: string }> {
  const { result } = await checkWithKeptBuildInfo({
    cache: KEPT_CHECKS,
    slot: `${slot} ${config}`,
    directory,
    outputs,
    check: (args) => exec(process.execPath, [...tsc, '-p', config, ...args], directory, {}, env),
  });
  return result;
}

type Packed = { name: string; version: string; directory: string; tarball: string };
type Project = { directory: string; zod: string; msw: boolean };

/**
 * The oldest TypeScript the README promises (its "Use it" section says "TypeScript 5.5 or newer").
 * 5.4 also passes today; 5.3 and older fail on zod 4's `NoInfer`. Installed under an alias beside
 * the repository's TypeScript, in the zod 3.25 project.
 */
const MIN_TYPESCRIPT = '5.5';

const rootManifest = readJson('package.json');
const coreManifest = readJson('packages/core/package.json');
const versions = {
  typesNode: rootManifest.devDependencies['@types/node'] as string,
  zod4: coreManifest.devDependencies.zod as string,
  zod3: (coreManifest.devDependencies['zod-v3'] as string).replace('npm:zod@', ''),
  msw: coreManifest.devDependencies.msw as string,
};

/** The environment without npm's own `npm_*` variables (set when `npm test` runs us). */
function cleanEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')),
  );
}

/** A command run to its end under the hang guard; rejects with its output and figures. */
async function exec(
  command: string,
  args: string[],
  cwd: string,
  guard: Partial<GuardOptions> = {},
  env: NodeJS.ProcessEnv = {},
): Promise<{ stdout: string; stderr: string }> {
  return runGuarded(command, args, { cwd, env: { ...cleanEnvironment(), ...env }, ...guard });
}

/** Every import specifier a user can write: each package and each of its export subpaths. */
function entryPoints(packed: Packed[]): string[] {
  return packed.flatMap(({ directory, name }) => {
    const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8'));
    const subpaths = Object.keys(manifest.exports ?? { '.': '' }).filter(
      (subpath) => subpath !== './package.json',
    );
    return subpaths.map((subpath) => (subpath === '.' ? name : `${name}/${subpath.slice(2)}`));
  });
}

const agentFile = `
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { createFakeGemini, turn } from '@gemloop/testing';
import { createCalculatorTool } from '@gemloop/tools';
import { z } from 'zod';

const getWeather = defineTool({
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, temperatureC: 18 }),
});

const fake = createFakeGemini({
  script: [
    turn.calls([
      { name: 'get_weather', args: { city: 'Paris' } },
      { name: 'calculator', args: { expression: '23 * 19' } },
    ]),
    turn.text('18 °C in Paris, and 23 * 19 = 437.'),
  ],
});
try {
  const { url } = await fake.listen();
  const agent = createAgent({
    gemini: createGemini({ baseUrl: url, apiKey: 'test-key' }),
    model: 'gemini-3-flash-preview',
    tools: [getWeather, createCalculatorTool()],
  });
  const result = await agent.run('Weather in Paris, and 23 * 19?');
  await agent.close();
  console.log(
    JSON.stringify({
      text: result.text,
      outputs: result.steps[0]?.toolCalls.map((call) => call.output),
      modelRequests: fake.modelRequests.length,
    }),
  );
} finally {
  await fake.close();
}
`;

// Whether the fake's msw handler type is msw's own (msw installed) or degrades to any (not).
const mswTypesFile = (installed: boolean) => `
import type { FakeMswHandler } from '@gemloop/testing';
type IsAny<T> = 0 extends 1 & T ? true : false;
export const handlerIsAny: IsAny<FakeMswHandler> = ${installed ? 'false' : 'true'};
${
  installed
    ? `import { createFakeGemini } from '@gemloop/testing';
import { setupServer } from 'msw/node';
export const server = setupServer(...createFakeGemini({ script: [] }).handlers());`
    : ''
}
`;

/**
 * One name of each @gemloop/core subpath whose Node build adds to its portable build (the
 * subpath's `index.node.ts`: the file stores, the recorders), which a page, a Worker or an edge
 * function does not load. Each runtime condition of those subpaths carries its own `types`, so a
 * project's TypeScript sees the names of the build its runtime loads: the Node build's in
 * node16/nodenext mode and in bundler mode naming no runtime (`default.types`), the portable
 * build's with `customConditions` naming `browser`, `worker`, `workerd` or `edge-light`.
 */
const NODE_ONLY_NAMES = {
  '@gemloop/core/chat': 'createFileHistoryStore',
  '@gemloop/core/memory': 'createFileMemoryStore',
  '@gemloop/core/recorder': 'createRunRecorder',
  '@gemloop/core/compaction': 'createFileArtifactStore',
} as const;

/**
 * A file that type-checks only when the types of each {@link NODE_ONLY_NAMES} subpath are those of
 * the `build` named: with the Node build's names (`node`) or without them (`portable`). A wrong
 * build is TS2322 on its line, naming the subpath; nothing of it runs.
 */
const buildNamesFile = (build: 'node' | 'portable') => `${Object.keys(NODE_ONLY_NAMES)
  .map((specifier, index) => `import type * as entry${index} from '${specifier}';`)
  .join('\n')}
type Has<Module, Name extends string> = Name extends keyof Module ? 'node build' : 'portable build';
${Object.entries(NODE_ONLY_NAMES)
  .map(
    ([specifier, name], index) =>
      `export const types${index}: Has<typeof entry${index}, '${name}'> = '${build} build'; // ${specifier}`,
  )
  .join('\n')}
`;

const everyEntryFile = (specifiers: string[]) =>
  `${specifiers.map((specifier, index) => `import * as entry${index} from '${specifier}';`).join('\n')}
console.log(JSON.stringify({
${specifiers.map((specifier, index) => `  '${specifier}': Object.keys(entry${index}).length,`).join('\n')}
}));
`;

/**
 * A script, run in a project, that prints for each of `specifiers` the names of its exported
 * functions (not classes, whose names are exported with them): what a library calls and exports.
 */
const functionNamesScript = (specifiers: string[]) => `const found = {};
for (const specifier of ${JSON.stringify(specifiers)}) {
  const entry = await import(specifier);
  found[specifier] = Object.keys(entry).filter((name) => typeof entry[name] === 'function' && !/^class\\b/.test(Function.prototype.toString.call(entry[name])));
}
console.log(JSON.stringify(found));
`;

/**
 * A library file that imports `specifier` alone and exports a wrapper of each of its functions
 * `names`, whose return type TypeScript infers and must name in the file's declarations.
 */
const namedExportsFile = (specifier: string, names: string[]) =>
  `import * as entry from '${specifier}';
${names
  .map(
    (name) => `export function ${name}(
  ...args: Parameters<typeof entry.${name}>
) {
  // @ts-ignore: an overloaded function's Parameters are its last overload's
  return entry.${name}(...args);
}`,
  )
  .join('\n')}
`;

/**
 * The error {@link writePlantedGap}'s `planted-gap/made` program must report (and the only one the
 * named-types check expects).
 */
const PLANTED_GAP_FAILURE =
  "planted-gap/made: TS2883: The inferred type of 'make' cannot be named without a reference to 'Hidden' from './node_modules/planted-gap/hidden.js'. This is likely not portable. A type annotation is necessary.";

/**
 * Writes a package (in `named/node_modules`, beside the checked files only) with two entries
 * whose functions return one type, `Hidden`, that only `./types` exports, and a program of its own
 * for each entry (`named/entry<index>.ts` and `tsconfig.named<index>.json`, numbered after the
 * packed entries): the one of `./made` cannot name `Hidden` in its declarations.
 */
function writePlantedGap(
  directory: string,
  first: number,
  compilerOptions: Record<string, unknown>,
): { specifier: string; config: string }[] {
  const plant = join(directory, 'named', 'node_modules', 'planted-gap');
  mkdirSync(plant, { recursive: true });
  const files: Record<string, string> = {
    'package.json': JSON.stringify({
      name: 'planted-gap',
      version: '1.0.0',
      type: 'module',
      exports: { './made': { types: './made.d.ts' }, './types': { types: './types.d.ts' } },
    }),
    'hidden.d.ts': 'export interface Hidden {\n  planted: true;\n}\n',
    'made.d.ts':
      "import type { Hidden } from './hidden.js';\nexport declare function make(): Hidden;\n",
    'types.d.ts':
      "import type { Hidden } from './hidden.js';\nexport type { Hidden };\nexport declare function remake(): Hidden;\n",
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(plant, name), text);
  return [
    { specifier: 'planted-gap/made', names: ['make'] },
    { specifier: 'planted-gap/types', names: ['remake'] },
  ].map(({ specifier, names }, offset) => {
    const index = first + offset;
    writeFileSync(join(directory, 'named', `entry${index}.ts`), namedExportsFile(specifier, names));
    const config = `tsconfig.named${index}.json`;
    writeFileSync(
      join(directory, config),
      JSON.stringify({ compilerOptions, files: [`named/entry${index}.ts`] }),
    );
    return { specifier, config };
  });
}

/**
 * The errors of a failed `tsc -b` over the `named/entry<index>.ts` programs, each told with the
 * specifier its file imports, `specifiers[index]` (`@gemloop/core/chat: TS2883: ...`); a line of
 * no entry file (a config's error) as it is, and the failure itself when it printed no error.
 */
function namedEntryFailures(error: unknown, specifiers: string[]): string[] {
  const output = String((error as { stdout?: unknown }).stdout ?? '');
  const lines = output.split('\n').filter((line) => line.includes('error TS'));
  if (lines.length === 0) return [String(error)];
  return lines.map((line) => {
    const index = /named[\\/]entry(\d+)\.ts/.exec(line)?.[1];
    const specifier = index === undefined ? undefined : specifiers[Number(index)];
    return specifier === undefined ? line : `${specifier}: ${line.replace(/^.*?error /, '')}`;
  });
}

const requireFile = (
  specifiers: string[],
) => `// A CommonJS user: require() of the ESM-only packages (Node >= 20.19).
const counts = {};
for (const specifier of ${JSON.stringify(specifiers)}) counts[specifier] = Object.keys(require(specifier)).length;
const { createAgent, createGemini } = require('@gemloop/core');
const { createFakeGemini, turn } = require('@gemloop/testing');
const fake = createFakeGemini({ script: [turn.text('Hello from CommonJS.')] });
fake
  .listen()
  .then(({ url }) =>
    createAgent({ gemini: createGemini({ baseUrl: url, apiKey: 'test-key' }), model: 'gemini-3-flash-preview' }).run('Hi'),
  )
  .then((result) => console.log(JSON.stringify({ counts, text: result.text })))
  .finally(() => fake.close());
`;

/**
 * What a browser page imports: every subpath of @gemloop/core but `/logging` (its `createLogger`
 * returns pino's `Logger`, whose own types need @types/node), and an event type used in a handler.
 */
const browserFile = (specifiers: string[]) => `${specifiers
  .map((specifier, index) => `import * as entry${index} from '${specifier}';`)
  .join('\n')}
import type { AgentEvent } from '@gemloop/core';
import type { ChatSession } from '@gemloop/core/chat';

export function show(event: AgentEvent): string {
  return event.type === 'text-delta' ? event.text : event.type;
}
export async function closeLater(chat: ChatSession): Promise<void> {
  await chat[Symbol.asyncDispose]();
}
export const counts: number[] = [${specifiers.map((_specifier, index) => `Object.keys(entry${index}).length`).join(', ')}];
`;

const compilerOptions = {
  strict: true,
  skipLibCheck: false,
  target: 'es2022',
  types: ['node'],
};

/**
 * What the strictest projects add (Vite's template sets `verbatimModuleSyntax`; the rest are what
 * a demanding project turns on): with skipLibCheck off each applies to our `.d.ts` files too, an
 * optional property that a subtype narrows or an index read without `undefined` fails there.
 * The bundler check has them, and the oldest TypeScript's in `node16` mode.
 */
const strictest = {
  exactOptionalPropertyTypes: true,
  verbatimModuleSyntax: true,
  noUncheckedIndexedAccess: true,
  noPropertyAccessFromIndexSignature: true,
  noImplicitOverride: true,
};

/**
 * A CommonJS TypeScript user (`.cts`): `import x = require()` of the ESM-only packages, typed
 * by TypeScript's `nodenext` mode (require(esm) from TypeScript 5.8), emitted to `.cjs` and run
 * (docs/troubleshooting.md, "stay CommonJS").
 */
const commonJsUserFile = `import core = require('@gemloop/core');
import testing = require('@gemloop/testing');
import zod = require('zod');
import type { AgentEvent } from '@gemloop/core' with { 'resolution-mode': 'require' };

const shout = core.defineTool({
  name: 'shout',
  description: 'Shouts.',
  parameters: zod.z.object({ text: zod.z.string() }),
  execute: ({ text }) => text.toUpperCase(),
});

async function main(): Promise<void> {
  const fake = testing.createFakeGemini({
    script: [testing.turn.calls([{ name: 'shout', args: { text: 'hi' } }]), testing.turn.text('HI.')],
  });
  try {
    const { url } = await fake.listen();
    const agent = core.createAgent({
      gemini: core.createGemini({ baseUrl: url, apiKey: 'test-key' }),
      model: 'gemini-3-flash-preview',
      tools: [shout],
    });
    const types: AgentEvent['type'][] = [];
    const stream = agent.stream('Shout hi.');
    for await (const event of stream) types.push(event.type);
    const result = await stream.result;
    console.log(JSON.stringify({ text: result.text, output: result.steps[0]?.toolCalls[0]?.output, toolCall: types.includes('tool-call') }));
  } finally {
    await fake.close();
  }
}
void main();
`;

/**
 * The dependencies of a project as a user's package.json holds them after `npm install
 * <tarball>... zod@x`: each tarball as a `file:` dependency, the registry packages at their
 * versions; a bare `npm install` then installs the same tree. Not the tarballs on npm's command
 * line: npm 11 unpacks a local tarball into a temporary folder to read its package.json (pacote's
 * `FileFetcher.manifest`), twice for a tarball named on the command line and once for a
 * dependency, before it unpacks it into node_modules (strace: each of @gemloop/core's 2,833 files
 * written 3 times, then 2): the zod 4 project's install took a quarter less CPU this way, old and
 * new run side by side (bench/RESULTS.md, test-speed, ninth session).
 */
function dependencies(
  tarballs: Packed[],
  registry: Record<string, string>,
): Record<string, string> {
  return {
    ...Object.fromEntries(tarballs.map(({ name, tarball }) => [name, `file:${tarball}`])),
    ...registry,
  };
}

function writePackageJson(directory: string, name: string, dependencies: Record<string, string>) {
  writeFileSync(
    join(directory, 'package.json'),
    `${JSON.stringify({ name, private: true, type: 'module', dependencies }, null, 2)}\n`,
  );
}

/**
 * npm's install of what the project's package.json names, quiet and without scripts. It waits on
 * the registry, outside its process tree: three minutes without CPU count as hung, not one. A
 * request the registry leaves unanswered is given up after a minute and tried again
 * ({@link npmFetchFlags}), well inside those three minutes, so a transient stall is a retry, not a
 * failed run.
 */
const npmInstall = (directory: string) =>
  exec('npm', NPM_INSTALL_ARGS, directory, { idleMs: 180_000 });

/** npm's arguments for {@link npmInstall} (part of a kept tree's key, fixtures/packed-install-cache.ts). */
const NPM_INSTALL_ARGS = [
  'install',
  '--no-audit',
  '--no-fund',
  '--prefer-offline',
  '--ignore-scripts',
  '--loglevel=error',
  ...npmFetchFlags(),
];

/**
 * The zod 3.25 project's install, made from the zod 4 project's: its tree and lockfile copied
 * (`cp -a`, so the hidden lockfile keeps its times and npm trusts it), then npm's install of the
 * zod 3.25 project's own package.json, which swaps zod, drops msw and what only msw needed, and
 * adds TypeScript 5.5, as a user who moves a project to zod 3.25 gets. The same 180 packages at
 * the same versions as a fresh install of that package.json (compared by name, version and
 * place: two packages nested rather than hoisted, express's router's `path-to-regexp` and
 * serialize-error's `type-fest`, whose root place msw's versions held); npm checks the changed
 * zod against every peer range as in a fresh install. A fresh install unpacked the ~12,700 files
 * again: 15.6 s of CPU against 0.4 s for the copy and 2.0 s for npm (load 10-13;
 * bench/RESULTS.md, test-speed15). The zod 4 project's install stays a fresh one.
 */
async function deriveInstall(from: string, to: string): Promise<void> {
  await exec('cp', ['-a', join(from, 'node_modules'), join(from, 'package-lock.json'), to], from);
  await npmInstall(to);
}

function writeProject(project: Project, specifiers: string[], tarballs: Packed[]): void {
  const { directory } = project;
  mkdirSync(join(directory, 'src'), { recursive: true });
  writePackageJson(
    directory,
    'packed-user',
    dependencies(tarballs, {
      zod: project.zod,
      '@types/node': versions.typesNode,
      ...(project.msw
        ? { msw: versions.msw }
        : { 'typescript-min': `npm:typescript@~${MIN_TYPESCRIPT}.0` }),
    }),
  );
  writeFileSync(join(directory, 'src', 'agent.ts'), agentFile);
  writeFileSync(join(directory, 'src', 'msw-types.ts'), mswTypesFile(project.msw));
  writeFileSync(join(directory, 'src', 'every-entry.ts'), everyEntryFile(specifiers));
  writeFileSync(join(directory, 'src', 'node-build.ts'), buildNamesFile('node'));
  writeFileSync(join(directory, 'require.cjs'), requireFile(specifiers));
  writeFileSync(join(directory, 'src', 'commonjs-user.cts'), commonJsUserFile);
  writeFileSync(
    join(directory, 'tsconfig.nodenext.json'),
    JSON.stringify({
      compilerOptions: {
        ...compilerOptions,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        rootDir: 'src',
        outDir: 'dist',
      },
      include: ['src'],
    }),
  );
  // A Node project without DOM: `lib: ["es2023"]` (the default lib of a target includes DOM). msw's
  // own types need DOM, so the project with msw is not checked this way; nor is
  // @gemloop/serve/mcp, whose MCP SDK's own types name DOM's `HeadersInit`
  // (@modelcontextprotocol/sdk's `shared/transport.d.ts`): a server using it has DOM's lib or
  // skipLibCheck on, as the SDK itself requires.
  if (!project.msw) {
    writeFileSync(
      join(directory, 'src', 'no-dom.ts'),
      everyEntryFile(specifiers.filter((specifier) => specifier !== '@gemloop/serve/mcp')),
    );
    writeFileSync(
      join(directory, 'tsconfig.es2023.json'),
      JSON.stringify({
        compilerOptions: {
          ...compilerOptions,
          lib: ['es2023'],
          module: 'nodenext',
          moduleResolution: 'nodenext',
          noEmit: true,
        },
        files: ['src/agent.ts', 'src/msw-types.ts', 'src/no-dom.ts'],
      }),
    );
    // The oldest TypeScript the README promises, over every entry point but @gemloop/dbos: pg's
    // types use @types/node's generic `Buffer<...>`, which @types/node gives TypeScript 5.7 and newer
    // only (its `typesVersions`), so @gemloop/dbos needs 5.7 with skipLibCheck off.
    writeFileSync(
      join(directory, 'src', 'min-typescript.ts'),
      everyEntryFile(specifiers.filter((specifier) => !specifier.startsWith('@gemloop/dbos'))),
    );
    writeFileSync(
      join(directory, 'tsconfig.min-typescript.json'),
      JSON.stringify({
        compilerOptions: {
          ...compilerOptions,
          ...strictest,
          module: 'node16',
          moduleResolution: 'node16',
          noEmit: true,
          // skipLibCheck stays off: every installed .d.ts (ours, zod's, the MCP SDK's, @types/node)
          // is checked. Only TypeScript 5.5's own `lib.*.d.ts` are not checked by TypeScript 5.5
          // itself; a declaration of ours that clashes with one of them is still reported, in our
          // file (planted in core's dist/index.d.ts: `interface Array<T> { length: string }` in
          // `declare global`, TS2717 there). 12.4, 12.2 -> 10.2, 9.6 s of CPU, ABAB at load 15-23
          // (bench/RESULTS.md, test-speed10); TypeScript 7's checks gain nothing from it.
          skipDefaultLibCheck: true,
        },
        files: ['src/agent.ts', 'src/min-typescript.ts', 'src/node-build.ts'],
      }),
    );
  }
  writeFileSync(
    join(directory, 'tsconfig.bundler.json'),
    JSON.stringify({
      compilerOptions: {
        ...compilerOptions,
        ...strictest,
        module: 'esnext',
        moduleResolution: 'bundler',
        noEmit: true,
      },
      // No customConditions: a bundler-mode project names no runtime and gets the Node build's
      // types (`default.types`), as most such projects run on Node (tsx, Vite SSR).
      include: ['src'],
      // A bundler project is ES modules: the CommonJS user is the nodenext check's.
      exclude: ['src/**/*.cts'],
    }),
  );
}

/**
 * A library of the monorepo (`node_modules/research-lib`, as a workspace package is linked there)
 * built on the hoisted @gemloop/core: its agents, a tool of theirs and a plugin.
 */
const researchLib = {
  'package.json': `${JSON.stringify({
    name: 'research-lib',
    version: '1.0.0',
    type: 'module',
    exports: { '.': { types: './index.d.ts', default: './index.js' } },
  })}\n`,
  'index.js': `import { createAgent, defineTool } from '@gemloop/core';
import { subagent } from '@gemloop/core/composition';
import { definePlugin } from '@gemloop/core/plugins';
import { z } from 'zod';

export const coreEntry = import.meta.resolve('@gemloop/core');
const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a term up.',
  parameters: z.object({ term: z.string() }),
  execute: ({ term }) => ({ term, found: true }),
});
export const researcher = (gemini) =>
  createAgent({ name: 'researcher', gemini, model: 'gemini-3-flash-preview', tools: [lookup] });
export const closer = (gemini) => createAgent({ name: 'closer', gemini, model: 'gemini-3-flash-preview' });
// A ready-made subagent tool, made by the library's copy (its result is that copy's).
export const researchTool = (gemini) =>
  subagent(closer(gemini), { name: 'lib_research', description: 'Researches, the library way.' });
export const toolsSeen = [];
export const tracePlugin = definePlugin({
  name: 'trace',
  afterToolCall: (result) => {
    toolsSeen.push(result.toolName);
  },
});
`,
  'index.d.ts': `import type { Agent, Gemini } from '@gemloop/core';
import type { AnyTool } from '@gemloop/core/tools';
import type { AgentPlugin } from '@gemloop/core/plugins';
export declare const coreEntry: string;
export declare function researcher(gemini: Gemini): Agent;
export declare function closer(gemini: Gemini): Agent;
export declare function researchTool(gemini: Gemini): AnyTool;
export declare const toolsSeen: string[];
export declare const tracePlugin: AgentPlugin;
`,
};

/**
 * The monorepo's app (`mono/`), with a @gemloop/core of its own (`mono/node_modules`, as pnpm
 * installs a copy per peer set and npm nests one): the library's agents as its subagent and
 * hand-off target, the library's plugin in its agent, and an error of the library's copy checked
 * with its own classes.
 */
const monorepoApp = `import { AgentRunError, createAgent, createGemini, GemloopError } from '@gemloop/core';
import { handoff, subagent } from '@gemloop/core/composition';
import { createFakeGemini, turn } from '@gemloop/testing';
import { closer, coreEntry, researcher, researchTool, toolsSeen, tracePlugin } from 'research-lib';

const fake = createFakeGemini({
  script: [
    turn.calls([{ name: 'research', args: { task: 'Find the term.' } }]),
    turn.calls([{ name: 'lookup', args: { term: 'gemloop' } }]),
    turn.text('Found it.'),
    turn.calls([{ name: 'transfer_to_closer', args: {} }]),
    turn.text('Closed.'),
    turn.calls([{ name: 'lib_research', args: { task: 'Find it.' } }]),
    turn.text('Child found.'),
    turn.text('Helper done.'),
  ],
});
try {
  const { url } = await fake.listen();
  const gemini = createGemini({ baseUrl: url, apiKey: 'test-key' });
  const asked: string[] = [];
  const boss = createAgent({
    name: 'boss',
    gemini,
    model: 'gemini-3-flash-preview',
    tools: [
      subagent(researcher(gemini), { name: 'research', description: 'Researches a term.' }),
      handoff(closer(gemini)),
    ],
    plugins: [tracePlugin],
    beforeToolCall: ({ toolName, path }) => {
      asked.push([...path, toolName].join('/'));
    },
  });
  const stream = boss.stream('Research, then close.');
  const events: string[] = [];
  for await (const event of stream)
    if (event.type !== 'text-delta') events.push([...event.path, event.type].join('/'));
  const result = await stream.result;
  // The library's own subagent tool in the app's agent: the model gets the child's answer (not
  // the library copy's wrapper of it), and the child's usage is counted once.
  const helper = createAgent({ gemini, model: 'gemini-3-flash-preview', tools: [researchTool(gemini)] });
  const helped = await helper.run('Use the library tool.');
  const sent = fake.requests.at(-1)?.body as
    | { contents: { parts: { functionResponse?: { response?: unknown } }[] }[] }
    | undefined;
  const libAnswer = sent?.contents.at(-1)?.parts[0]?.functionResponse?.response;
  let aborted: unknown;
  await researcher(gemini)
    .run('Stop.', { signal: AbortSignal.abort() })
    .catch((error: unknown) => {
      aborted = error;
    });
  console.log(
    JSON.stringify({
      copies: new Set([import.meta.resolve('@gemloop/core'), coreEntry]).size,
      text: result.text,
      agents: (result.usageByAgent ?? []).map(({ path }) => path.join('/')),
      libAnswer,
      libAgents: (helped.usageByAgent ?? []).map(({ path }) => path.join('/')),
      asked,
      toolsSeen,
      events,
      error: {
        gemloop: GemloopError.isInstance(aborted),
        agentRun: AgentRunError.isInstance(aborted),
        instanceOf: aborted instanceof GemloopError,
      },
    }),
  );
} finally {
  await fake.close();
}
`;

/** Writes the monorepo into the zod 4 project: the library, the app and the app's own core. */
async function writeMonorepo(directory: string): Promise<string> {
  const library = join(directory, 'node_modules', 'research-lib');
  mkdirSync(library, { recursive: true });
  for (const [file, text] of Object.entries(researchLib)) writeFileSync(join(library, file), text);
  const app = join(directory, 'mono');
  mkdirSync(join(app, 'node_modules', '@gemloop'), { recursive: true });
  await exec(
    'cp',
    [
      '-a',
      join(directory, 'node_modules', '@gemloop', 'core'),
      join(app, 'node_modules', '@gemloop'),
    ],
    directory,
  );
  writeFileSync(join(app, 'app.ts'), monorepoApp);
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        ...compilerOptions,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        outDir: 'dist',
      },
      files: ['app.ts'],
    }),
  );
  return app;
}

/**
 * A browser page's check, inside the zod 4 project (`browser/`, `tsconfig.browser.json`): only
 * @gemloop/core's subpaths imported, no @types/node (`types: []`, so nothing of Node's types is
 * there to hide a missing name), `lib: ["es2023", "dom"]`, resolved as a bundler does. It had a
 * project and an npm install of its own (core and zod alone); sharing the zod 4 project's tree
 * saves that install, 5.3 and 6.3 s of CPU (load 38-45), the check itself unchanged (1.00, 1.00 ->
 * 0.96, 0.94 s user+sys). {@link packedFilesOutside} keeps what the separate tree proved: checked on the
 * kept projects, a `/// <reference types="node" />` or an import of @gemloop/testing planted in
 * core's `dist/index.d.ts` fails both ways.
 */
function writeBrowserCheck(directory: string, specifiers: string[]): void {
  mkdirSync(join(directory, 'browser'), { recursive: true });
  writeFileSync(join(directory, 'browser', 'page.ts'), browserFile(specifiers));
  writeFileSync(join(directory, 'browser', 'build-names.ts'), buildNamesFile('portable'));
  writeFileSync(
    join(directory, 'tsconfig.browser.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        skipLibCheck: false,
        target: 'es2022',
        lib: ['es2023', 'dom', 'dom.iterable'],
        types: [],
        module: 'esnext',
        moduleResolution: 'bundler',
        customConditions: ['browser'],
        noEmit: true,
      },
      include: ['browser'],
    }),
  );
}

/**
 * The installed packages an install of `packageName` (and `extra`) alone would bring: its
 * `dependencies` and required `peerDependencies`, transitively, each resolved as Node resolves
 * it from the package that names it. Their real directories.
 */
function installClosure(directory: string, packageName: string, extra: string[]): string[] {
  const project = realpathSync(directory);
  const found = new Map<string, string>();
  const visit = (name: string, from: string) => {
    let at = from;
    while (!existsSync(join(at, 'node_modules', name, 'package.json'))) {
      if (dirname(at) === at || !at.startsWith(project)) return;
      at = dirname(at);
    }
    const real = realpathSync(join(at, 'node_modules', name));
    if (found.has(real)) return;
    found.set(real, name);
    const manifest = JSON.parse(readFileSync(join(real, 'package.json'), 'utf8'));
    const optional = manifest.peerDependenciesMeta ?? {};
    for (const dependency of [
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}).filter((peer) => !optional[peer]?.optional),
    ])
      visit(dependency, real);
  };
  visit(packageName, project);
  for (const name of extra) visit(name, project);
  return [...found.keys()];
}

/**
 * The files of a `tsc --listFiles` listing that a separate install of @gemloop/core and zod
 * would not have held: anything in the project but its `browser/` page and the packages of
 * {@link installClosure} (@types/node, msw, the other tarballs: a `/// <reference types="node" />`
 * or an import of a package core does not depend on, which the shared tree would resolve and a
 * tree of core alone would not), and anything outside it but TypeScript's own `lib.*.d.ts`.
 */
function packedFilesOutside(directory: string, listing: string, allowed: string[]): string[] {
  const project = realpathSync(directory);
  const page = join(project, 'browser') + sep;
  const files = listing
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.endsWith('.ts'));
  expect(files.length).toBeGreaterThan(1);
  return files.filter((file) => {
    const real = realpathSync(file);
    if (!real.startsWith(project + sep)) return !/^lib\.[\w.]+\.d\.ts$/.test(basename(real));
    return !real.startsWith(page) && !allowed.some((directory) => real.startsWith(directory + sep));
  });
}

/**
 * Where the packs and the projects go: a memory file system when the machine has one with room
 * (`/dev/shm`, 2 GiB free; the two projects hold ~25,000 files, ~300 MB), else the run's temporary
 * folder. npm's install is mostly system calls on the files it unpacks (a profile: mkdir, lstat,
 * open, close and writes ahead of any JavaScript); on tmpfs they skip the disk file system's
 * journal and allocation (the zod 3.25 project's install alone: system CPU 6.1, 9.0 s on ext4,
 * 4.6, 4.3 on tmpfs). This file, ABBA at load 11-18: 107.6, 103.5 s of CPU on ext4 against 77.0,
 * 88.8 on tmpfs (bench/RESULTS.md, test-speed14). afterAll removes it, as before.
 */
function workspaceParent(): string {
  const memory = '/dev/shm';
  try {
    removeOrphanedWorkspaces(memory);
    const { bavail, bsize } = statfsSync(memory);
    if (bavail * bsize >= 2 * 1024 ** 3) return memory;
  } catch {
    // No such file system here: the run's temporary folder.
  }
  return tmpdir();
}

/** The workspace's folder name: it carries the test process's pid, so a later run can tell it is orphaned. */
const WORKSPACE_PREFIX = 'gemloop-packed-';

/**
 * Removes the workspaces of test processes that are gone. afterAll removes a run's own, but a
 * SIGKILLed run never gets there, and on tmpfs its ~300 MB would hold memory until a reboot (the
 * run's temporary folder, the other place, is on disk).
 */
function removeOrphanedWorkspaces(parent: string): void {
  for (const name of readdirSync(parent)) {
    const pid = Number(/^gemloop-packed-(\d+)-/.exec(name)?.[1]);
    if (!Number.isInteger(pid) || isAlive(pid)) continue;
    rmSync(join(parent, name), { recursive: true, force: true });
  }
}

let workspace: string;
let packed: Packed[];
let specifiers: string[];
const projects: Project[] = [];

beforeAll(async () => {
  const parent = workspaceParent();
  workspace = mkdtempSync(join(parent, `${WORKSPACE_PREFIX}${process.pid}-`));
  // The build and the pack under the hang guard too (they had no limit but the hook's). The build
  // (`tsc -b <packages>`) alone, as every build of the checkout in a test: after it, or after the
  // first file's build, the outputs are current and no later build rewrites what the pack reads.
  packed = await (
    packPublicPackages as (options: {
      out: string;
      run: (command: string, args: string[], options: { cwd: string }) => Promise<unknown>;
    }) => Promise<Packed[]>
  )({
    out: join(workspace, 'packs'),
    run: (command, args, { cwd }) =>
      args[1] === '-b' ? buildAlone(() => exec(command, args, cwd)) : exec(command, args, cwd),
  });
  specifiers = entryPoints(packed);
  projects.push(
    { directory: join(workspace, 'zod3'), zod: versions.zod3, msw: false },
    { directory: join(workspace, 'zod4'), zod: versions.zod4, msw: true },
  );
  for (const project of projects) writeProject(project, specifiers, packed);
  writeBrowserCheck(
    (projects[1] as Project).directory,
    specifiers.filter(
      (specifier) => specifier.startsWith('@gemloop/core') && specifier !== '@gemloop/core/logging',
    ),
  );
  const [zod3, zod4] = projects as [Project, Project];
  // npm's trees for these very tarballs and package.json files, when an earlier run installed
  // them (fixtures/packed-install-cache.ts: ~25-35 s of CPU saved; one byte of a tarball changed
  // and npm installs again).
  const reuse = {
    tarballs: packed.map(({ tarball }) => tarball),
    cache: packedInstallCache(parent),
  };
  const context = [npmVersion(), `node ${process.version}`, NPM_INSTALL_ARGS.join(' ')];
  const zod4Tree = await reuseInstall({
    ...reuse,
    directory: zod4.directory,
    slot: 'zod4',
    context,
    install: async () => {
      await npmInstall(zod4.directory);
    },
  });
  await reuseInstall({
    ...reuse,
    directory: zod3.directory,
    slot: 'zod3',
    context: [...context, `derived from ${zod4Tree.key}`],
    install: () => deriveInstall(zod4.directory, zod3.directory),
  });
}, SLOW);

afterAll(() => {
  // GEMLOOP_KEEP_PACKED=1 keeps the projects to look into after a failure.
  if (workspace && !process.env['GEMLOOP_KEEP_PACKED'])
    rmSync(workspace, { recursive: true, force: true });
}, 120_000);

// The two projects and the tarball checks run side by side (each waits mostly on a tsc, node or
// npm process); inside a project the steps keep their order (`it.sequential`): the nodenext
// type-check emits the dist/ that the later steps run.
describe.concurrent.each([
  ['zod 3.25 (no msw)', 0],
  ['zod 4 (with msw)', 1],
] as const)('the packed packages installed with npm, %s', (_label, index) => {
  const project = () => projects[index] as Project;
  // TypeScript 7 with its Go heap's collection put off (TYPESCRIPT_GO_HEAP: ~a third less CPU).
  // The nodenext check emits the dist/ the later steps run: kept with its build info.
  const tsc = (config: string, outputs?: string[]) =>
    typeCheck(index === 0 ? 'zod3' : 'zod4', project().directory, [TSC, ...ONE_THREAD], config, {
      env: TYPESCRIPT_GO_HEAP,
      outputs,
    });

  it.sequential(
    'hold the zod the project names, and msw only where it names it',
    () => {
      const installed = (name: string) =>
        join(project().directory, 'node_modules', name, 'package.json');
      expect(JSON.parse(readFileSync(installed('zod'), 'utf8')).version).toBe(project().zod);
      expect(existsSync(installed('msw'))).toBe(project().msw);
    },
    SLOW,
  );

  it.sequential(
    'type-check a user project in nodenext mode without skipLibCheck',
    async () => {
      await tsc('tsconfig.nodenext.json', ['dist']);
    },
    SLOW,
  );

  it.sequential(
    'type-check a user project in bundler mode without skipLibCheck',
    async () => {
      await tsc('tsconfig.bundler.json');
    },
    SLOW,
  );

  it.sequential(
    'run an agent with a tool from each package against the fake',
    async () => {
      const { stdout } = await exec(process.execPath, ['dist/agent.js'], project().directory);
      expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '')).toEqual({
        text: '18 °C in Paris, and 23 * 19 = 437.',
        outputs: [
          { city: 'Paris', temperatureC: 18 },
          { expression: '23 * 19', result: 437 },
        ],
        modelRequests: 2,
      });
    },
    SLOW,
  );

  it.sequential(
    'probe the dev fake: gemloop loads @gemloop/testing installed beside it',
    async () => {
      // gemloop does not depend on the fake; `gemloop fake` and `probe --fake` import the
      // installed @gemloop/testing (and its ./dev-model subpath) when they run.
      const bin = join(project().directory, 'node_modules', 'gemloop', 'dist', 'bin.js');
      const { stdout } = await exec(
        process.execPath,
        [bin, 'probe', '--fake'],
        project().directory,
      );
      const lines = stdout.split('\n').filter((line) => /^(PASS|WARN|FAIL|SKIP) /.test(line));
      expect(lines).toHaveLength(16);
      expect(lines.filter((line) => !line.startsWith('PASS'))).toEqual([]);
    },
    SLOW,
  );

  it.sequential(
    'import every entry point, and require() it from CommonJS',
    async () => {
      const imported = await exec(process.execPath, ['dist/every-entry.js'], project().directory);
      const counts = JSON.parse(imported.stdout.trim().split('\n').at(-1) ?? '');
      expect(Object.keys(counts).sort()).toEqual([...specifiers].sort());
      for (const specifier of specifiers) expect(counts[specifier], specifier).toBeGreaterThan(0);

      const required = await exec(process.execPath, ['require.cjs'], project().directory);
      expect(JSON.parse(required.stdout.trim().split('\n').at(-1) ?? '')).toEqual({
        counts,
        text: 'Hello from CommonJS.',
      });

      const typed = await exec(process.execPath, ['dist/commonjs-user.cjs'], project().directory);
      expect(JSON.parse(typed.stdout.trim().split('\n').at(-1) ?? '')).toEqual({
        text: 'HI.',
        output: 'HI',
        toolCall: true,
      });
    },
    SLOW,
  );
});

// The setups that broke on gemloop's own `.d.ts` (issue 28): a name only DOM declares
// (`ReadableStreamReadResult`), a symbol only `esnext.disposable` or @types/node declares
// (`Symbol.asyncDispose`), and the TypeScript version the README promises.
describe.concurrent('the packed types in other setups, skipLibCheck off', () => {
  // The repository's TypeScript, or the oldest the README promises (npm's install, `typescript-min`).
  const tscIn = (directory: string, config: string, oldest = false) =>
    typeCheck(
      'zod3',
      directory,
      oldest
        ? [join(directory, 'node_modules', 'typescript-min', 'bin', 'tsc')]
        : [TSC, ...ONE_THREAD],
      config,
      { env: oldest ? {} : TYPESCRIPT_GO_HEAP },
    );
  const zod3Project = () => (projects[0] as Project).directory;

  it('NODE_ONLY_NAMES names every @gemloop/core subpath that has a Node build', () => {
    const core = packed.find(({ name }) => name === '@gemloop/core') as Packed;
    const manifest = JSON.parse(readFileSync(join(core.directory, 'package.json'), 'utf8')) as {
      exports: Record<string, unknown>;
    };
    const withNodeBuild = Object.entries(manifest.exports)
      .filter(([, conditions]) => typeof conditions === 'object' && conditions !== null)
      .filter(([, conditions]) => 'node' in (conditions as object))
      .map(([subpath]) => `@gemloop/core/${subpath.slice('./'.length)}`);
    expect(withNodeBuild.sort()).toEqual(Object.keys(NODE_ONLY_NAMES).sort());
  });

  it(
    'a Node project with lib es2023 and no DOM',
    async () => {
      await tscIn(zod3Project(), 'tsconfig.es2023.json');
    },
    SLOW,
  );

  it(
    'a DOM-only browser project without @types/node',
    async () => {
      const zod4Project = (projects[1] as Project).directory;
      const { stdout } = await typeCheck(
        'zod4',
        zod4Project,
        [TSC, ...ONE_THREAD, '--listFiles'],
        'tsconfig.browser.json',
        { env: TYPESCRIPT_GO_HEAP },
      );
      const allowed = installClosure(zod4Project, '@gemloop/core', ['zod']);
      expect(packedFilesOutside(zod4Project, stdout, allowed)).toEqual([]);
    },
    SLOW,
  );

  it(
    'a library that exports what each entry point makes: every type its .d.ts needs can be named',
    async () => {
      // A library or monorepo package (`declaration: true`, as `composite` requires) that exports
      // what a gemloop function returns (`export const guard = loopGuard()`) gets the return type
      // written into its own .d.ts; TypeScript can name a type only through a module of the
      // program that exports it, else TS2883 "cannot be named without a reference to ... This is
      // likely not portable". One program per entry point: a file that imports that entry alone,
      // since any other entry in the program (which may export the type) would hide the gap.
      // The root of @gemloop/core is left out: its 40-name cap (index.test.ts) keeps
      // `ChatSession`, `BuiltinTool` and their kin on their subpaths (bench/RESULTS.md, attack67a).
      // The programs are the projects of one solution (`files: []`, a reference each) that
      // TypeScript's build mode checks in one process: each project stays a program of its own (its
      // one file its only root), but the build shares the parsed `.d.ts` and `.json` files between
      // them (https://github.com/microsoft/typescript-go/blob/main/internal/execute/build/host.go,
      // `GetSourceFile`), which were nine tenths of each program's time. 44 `tsc -p` processes, one
      // after another: ~40 s of CPU; the one build: ~3 s, with the same errors (bench/RESULTS.md,
      // speed68). `--force`: every program is checked, whatever build info a project holds.
      const directory = zod3Project();
      const skipped = new Set(['@gemloop/core', '@gemloop/core/internal', 'gemloop']);
      const checked = specifiers.filter((specifier) => !skipped.has(specifier));
      writeFileSync(join(directory, 'function-names.mjs'), functionNamesScript(checked));
      const { stdout } = await exec(process.execPath, ['function-names.mjs'], directory);
      const functions = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Record<
        string,
        string[]
      >;
      mkdirSync(join(directory, 'named'), { recursive: true });
      const namedOptions = {
        ...compilerOptions,
        // Only the declarations' names are asked about here; every .d.ts is checked above.
        skipLibCheck: true,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        declaration: true,
        noEmit: true,
      };
      const references: { path: string }[] = [];
      for (const [index, specifier] of checked.entries()) {
        const names = functions[specifier] ?? [];
        if (names.length === 0) continue;
        writeFileSync(
          join(directory, 'named', `entry${index}.ts`),
          namedExportsFile(specifier, names),
        );
        const config = `tsconfig.named${index}.json`;
        writeFileSync(
          join(directory, config),
          JSON.stringify({ compilerOptions: namedOptions, files: [`named/entry${index}.ts`] }),
        );
        references.push({ path: config });
      }
      expect(references.length).toBeGreaterThan(0);
      // A planted gap in the same build, the proof that it still finds one: `planted-gap/made`
      // returns a type that only `planted-gap/types` exports. Its program alone fails; had the two
      // entries shared a program, the other's export would have hidden the gap.
      const planted = writePlantedGap(directory, checked.length, namedOptions);
      references.push(...planted.map(({ config }) => ({ path: config })));
      writeFileSync(
        join(directory, 'tsconfig.named.json'),
        JSON.stringify({ files: [], references }),
      );
      const failures = await exec(
        process.execPath,
        [TSC, '-b', 'tsconfig.named.json', '--force', ...ONE_THREAD],
        directory,
        {},
        TYPESCRIPT_GO_HEAP,
      ).then(
        () => [],
        (error: unknown) =>
          namedEntryFailures(error, [...checked, ...planted.map(({ specifier }) => specifier)]),
      );
      expect(failures).toEqual([PLANTED_GAP_FAILURE]);
    },
    SLOW,
  );

  it(
    `TypeScript ${MIN_TYPESCRIPT}, the oldest the README promises`,
    async () => {
      const readme = readFileSync(join(root, 'README.md'), 'utf8');
      expect(readme).toContain(`TypeScript ${MIN_TYPESCRIPT} or newer`);
      // The installed alias's version, read where `tsc --version` reads it from (its build
      // carries the package's version): one TypeScript start fewer.
      const installed = JSON.parse(
        readFileSync(join(zod3Project(), 'node_modules', 'typescript-min', 'package.json'), 'utf8'),
      );
      expect(installed.version.split('.').slice(0, 2).join('.')).toBe(MIN_TYPESCRIPT);
      await tscIn(zod3Project(), 'tsconfig.min-typescript.json', true);
    },
    SLOW,
  );
});

// Users' other shapes: a monorepo holding two copies of @gemloop/core, and a bundler building the
// packed files for the browser.
describe.concurrent('the packed packages in a monorepo and a bundler', () => {
  const zod4Project = () => (projects[1] as Project).directory;

  it(
    'a monorepo with two copies of @gemloop/core: agents, plugin and errors of one in the other',
    async () => {
      const app = await writeMonorepo(zod4Project());
      // Typed across the copies (each side's .d.ts), skipLibCheck off, then run.
      await typeCheck('zod4 mono', app, [TSC, ...ONE_THREAD], 'tsconfig.json', {
        env: TYPESCRIPT_GO_HEAP,
        outputs: ['dist'],
      });
      const { stdout } = await exec(process.execPath, ['dist/app.js'], app);
      // What one copy gives (the app run beside the library, one core): a copy's own registries
      // ran the subagent as a plain call (no child events, approvals or usage: events and asked
      // without `research#1`), and handoff() refused the closer "without a name".
      expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '')).toEqual({
        copies: 2,
        text: 'Closed.',
        agents: ['', 'research#1'],
        libAnswer: { answer: 'Child found.' },
        libAgents: ['', 'lib_research#1'],
        asked: ['research', 'research#1/lookup', 'transfer_to_closer'],
        toolsSeen: ['research', 'transfer_to_closer'],
        events: [
          'step-start',
          'tool-call',
          'research#1/step-start',
          'research#1/tool-call',
          'research#1/tool-result',
          'research#1/step-end',
          'research#1/step-start',
          'research#1/step-end',
          'research#1/run-end',
          'tool-result',
          'step-end',
          'step-start',
          'tool-call',
          'tool-result',
          'step-end',
          'handoff',
          'step-start',
          'step-end',
          'run-end',
        ],
        // isInstance knows the other copy's errors; instanceof cannot.
        error: { gemloop: true, agentRun: true, instanceOf: false },
      });
    },
    SLOW,
  );

  it(
    'a browser bundle by esbuild of every @gemloop/core entry, from the packed files',
    async () => {
      // The packed `exports` and `#platform/*` conditions as a bundler reads them (the source
      // check, src/platform/browser-bundle.test.ts, reads `@gemloop/source`). A Node built-in
      // reached fails the build (esbuild cannot resolve it for the browser).
      const directory = zod4Project();
      const { build } = await import('esbuild');
      const free = { Buffer: '__gemloopFreeBuffer', process: '__gemloopFreeProcess' };
      const page = await build({
        entryPoints: ['browser/page.ts'],
        absWorkingDir: directory,
        bundle: true,
        platform: 'browser',
        format: 'esm',
        outdir: 'browser-out',
        write: false,
        metafile: true,
        logLevel: 'silent',
        define: free,
      });
      const inputs = Object.keys(page.metafile.inputs);
      expect(inputs.filter((file) => file.includes('/dist/platform/node/'))).toEqual([]);
      expect(inputs.some((file) => file.includes('@gemloop/core/dist/platform/web/'))).toBe(true);
      const text = page.outputFiles.map((file) => file.text).join('\n');
      expect(text.split('\n').filter((line) => /__gemloopFree/.test(line))).toEqual([]);
      // `sideEffects: false` honoured: one name imported, one module's bytes.
      const one = await build({
        stdin: {
          contents: "import { version } from '@gemloop/core'; console.log(version);",
          resolveDir: directory,
          loader: 'ts',
        },
        bundle: true,
        platform: 'browser',
        format: 'esm',
        minify: true,
        write: false,
        logLevel: 'silent',
      });
      expect(one.outputFiles[0]?.text.length).toBeLessThan(300);
    },
    SLOW,
  );
});

describe.concurrent('the tarballs', () => {
  it(
    'hold every public package, with LICENSE, README and no build caches',
    async () => {
      expect(packed.map(({ name }) => name)).toEqual(
        expect.arrayContaining(['@gemloop/core', '@gemloop/tools', 'gemloop']),
      );
      const license = readFileSync(join(root, 'LICENSE'), 'utf8');
      for (const { name, tarball } of packed) {
        const { stdout: listing } = await exec('tar', ['-tzf', tarball], workspace);
        const files = listing.trim().split('\n');
        expect(files, name).toEqual(
          expect.arrayContaining(['package/LICENSE', 'package/README.md', 'package/package.json']),
        );
        expect(files.filter((file) => /\.tsbuildinfo|\.test\.|__fixtures__/.test(file))).toEqual(
          [],
        );
        const { stdout: packedLicense } = await exec(
          'tar',
          ['-xzOf', tarball, 'package/LICENSE'],
          workspace,
        );
        expect(packedLicense, name).toBe(license);
        const { stdout: packedManifest } = await exec(
          'tar',
          ['-xzOf', tarball, 'package/package.json'],
          workspace,
        );
        expect(packedManifest, name).not.toContain('workspace:');
        expect(packedManifest, name).not.toContain('@gemloop/source');
      }
    },
    SLOW,
  );

  // publint: what a package.json gets wrong for its consumers (exports, files, types), warnings
  // and suggestions included. attw: how each TypeScript resolution mode sees the types. The
  // profile is esm-only: these packages are ESM by decision, so node10 (no `exports`) and
  // node16-from-CommonJS (a TypeScript model from before require(esm)) are not targets;
  // require() itself is proven above, on Node 20.19+.
  it(
    'pass publint and are-the-types-wrong',
    async () => {
      // publint's and attw's checks of every tarball in one process (`publint run --strict` and
      // `attw --profile esm-only` for each: see the script), which fails, printing publint's
      // messages or attw's table, on a problem. A tarball an earlier run passed, byte for byte,
      // with the same script, lockfile and Node, is not checked again
      // (fixtures/kept-tarball-verdicts.ts, tested in kept-tarball-verdicts.test.ts).
      const script = join(root, 'test', 'fixtures', 'check-tarballs.mjs');
      const tarballs = packed.map(({ tarball }) => tarball);
      const { checked, reused, output } = await checkTarballsKeepingPasses({
        tarballs,
        checker: checkerKey(script, join(root, 'pnpm-lock.yaml')),
        cache: keptTarballVerdicts(dirname(workspace)),
        check: async (some) => (await exec(process.execPath, [script, ...some], workspace)).stdout,
      });
      expect([...reused, ...checked].sort()).toEqual([...tarballs].sort());
      expect(output.split('\n').filter((line) => line.trim() !== '')).toEqual(
        checked.map((tarball) => `${tarball}: OK`),
      );
    },
    SLOW,
  );
});
