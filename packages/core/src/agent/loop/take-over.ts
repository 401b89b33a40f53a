import { dropToolExchanges } from '../../history/drop-tool-exchanges.ts';
import type { prepareThoughtSignatures } from '../../history/thought-signatures/prepare-thought-signatures.ts';
import type { AgentStep } from '../../run/agent-result.ts';
import type { Content } from '../../wire/content.ts';
import type { AgentConfig } from '../config/agent-config.ts';
import type { AgentRunError } from '../errors/agent-run-error.ts';
import type { InvalidHistoryError } from '../errors/invalid-history-error.ts';
import { type ResolvedHandOff, resolveHandOff } from '../hand-off-target.ts';
import { PluginError } from '../plugins/plugin-error.ts';
import type { HandOffDecision } from '../plugins/run-plugins.ts';
import type { TurnsOf } from '../plugins/run-view/plugin-run-view.ts';
import type { RunContext } from '../run-state/run-context.ts';
import { safeErrorText } from '../tool-calls/safe-tool-error-message.ts';
import type { AgentRuntime } from './agent-runtime.ts';
import type { agentScope } from './agent-scope.ts';
import type { modelCallOptions } from './call-model.ts';
import { type RunArgumentRedactor, widenRedactor } from './run-argument-redactor.ts';

/**
 * What the take-over uses of the loop, handed in by it (`run-loop.ts`): this module comes with the
 * seam's engine, and importing these here would split them out of the loop's chunk into one
 * shared with the engine in every app's bundle. @internal
 */
export type LoopParts = {
  readonly agentScope: typeof agentScope;
  readonly modelCallOptions: typeof modelCallOptions;
  readonly AgentRunError: typeof AgentRunError;
  readonly InvalidHistoryError: typeof InvalidHistoryError;
  readonly prepareThoughtSignatures: typeof prepareThoughtSignatures;
};

/**
 * A plugin handed the run off (a `{ type: 'hand-off' }` step outcome) and its step has ended: the
 * receiving agent takes the same run over (same tracker, so steps are numbered on and usage
 * summed; same observation and event stream) with its own config (instructions, tools, model,
 * limits), runtime, compaction (the run's own option made for its model, see {@link agentScope};
 * its plugin takes the place of the agent's first among the run's plugins) and plugins (the
 * run's own and those handed down stay, `RunPlugins.handOver`), after the history
 * is rewritten by the outcome's filter (see {@link rewriteHistory}). Emits `handoff`. The loop
 * knows no handoff tool: `composition/`'s `handoff()` is one plugin that returns the outcome.
 *
 * @param from Where the agent handing over took the run (the run's first new content for the
 *   agent that started it): the filter drops that agent's tool exchanges after it.
 * @returns the context of the receiving agent.
 * @throws {@link AgentRunError} when the rewritten history is not one the API takes.
 * @internal
 */
export async function takeOver<Output>(
  context: RunContext<Output>,
  handOff: HandOffDecision,
  step: AgentStep,
  from: number,
  holding: {
    context?: RunContext<unknown>;
    readonly redactor?: RunArgumentRedactor | undefined;
  },
  loop: LoopParts,
): Promise<RunContext<Output>> {
  const { run, link, emit } = context;
  const { target, filter, contents } = resolved(handOff, context);
  const config = target.config as AgentConfig<Output>;
  const runtime = target.runtime() as AgentRuntime;
  const contentsBefore = run.contents.length;
  const rewritten = filtered(context, filter, from, target.name, loop);
  rewriteHistory(context, rewritten, runtime, contents, loop);
  // A `models/` spelling of the same model counts as another: that costs a dummy, never a 400.
  if (config.model !== context.config.model) signForReceiver(context, config, loop);
  // Its client's keys were held back from the first event: the doors and observers walk the
  // receivers the plugins declare (tree-keys.ts), and `resolved` refused any other.
  // What the run's observers see from here on may hold the receiving agent's secret arguments.
  if (holding.redactor !== undefined)
    widenRedactor(holding.redactor, config.tools.functions.values());
  emit?.({
    type: 'handoff',
    stepNumber: step.stepNumber,
    from: context.config.name ?? 'agent',
    to: target.name,
    filter: filter === undefined ? 'default' : 'custom',
    contentsBefore,
    contentsAfter: run.contents.length,
  });
  run.handoffs.push(target.name);
  // The receiving agent's compaction from here on (the run's own option made for its model).
  const scope = loop.agentScope(config, context.settings);
  const taken: RunContext<Output> = {
    ...context,
    config,
    // An estimate for compaction: what the receiving agent's plugins send before the history.
    leadingContents: runtime.leadingContents,
    ...scope,
    link: { ...link, beforeToolCall: config.beforeToolCall ?? link.inheritedBeforeToolCall },
    callOptions: loop.modelCallOptions(config.callOptions, context.signal),
  };
  holding.context = taken as RunContext<unknown>;
  const plugins = context.plugins;
  if (plugins === undefined) return taken;
  // The agent's plugins change once the receiving agent holds the run (a plugin that leaves
  // sees it in `endRun`: the prompt cache of the agent handing over reports nothing then), and
  // the receiving agent's scope brings its compaction's plugin, first (see `joinRunPlugins`).
  await plugins.handOver(runtime.plugins?.plugins ?? [], {
    before: context.compaction,
    after: taken.compaction,
  });
  // A plugin that arrived wrapping events (a receiving agent's held text) has them from now on.
  const events = plugins.events;
  return events === undefined || events.emit === taken.emit
    ? { ...taken, link: { ...taken.link, plugins: plugins.inherited } }
    : {
        ...taken,
        emit: events.emit,
        link: { ...taken.link, plugins: plugins.inherited, sink: events.sink },
      };
}

/**
 * The hand-off with its agent resolved.
 * @throws {@link PluginError} when `to` is not an agent `createAgent` made (the turn's calls are
 *   answered by then: the history stays consistent).
 */
function resolved<Output>(handOff: HandOffDecision, context: RunContext<Output>): ResolvedHandOff {
  const facts = context.plugins?.facts;
  const made = resolveHandOff(
    handOff,
    facts?.turnsOf as TurnsOf,
    facts?.services?.handOffAgents,
    context.run.handoffs.length,
    context.config.maxHandOffs,
  );
  if (typeof made !== 'string') return made;
  throw new PluginError({
    plugin: handOff.plugin,
    hook: handOff.hook,
    message: made,
    run: context.run.state(),
  });
}

/**
 * The history as the receiving agent's model takes it when it is another model: thought
 * signatures are bound to the model that issued them, so the run's own model contents (written by
 * the agent handing over) lose theirs, and a model that requires them gets the documented dummy
 * where the active loop now has none (the transfer call a Gemini 2.5 agent made is unsigned, and
 * Gemini 3 refuses it with 400 "Function call is missing a thought_signature"; the FAQ's
 * "transfer history from a different model", as `modelFallback` does per call). Dropping a
 * signature the receiver could have read costs only the dummy. Keeping a foreign one gains
 * nothing: Google's Vertex page ("Thought signatures", docs.cloud.google.com/vertex-ai/generative-ai
 * /docs/thought-signatures, constraints) says a request holding an incompatible model's
 * signatures still succeeds and the service omits those thoughts, and routes switched mid-chat
 * have answered 400 "Thought signature is not valid" (vercel/ai#14196, langchain-google#1570).
 * The contents the run was given were prepared for the run's first model and stay as they are
 * (copies only where a dummy goes: the chat store's saved prefix is not rewritten).
 */
function signForReceiver<Output>(
  { run }: RunContext<Output>,
  config: AgentConfig<Output>,
  loop: LoopParts,
): void {
  const producers = run.contents.map((_content, index) =>
    index < run.inputLength ? undefined : 'another model',
  );
  const prepared = loop.prepareThoughtSignatures(run.contents, {
    producers,
    requiresThoughtSignatures: config.capabilities.requiresThoughtSignatures,
  });
  if (prepared.contents !== run.contents)
    run.contents.splice(0, run.contents.length, ...prepared.contents);
}

/**
 * The history the outcome's filter gives (the default drops the tool exchanges of the agent
 * handing over). A filter that throws is the caller's code failing mid-run: the run ends with an
 * `AgentRunError` holding the run so far (its transfer answered: a history to continue from),
 * as the filter's other failures do, its thrown message redacted and cut as a tool's is, the
 * error its `cause` (attack64a: the bare error, with no run and its addresses, ended the run).
 */
function filtered<Output>(
  { run }: RunContext<Output>,
  filter: ResolvedHandOff['filter'],
  from: number,
  to: string,
  loop: LoopParts,
): unknown {
  if (filter === undefined) return dropToolExchanges(run.contents, from);
  try {
    return filter(run.contents, from);
  } catch (thrown) {
    throw new loop.AgentRunError({
      message: `The handoff filter of the transfer to ${to} threw: ${safeErrorText(thrown)}. The run so far is error.run; fix the filter, or leave it out for the default.`,
      run: run.state(),
      cause: thrown,
    });
  }
}

/**
 * The one place a run's history is rewritten: checks what changed (the contents before the run's
 * own may not, so a chat store's saved history stays the prefix it saved; the result must be a
 * history the API takes, with the receiving agent's checks) and then replaces the run's contents
 * in place, `appended` after them.
 */
function rewriteHistory<Output>(
  { run }: RunContext<Output>,
  rewritten: unknown,
  runtime: AgentRuntime,
  appended: readonly Content[] | undefined,
  loop: LoopParts,
): void {
  const fail = (message: string, cause?: unknown): never => {
    throw new loop.AgentRunError({ message, run: run.state(), cause });
  };
  if (!Array.isArray(rewritten)) {
    fail('A handoff filter must return an array of contents (the history the next agent sees).');
  }
  const contents =
    appended === undefined ? (rewritten as Content[]) : [...(rewritten as Content[]), ...appended];
  for (let index = 0; index < run.inputLength; index++) {
    if (contents[index] !== run.contents[index]) {
      fail(
        `A handoff filter changed content ${index}, which the run was given as history. Filter only the contents after index ${run.inputLength - 1} (the run's own), keeping the objects before it as they are.`,
      );
    }
  }
  const issues = runtime.historyChecks.validate(contents, {});
  if (issues.length > 0) {
    fail(
      `A handoff filter returned a history the Gemini API would reject: ${issues[0]?.message}`,
      new loop.InvalidHistoryError({ issues }),
    );
  }
  if (contents.length === 0) fail('A handoff filter returned no contents.');
  run.contents.splice(0, run.contents.length, ...contents);
  // A compaction before the handoff stands for the contents as they were: kept, the next request
  // would send it (the dropped tool exchanges, a custom filter's removals) and lose the transfer
  // turn, which lies before the index it was made through. The receiving agent's first step
  // compacts the filtered history again if it is still over the threshold.
  run.restoreCompaction({ ...run.compactionMark(), compacted: undefined, through: 0 });
}
