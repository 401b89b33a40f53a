import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { keptEsbuildBuild } from '../../../scripts/kept-esbuild-build.ts';

const src = fileURLToPath(new URL('./', import.meta.url));

/**
 * The modules `import '@gemloop/core'` evaluates: the root entry and what it reaches through
 * static imports only (a dynamic `import()` loads on first use, not at import). esbuild resolves
 * the graph as Node would, with the source condition; its metafile says which import is which.
 */
async function modulesLoadedByImport(
  entry: string,
  dynamic = false,
  notFollowed: readonly string[] = [],
): Promise<string[]> {
  const inputs = await importGraph(entry);
  const root = Object.keys(inputs).find((path) => path.endsWith(`src/${entry}`)) as string;
  const seen = new Set<string>([root]);
  const queue = [root];
  for (let path = queue.pop(); path !== undefined; path = queue.pop()) {
    for (const imported of inputs[path]?.imports ?? []) {
      const followed =
        imported.kind === 'import-statement' || (dynamic && imported.kind === 'dynamic-import');
      if (!followed || imported.external === true) continue;
      if (notFollowed.some((name) => imported.path.endsWith(name))) continue;
      if (seen.has(imported.path)) continue;
      seen.add(imported.path);
      queue.push(imported.path);
    }
  }
  return [...seen];
}

/** Each entry's graph, bundled once for the file (see {@link importGraph}). */
const graphs = new Map<string, Promise<Metafile['inputs']>>();

/**
 * An entry's import graph as esbuild resolves it, with the source condition: every import of
 * every module and its kind, static and dynamic. The same sources give the same graph, so the
 * file's tests share one build and each walks it its own way (which kinds it follows, where it
 * stops): it bundled the same graph eleven times, once a walk (about 0.4 s of CPU each). The
 * build is kept between runs while every file it read is unchanged (scripts/kept-esbuild-build.ts):
 * the walks run on it each time.
 */
function importGraph(entry: string): Promise<Metafile['inputs']> {
  let graph = graphs.get(entry);
  if (graph === undefined) {
    graph = keptEsbuildBuild({
      entryPoints: [`${src}${entry}`],
      bundle: true,
      platform: 'node',
      format: 'esm',
      conditions: ['@gemloop/source'],
      logLevel: 'silent',
    }).then((result) => result.metafile.inputs);
    graphs.set(entry, graph);
  }
  return graph;
}

/**
 * The modules a test says the graph must not reach, each checked to exist: a name left behind by
 * a move or a merge would match nothing, and its check could never fail.
 */
function existing(names: readonly string[]): readonly string[] {
  const gone = names.filter((name) => name.endsWith('.ts') && !existsSync(`${src}${name}`));
  expect(gone, 'modules named here that no longer exist: update the list').toEqual([]);
  return names;
}

describe('the static import graph of @gemloop/core', () => {
  // What a first unary call or a defineTool does not need is loaded on first use, so that the
  // import stays close to zod's own (issue 12; bench/README.md, cold import). A failure names the
  // module that a new static import pulled back in: import it where it is used, with import().
  // index.cold-import.test.ts proves the same at run time for gemloop's own modules; this walks
  // the graph as a bundler would, packages included, without mocking anything.
  it('reaches neither the request path, the run loop, the stream parser, eventsource-parser nor undici', async () => {
    const loaded = await modulesLoadedByImport('index.ts');
    const unwanted = existing([
      'streaming/parse-generate-content-stream.ts',
      'streaming/create-stream-accumulator.ts',
      'streaming/apply-partial-args.ts',
      'eventsource-parser',
      'undici',
      'p-retry',
      'http/attempts/request-json.ts',
      'agent/loop/run-loop.ts',
      // The attempt path and the Files API came in through the Interactions client while the
      // `api` option imported it (170 modules at import instead of 139).
      'http/attempts/send-with-retry.ts',
      'http/files/create-files.ts',
      'interactions/create-interactions.ts',
      // The fetch transport (and the choice between it and the node transport) is the request
      // path's: an injected fetch is wrapped by the first request (issue 53, "Cold import").
      'http/transport/select-transport.ts',
      'http/transport/create-fetch-transport.ts',
      'http/transport/read-reader-text.ts',
      // A refused file is told by a response: its mapping comes with the request path.
      'errors/files-and-batches/file-not-found-of.ts',
      'errors/files-and-batches/file-not-found-error.ts',
      // A chat session's sends and store reads load with its first (issue 53, "Cold import",
      // helper cold-import2); the session itself answers at once.
      'chat/chat-conversation.ts',
      'chat/session-store.ts',
      'chat/chat-spend.ts',
      'chat/run-exclusive.ts',
      // A steering message is checked as one content (history/check-content.ts): the pairing
      // rules of a whole history are the run's, loaded with it.
      'history/validate-history.ts',
      'history/check-function-turns.ts',
      'history/check-function-exchanges.ts',
    ]);
    expect(loaded.filter((path) => unwanted.some((name) => path.includes(name)))).toEqual([]);
    // The closure is real: the client's and the agent's factories are in it.
    expect(loaded.some((path) => path.endsWith('http/create-gemini.ts'))).toBe(true);
    expect(loaded.some((path) => path.endsWith('agent/create-agent.ts'))).toBe(true);
  });

  // A browser bundle of an agent app holds what the root reaches, first-use imports included: a
  // feature with its own subpath reaches the loop only through the option that carries it
  // (`api: interactionsApi()`), so an agent that does not use it does not ship it.
  it('reaches the Interactions backend and the handoff only through what the options carry, not from createAgent', async () => {
    const reached = await modulesLoadedByImport('index.ts', true);
    expect(reached.some((path) => path.endsWith('agent/loop/run-loop.ts'))).toBe(true);
    const interactions = reached.filter((path) =>
      /interactions\/(create-interactions|create-interactions-entry|interactions-api)\.ts$/.test(
        path,
      ),
    );
    expect(interactions).toEqual([]);
    // A handoff is a step outcome a plugin returns: its take-over comes only with the seam's
    // engine (`PluginEngine.takeOver`), which the plugins carry (a default plugin's included).
    const beside = await modulesLoadedByImport('index.ts', true, [
      'agent/plugins/plugin-engine.ts',
    ]);
    expect(beside.filter((path) => path.endsWith('agent/loop/take-over.ts'))).toEqual([]);
    expect(reached.some((path) => path.endsWith('agent/loop/take-over.ts'))).toBe(true);
  });

  // `guardrails: guardrails({...})` (@gemloop/core/guardrails) carries the checks: the loop
  // calls them through the value, so an agent without guardrails ships none of them.
  it('reaches the guardrail checks only through the value guardrails() makes, not from createAgent', async () => {
    const reached = await modulesLoadedByImport('index.ts', true);
    expect(reached.some((path) => path.endsWith('agent/loop/run-loop.ts'))).toBe(true);
    // No module of the guardrails' folder (the checks, the guarded first step, the held text of
    // `holdBack`, the factory) but joinGuardrails, which a chat session uses to join its
    // guardrails with a send's (a list join, no check): the loop reaches them through the value.
    expect(reached.filter((path) => /(^|\/)guardrails\//.test(path))).toEqual([
      'packages/core/src/guardrails/join-guardrails.ts',
    ]);
  });

  // `compaction: compaction({...})` (@gemloop/core/compaction) is sugar for a plugin: its checks
  // and defaults, the decision before a step (the plugin's beforeModelCall), the strategies
  // (clear, prune, summarize, fit the window) and the estimate come with the value, so an agent
  // that does not compact ships none of them (issue 27, issue 53).
  it('reaches the compaction only through the value compaction() makes, not from createAgent', async () => {
    const reached = await modulesLoadedByImport('index.ts', true);
    expect(reached.some((path) => path.endsWith('agent/loop/run-loop.ts'))).toBe(true);
    const unwanted = existing([
      'compaction/compaction-options.ts',
      'compaction/compact-history.ts',
      'compaction/clear-tool-results.ts',
      'compaction/prune-thoughts.ts',
      'compaction/summary-content.ts',
      'compaction/estimate-sent-tokens.ts',
      'compaction/compact-before-step.ts',
      'compaction/fit-request-to-window.ts',
      'compaction/compaction-plugin.ts',
      'compaction/compaction.ts',
    ]);
    expect(reached.filter((path) => unwanted.some((name) => path.endsWith(name)))).toEqual([]);
  });

  // `toolOutput: toolOutput({...})` is sugar for a plugin (afterToolCall): the plugin, its
  // artifact writes, the option's checks and the seam's engine come with the value. Only the
  // default cap (the cut and its marker) is the loop's own.
  it('reaches the tool output budget only through the value toolOutput() makes, not from createAgent', async () => {
    // A stream's own steering loads the steering plugin (and with it the seam's engine) on its
    // first `steer()` only (steering/own-steering.ts), the `cache` option's plugin and a `budget`'s
    // on the first run that has them (agent/create-agent.ts): those `import()`s are not followed
    // here, and the tests below hold them out of the static graph.
    const reached = await modulesLoadedByImport('index.ts', true, [
      'steering/steering-plugin.ts',
      'prompt-cache/agent-prompt-cache.ts',
      'budget/tree-budget-plugin.ts',
    ]);
    expect(reached.some((path) => path.endsWith('agent/tool-calls/settle-tool-call.ts'))).toBe(
      true,
    );
    const unwanted = existing([
      'compaction/tool-output.ts',
      'compaction/tool-output-options.ts',
      'compaction/artifact-store.ts',
      'compaction/read-tool-output-tool.ts',
      'agent/plugins/plugin-engine.ts',
    ]);
    expect(reached.filter((path) => unwanted.some((name) => path.endsWith(name)))).toEqual([]);
  });

  // The `cache` option and the `budget` run option are sugar for plugins (prompt-cache/, budget/):
  // createAgent loads each with an `import()` on the first run that has the option.
  it('reaches the prompt cache and the tree budget only by import(), never at import', async () => {
    const statically = await modulesLoadedByImport('index.ts');
    const features = existing([
      'prompt-cache/agent-prompt-cache.ts',
      'prompt-cache/prompt-cache.ts',
      'budget/tree-budget-plugin.ts',
    ]);
    expect(statically.filter((path) => features.some((name) => path.endsWith(name)))).toEqual([]);
    const onFirstUse = await modulesLoadedByImport('index.ts', true);
    for (const feature of features)
      expect(onFirstUse.some((path) => path.endsWith(feature))).toBe(true);
  });

  // Each ES module costs a Node process about 25 KB of RSS and its share of the cold import
  // (bench/RESULTS.md, "Modules the long stream loads"): the root's static graph is a ceiling
  // that only goes down. A module that only some option, error or call needs is imported where
  // it is used, with import(); one every `import '@gemloop/core'` needs raises this with a reason.
  // 135 (was 132): `createAgent` checks its model name as it is made and quotes a refused one
  // cut and escaped (shared/text/quote-text.ts with cut-text.ts and text/unprintable.ts,
  // leftovers76): a 100,000-character name went whole into the message, a CR LF in it as it was.
  it('reaches at most 135 modules, all its own', async () => {
    const loaded = await modulesLoadedByImport('index.ts');
    const own = loaded.filter((path) => path.startsWith('packages/core/src/'));
    expect(own.length).toBeLessThanOrEqual(135);
    expect(loaded.length - own.length).toBe(0);
  });

  // Not every module is a candidate: the transport's choice notes `globalThis.fetch` as it was when
  // gemloop loaded, so a fetch that msw or a spy puts in later is told from Node's own and 'auto'
  // keeps to it. Loaded with the request path instead, it took msw's fetch for Node's own and sent
  // the calls past msw to the network (found by open-generate-content-stream.test.ts).
  it("loads the transport's choice at import, so that it sees globalThis.fetch before any patch", async () => {
    const loaded = await modulesLoadedByImport('index.ts');
    expect(loaded.some((path) => path.endsWith('platform/node/select-node-transport.ts'))).toBe(
      true,
    );
  });

  it('loads the steering plugin only when a stream is steered, never at import', async () => {
    const loaded = await modulesLoadedByImport('index.ts');
    const unwanted = ['steering/steering-plugin.ts', 'agent/plugins/plugin-engine.ts'];
    expect(loaded.filter((path) => unwanted.some((name) => path.endsWith(name)))).toEqual([]);
    const withLazy = await modulesLoadedByImport('index.ts', true);
    expect(withLazy.some((path) => path.endsWith('steering/steering-plugin.ts'))).toBe(true);
  });
});
