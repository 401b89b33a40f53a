import type { AgentStep } from '../../run/agent-result.ts';
import type { Content } from '../../wire/content.ts';
import type { AgentConfig } from '../config/agent-config.ts';
import { AgentRunError } from '../errors/agent-run-error.ts';
import { InvalidHistoryError } from '../errors/invalid-history-error.ts';
import type { AgentPlugin } from '../plugins/agent-plugin.ts';
import { pluginEngineOf } from '../plugins/plugin-engine-of.ts';
import type { PluginRunFacts, ResolvedPlugins } from '../plugins/run-plugins.ts';
import type { RunContext } from '../run-state/run-context.ts';
import type { HandoffSignal } from '../tool-calls/handoff-signal.ts';
import type { AgentRuntime } from './agent-runtime.ts';
import { agentGuardrails, agentScope } from './agent-scope.ts';
import { modelCallOptions } from './call-model.ts';

/**
 * A `transfer_to_*` call was answered and its step has ended: the receiving agent takes the same
 * run over (same tracker, so steps are numbered on and usage summed; same observation and event
 * stream) with its own config (instructions, tools, model, limits), runtime, output and tool
 * guardrails and compaction (joined with the run's own, see {@link agentScope}), after the
 * history is rewritten for it (see {@link rewriteHistory}). Emits `handoff`.
 *
 * @param from Where the agent handing over took the run (the run's first new content for the
 *   agent that started it): the default filter drops that agent's tool exchanges after it.
 * @returns the context of the receiving agent.
 * @throws {@link AgentRunError} when the rewritten history is not one the API takes.
 * @internal
 */
export function handOff<Output>(
  context: RunContext<Output>,
  signal: HandoffSignal,
  step: AgentStep,
  from: number,
  facts: PluginRunFacts,
): RunContext<Output> {
  return swapScopePlugin(received(context, signal, step, from), context.compaction, facts);
}

/** The receiving agent's context (see {@link handOff}), with the run's plugins as they were. */
function received<Output>(
  context: RunContext<Output>,
  signal: HandoffSignal,
  step: AgentStep,
  from: number,
): RunContext<Output> {
  const { run, link, emit } = context;
  const target = signal.target;
  const config = target.config as AgentConfig<Output>;
  const runtime = target.runtime() as AgentRuntime;
  const contentsBefore = run.contents.length;
  const rewritten = (signal.filter ?? dropToolExchanges)(run.contents, from);
  rewriteHistory(context, rewritten, runtime);
  emit?.({
    type: 'handoff',
    stepNumber: step.stepNumber,
    from: context.config.name ?? 'agent',
    to: target.name,
    filter: signal.filter === undefined ? 'default' : 'custom',
    contentsBefore,
    contentsAfter: run.contents.length,
  });
  run.handoffs.push(target.name);
  // The receiving agent's guardrails and compaction from here on, joined with the run's own.
  const { childGuardrails, ...scope } = agentScope(
    config,
    context.settings,
    context,
    agentGuardrails(config, context.settings),
  );
  const { toolGuardrails: _sender, ...sharedLink } = link;
  return {
    ...context,
    config,
    // An estimate for compaction: what the receiving agent's plugins send before the history.
    leadingContents: runtime.leadingContents,
    ...scope,
    link: {
      ...sharedLink,
      beforeToolCall: config.beforeToolCall ?? link.inheritedBeforeToolCall,
      ...(childGuardrails === undefined ? {} : { toolGuardrails: childGuardrails }),
    },
    callOptions: modelCallOptions(config.callOptions, context.signal),
  };
}

/**
 * The receiving agent's scope holds another compaction plugin (`after`: its own, or the run's own
 * made for its model) in place of `before`'s: the run's plugins swap them (first, see
 * `scopeFirst`), or start with it when the run had none. `context` as it is when nothing changed.
 */
function swapScopePlugin<Output>(
  context: RunContext<Output>,
  before: AgentPlugin | undefined,
  facts: PluginRunFacts,
): RunContext<Output> {
  const after = context.compaction;
  if (after === before) return context;
  if (context.plugins !== undefined) {
    context.plugins.swapFirst(before, after);
    return context;
  }
  if (after === undefined) return context;
  const engine = pluginEngineOf([after], 'compaction');
  const resolved = engine?.resolve([after]) as ResolvedPlugins;
  return { ...context, plugins: engine?.start(resolved, facts) };
}

/**
 * The one place a run's history is rewritten: checks what changed (the contents before the run's
 * own may not, so a chat store's saved history stays the prefix it saved; the result must be a
 * history the API takes, with the receiving agent's checks) and then replaces the run's contents
 * in place.
 */
function rewriteHistory<Output>(
  { run }: RunContext<Output>,
  rewritten: unknown,
  runtime: AgentRuntime,
): void {
  const fail = (message: string, cause?: unknown): never => {
    throw new AgentRunError({ message, run: run.state(), cause });
  };
  if (!Array.isArray(rewritten)) {
    fail('A handoff filter must return an array of contents (the history the next agent sees).');
  }
  const contents = rewritten as Content[];
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
      new InvalidHistoryError({ issues }),
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

/**
 * The default filter: drops the tool exchanges of the agent handing over (a model turn of only
 * function calls and thoughts, and the user turn of only their responses right after it) between
 * `from` and the transfer turn, which stays whole (the receiving agent sees that and why it took
 * over). Whole exchanges go or stay, so every kept call keeps its response and its thought
 * signature; a turn that mixes calls with answer text is kept as it is.
 */
export function dropToolExchanges(contents: readonly Content[], from: number): Content[] {
  // The transfer turn and its responses are the last two contents (or three, with media).
  const lastModel = findLastModel(contents);
  const kept: Content[] = contents.slice(0, from);
  for (let index = from; index < contents.length; index++) {
    const content = contents[index] as Content;
    const next = contents[index + 1];
    if (
      index < lastModel &&
      content.role === 'model' &&
      isOnlyCalls(content) &&
      next !== undefined &&
      next.role === 'user' &&
      isOnlyResponses(next)
    ) {
      index++;
      continue;
    }
    kept.push(content);
  }
  return kept;
}

function findLastModel(contents: readonly Content[]): number {
  for (let index = contents.length - 1; index >= 0; index--) {
    if (contents[index]?.role === 'model') return index;
  }
  return -1;
}

function isOnlyCalls(content: Content): boolean {
  let calls = 0;
  for (const part of content.parts) {
    if (part.functionCall !== undefined) calls++;
    else if (part.thought !== true && typeof part.text === 'string' && part.text.trim() !== '')
      return false;
    else if (part.thought !== true && part.text === undefined) return false;
  }
  return calls > 0;
}

function isOnlyResponses(content: Content): boolean {
  return (
    content.parts.length > 0 && content.parts.every((part) => part.functionResponse !== undefined)
  );
}
