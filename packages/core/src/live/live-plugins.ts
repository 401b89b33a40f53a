import type { AgentOptions } from '../agent/config/agent-options.ts';
import { pluginEngineOf } from '../agent/plugins/plugin-engine-of.ts';
import type { RunPlugins } from '../agent/plugins/run-plugins.ts';
import { callAtDepth } from '../agent/run-state/run-link.ts';
import { emptyUsage } from '../agent/usage.ts';
import { zeroCost } from '../models/cost.ts';
import type { LiveEvent } from './live-event.ts';

/**
 * The agent's plugins, started for a live session as for a run (`startRun` once; the session calls
 * `endRun` when it ends): their tool-call hooks apply to every live call. A live session has no
 * model step of the loop, so `contents` and `steps` are empty and `usage` zero, and the
 * model-call and answer hooks never run (docs/live-agents.md says why). `undefined` without
 * plugins: nothing of the seam is loaded. @internal
 */
export async function startLivePlugins({
  agent,
  model,
  signal,
  emit,
  redact,
  depth,
}: {
  agent: AgentOptions<unknown>;
  /** The Live model (the session's), else the agent's. */
  model: string | undefined;
  /** Aborted when the session ends: the plugins' `run.signal`. */
  signal: AbortSignal;
  /** Where a plugin's `run.emit` goes: a `plugin` event of the session. */
  emit: (event: LiveEvent) => void;
  redact: <T>(value: T) => T;
  /** The session's run depth: hooks are called at it, so an agent.run() one makes nests deeper. */
  depth: number;
}): Promise<RunPlugins | undefined> {
  const list = agent.plugins as readonly unknown[] | undefined;
  const resolved = pluginEngineOf(list, 'plugins')?.resolve(list);
  if (resolved === undefined) return undefined;
  const usage = emptyUsage();
  const plugins = resolved.engine.start(resolved, {
    // No model step runs here (no `wrapModelCall`), so no step's calls to bound.
    holder: () => ({
      name: agent.name,
      model: model ?? agent.model,
      maxModelCallsPerStep: Number.POSITIVE_INFINITY,
    }),
    path: [],
    // At the session's depth, as a run's hooks are at the run's (MAX_RUN_DEPTH).
    call: (body, argument) => callAtDepth(depth, body, argument),
    streaming: true,
    conversationId: undefined,
    signal,
    tracker: {
      contents: [],
      steps: [],
      usage,
      state: () => ({ contents: [], newContents: [], steps: [], usage, cost: zeroCost() }),
      // A live session is not steered: its messages are the session's own turns.
      steering: undefined,
      // Nor cached: the `cache` option's plugin serves runs of the agent loop.
      cacheReport: undefined,
      // No run input meets `checkInput`: the session's text is its own turns (live guardrails).
      inputChecked: true,
      newInput: () => [],
      replaceInput: () => {},
      restoreCompaction: () => {},
      append: () => {},
    },
    emit: (event) => {
      if (event.type !== 'plugin') return;
      const { plugin, kind, data } = event;
      emit(
        data === undefined
          ? { type: 'plugin', plugin, kind }
          : { type: 'plugin', plugin, kind, data },
      );
    },
    redact,
    record: undefined,
    now: Date.now,
    // No loop runs a live session: the built-in plugins that read a run's context (compaction's)
    // serve runs of the agent loop, and are not among an agent's `plugins`.
    context: () => {
      throw new Error('a live session has no run context: its turns are what it streams');
    },
    // A live session's turns are the audio/text it streams, not a history the loop sends: there
    // is nothing to add contents to. The hook that calls it fails with a PluginError naming it.
    addInput: () =>
      Promise.reject(
        new Error(
          'run.addInput() is not available in a live session: its input is what the session streams (send text with session.sendText()).',
        ),
      ),
    isRunEnding: () => false,
    // A Live session takes no hand-off (its afterToolCall refuses one): nothing to resolve.
    turnsOf: () => undefined,
    // No tree: a live session starts no subagent run and takes no `budget`.
    treeBudget: undefined,
  });
  if (plugins.hooks.startRun !== undefined) await plugins.startRun();
  return plugins;
}
