import { startChildRun } from '../agent/agent-turns.ts';
import type { Agent } from '../agent/create-agent.ts';
import { AgentRunError } from '../agent/errors/agent-run-error.ts';
import { SubagentError } from '../agent/errors/subagent-error.ts';
import { TreeBudgetError } from '../agent/errors/tree-budget-error.ts';
import {
  type ChildRunParent,
  childRunParent,
  markChildRunTool,
  runLinkOf,
} from '../agent/run-state/run-link.ts';
import { DelegatedFailure, DelegatedResult } from '../agent/tool-calls/delegated-result.ts';
import { safeErrorText } from '../agent/tool-calls/safe-tool-error-message.ts';
import { giveToolTimer, takeToolTimer } from '../agent/tool-calls/tool-timers.ts';
import { emptyUsage } from '../agent/usage.ts';
import { TimeoutError } from '../errors/timeout-error.ts';
import { copyOptions, withDefaults } from '../options/define-options.ts';
import type { AgentInput } from '../run/agent-input.ts';
import type { AgentResult, AgentRunState, AgentUsageByAgent } from '../run/agent-result.ts';
import { MAX_TIMER_MS } from '../shared/max-timer-ms.ts';
import { onAbort } from '../shared/on-abort.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { DefinedTool } from '../tools/define/define-tool-options.ts';
import type { ToolExecuteContext } from '../tools/tool.ts';
import type { Content } from '../wire/content.ts';
import { childResponse } from './child-response.ts';
import { historyBeforeCalls } from './history-before-calls.ts';
import { SUBAGENT_DEFAULTS, type SubagentOptions, subagentOptions } from './subagent-options.ts';

// The default arguments: one instruction in words (a JSON Schema, so no zod import here).
const TASK_PARAMETERS = {
  type: 'object',
  properties: {
    task: {
      type: 'string',
      description: 'What the subagent should do, with everything it needs to know to do it.',
    },
  },
  required: ['task'],
  additionalProperties: false,
} as const;

/**
 * Makes `agent` a tool of another agent: when the parent model calls it, `agent` runs as a child
 * of the parent's run and its answer (or structured output) is the call's result; a child that
 * ended without a final answer (its `maxSteps`, a stop condition, `MAX_TOKENS`, a block, ...) is
 * answered with `finished: false`, the `reason` and a `message`, beside its partial text.
 *
 * The child has its own history (its thought signatures and tool turns never reach the parent's
 * contents) and, with `history`, starts from a slice of the parent's (handed over without the
 * calls still waiting on the children). Inside a run it is part of
 * the run's tree: its events come through the parent's `agent.stream()` with `path:
 * ['<name>#<n>']` (text deltas included, its model calls streamed when the parent's are), its
 * usage rolls up into the call (`toolCall.usage`), the run's `usage` and `usageByAgent`, the
 * parent's signal aborts it, its `invoke_agent` span nests under the call's `execute_tool` span,
 * and a call it makes that needs approval goes to the `beforeToolCall` of the nearest agent above
 * when it has none of its own, with its `path`.
 *
 * @example
 * ```ts
 * const researcher = createAgent({ gemini, model, instructions: 'Research one question.' });
 * const writer = createAgent({
 *   gemini,
 *   model,
 *   tools: [subagent(researcher, { name: 'research', description: 'Researches one question.' })],
 * });
 * ```
 *
 * @throws {@link InvalidArgumentError} for a bad option (name, schema, ...).
 */
export function subagent<Output = undefined, Args = { task: string }>(
  agent: Agent<Output>,
  given: SubagentOptions<Output, Args>,
): DefinedTool<Args, unknown> {
  // Each option read once (attack20): a getter gave the check a `prompt` function and the tool
  // a string, a TypeError at the first call.
  const options = copyOptions(given);
  subagentOptions.check(options);
  const { name, description, input, prompt, output, history } = options;
  const { onError, timeoutMs, maxDepth } = withDefaults(SUBAGENT_DEFAULTS, options);
  const toInput =
    prompt ??
    (input === undefined
      ? (args: Args) => (args as { task: string }).task
      : (args: Args): AgentInput => JSON.stringify(args));
  // Under `onError: 'throw'` the call's time limit is kept here instead of by the tool loop: the
  // loop answers a timed-out call to the model (outcome 'timeout'), and 'throw' ends the run on
  // any failure of the child, a timeout included. Past the longest timer there is no limit.
  const limitMs = onError === 'throw' && timeoutMs <= MAX_TIMER_MS ? timeoutMs : undefined;
  const tool = defineTool({
    name,
    description,
    parameters: input ?? TASK_PARAMETERS,
    timeoutMs: limitMs === undefined ? timeoutMs : Number.POSITIVE_INFINITY,
    execute: (args: unknown, context: ToolExecuteContext) => runChild(args as Args, context),
  }) as unknown as DefinedTool<Args, unknown>;
  markChildRunTool(tool, agent);
  return tool;

  async function runChild(args: Args, context: ToolExecuteContext): Promise<unknown> {
    const link = runLinkOf(context);
    const callIndex = context.callIndex ?? 0;
    // Called outside an agent run (a test, a wrapper): a plain top-level run of the child.
    const parent: ChildRunParent =
      link === undefined
        ? detachedParent(name)
        : // The call that starts it: the recorder and the viewer nest the child under it.
          childRunParent(link, name, {
            stepNumber: context.step,
            toolCallId: context.toolCallId,
            callIndex: context.callIndex,
          });
    // A cycle of agents (an agent its own subagent, through a handoff's receivers too) starts a
    // child of a child without end: past maxDepth the tree ends, every level up, whatever
    // onError says (a level told of it would call again, and its parent again: 10^depth calls).
    if (parent.path.length > maxDepth) throw tooDeep(name, parent.path, maxDepth);
    const segment = parent.path[parent.path.length - 1] as string;
    // What the child spends, counted as it goes: read by the loop when the call ends without a
    // result (aborted, timed out, ended the run), here when the child failed (settleChildSpend).
    const spend = parent.spend;
    if (link !== undefined && spend !== undefined) link.callSpend.set(callIndex, spend);
    const start = (
      signal: AbortSignal,
      slice: Content[] | undefined,
    ): Promise<AgentResult<Output>> =>
      startChildRun(
        agent,
        toInput(args),
        slice === undefined ? { signal } : { signal, history: slice },
        untilStopped(parent, signal),
        {
          toolName: name,
          step: context.step,
          callIndex,
          toolCallId: context.toolCallId,
          turnChildren: link?.turn.children ?? 1,
        },
      );
    // The child's result once it has one: an `output` that throws after it fails the call with it.
    let result: AgentResult<Output> | undefined;
    // The child's run, then `output` (awaited: an async one compiles, as the option returns
    // `unknown`, and was sent as a Promise's `{}`), within the call's time limit together: an
    // `output` that never settles is stopped as a slow child is, under `onError: 'throw'` too.
    const answer = async (signal: AbortSignal, slice: Content[] | undefined): Promise<Answered> => {
      const finished = await start(signal, slice);
      result = finished;
      const shaped = output === undefined ? undefined : { value: await output(finished) };
      return { finished, response: childResponse(shaped, finished) };
    };
    let answered: Answered;
    // Set when this call's own time limit (`onError: 'throw'`) stopped the child.
    let timedOut: TimeoutError | undefined;
    try {
      // The caller's `history` and `output` run inside the call, as `prompt` does: what they throw
      // fails the call as the child's own failure would (`onError`, the words, the usage counted
      // once), not as a bare tool throw that `onError: 'throw'` let by (attack64a).
      // The parent's contents end with the model turn whose calls started this child, unanswered
      // until the children return: handed over without them, so `history: (c) => c` is a history
      // the child can run on (history-before-calls.ts).
      const slice = history?.(historyBeforeCalls(context.contents));
      if (limitMs === undefined) answered = await answer(context.signal, slice);
      else {
        const outcome = await withTimeLimit(
          (signal) => answer(signal, slice),
          context.signal,
          limitMs,
          name,
        );
        if ('timeout' in outcome) {
          timedOut = outcome.timeout;
          throw timedOut;
        }
        answered = outcome.value;
      }
    } catch (thrown) {
      const childRun: AgentRunState | undefined = AgentRunError.isInstance(thrown)
        ? thrown.run
        : undefined;
      // What the child spent before it failed: its meter (an in-process child counts into it as
      // it goes; a durable runner adds what the child workflow recorded), else its error's run,
      // else (an `output` that threw) its result.
      const spent = spend?.counted === true ? spend : undefined;
      const usage =
        spent === undefined
          ? (childRun?.usage ?? result?.usage ?? emptyUsage())
          : { ...spent.usage };
      const cost = spent === undefined ? (childRun?.cost ?? result?.cost) : spent.cost.total;
      // The parent is aborting (or the call timed out): the loop records the call as such, with
      // what the meter holds then (settleChildSpend).
      if (context.signal.aborted) throw thrown;
      // A child further down failed under `onError: 'throw'`: it ends every run up to the top.
      if (SubagentError.isInstance(thrown) || TreeBudgetError.isInstance(thrown)) throw thrown;
      // The runner's starter ended the run (a durable runner pausing it for its child's approval):
      // the run ends with it, no result is answered and no model call follows.
      if (link?.services?.endsRun?.(thrown) === true) throw thrown;
      const message =
        timedOut !== undefined && thrown === timedOut
          ? `The subagent ${name} (${parent.path.join(' > ')}) did not finish within ${timedOut.timeoutMs} ms (timeoutMs) and was stopped (onError: 'throw' ends the run).`
          : // What a child throws comes from code the parent does not own (a plugin, a driver
            // under its tool): its URLs, addresses and credentials go no further than the cause,
            // and a megabyte of it is cut, as a tool's thrown message is (attack30).
            `The subagent ${name} (${parent.path.join(' > ')}) failed: ${safeErrorText(thrown)}`;
      if (onError === 'throw') {
        throw new SubagentError({
          message,
          toolName: name,
          path: parent.path,
          childRun,
          usage,
          cost,
          cause: thrown,
        });
      }
      // Answered with a result: the call's usage is this one, and the split is pushed here.
      link?.callSpend.delete(callIndex);
      if (link !== undefined) {
        if (spent !== undefined) for (const entry of spent.byAgent()) link.childUsage.push(entry);
        else link.childUsage.push({ path: [segment], usage });
      }
      // A failed call, as a throwing tool's: the loop answers the model with these words. Without
      // the call's place (`search#2`), which the call's events and span carry: the same failure
      // reads the same each time, as a tool's does, so a loop guard sees it repeat.
      const told =
        timedOut !== undefined && thrown === timedOut
          ? `The subagent ${name} did not finish within ${timedOut.timeoutMs} ms and was stopped.`
          : `The subagent ${name} failed: ${safeErrorText(thrown)}`;
      throw new DelegatedFailure(told, thrown, usage, cost, spent?.cost.priced);
    }
    const { finished, response } = answered;
    if (link !== undefined) {
      const byAgent = finished.usageByAgent;
      if (byAgent === undefined) {
        link.childUsage.push({ path: [segment], usage: finished.usage });
      } else {
        for (const entry of byAgent) {
          link.childUsage.push({
            // The child's own entry (path []) is most often the only one: no spread for it.
            path: entry.path.length === 0 ? [segment] : [segment, ...entry.path],
            usage: entry.usage,
          } satisfies AgentUsageByAgent);
        }
      }
    }
    // An in-process child counted every call of its result into the meter as it went, so the
    // parent adds the meter itself, summed when a total it is in is read: the child's model steps
    // are priced then, as a top run's are, and the call's `cost` is written out when read (a
    // durable runner counts the meter only when a child fails; a meter that does not hold the
    // result's usage is not used, and the result's own cost is).
    const meter =
      spend?.counted === true && spend.usage.totalTokenCount === finished.usage.totalTokenCount
        ? spend.cost
        : undefined;
    return new DelegatedResult(
      response,
      undefined,
      finished.usage,
      meter === undefined ? finished.cost : undefined,
      meter,
    );
  }
}

/** A subagent call's child result and the response the parent model gets of it. */
type Answered = { finished: AgentResult<unknown>; response: Record<string, unknown> };

/**
 * Runs a child with `timeoutMs`: its signal follows `parentSignal` and aborts at the limit, when
 * the returned promise resolves at once with the `TimeoutError`, the child stopped but not waited
 * for, as the tool loop's own limit does. The timer is a pooled one, as every tool call's
 * (tool-timers.ts).
 */
function withTimeLimit<T>(
  start: (signal: AbortSignal) => Promise<T>,
  parentSignal: AbortSignal,
  timeoutMs: number,
  name: string,
): Promise<{ value: T } | { timeout: TimeoutError }> {
  if (parentSignal.aborted) return start(parentSignal).then((value) => ({ value }));
  const controller = new AbortController();
  return new Promise((resolve, reject) => {
    let settled = false;
    const stopFollowing = onAbort(parentSignal, () => controller.abort(parentSignal.reason));
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      giveToolTimer(timer);
      stopFollowing();
      return true;
    };
    const timer = takeToolTimer(timeoutMs, {
      expire: () => {
        if (!settle()) return;
        const error = new TimeoutError({ timeoutMs, operation: `tool:${name}` });
        controller.abort(error);
        resolve({ timeout: error });
      },
    });
    start(controller.signal).then(
      (value) => {
        if (settle()) resolve({ value });
      },
      (error: unknown) => {
        if (settle()) reject(error);
      },
    );
  });
}

/**
 * `parent` whose stream takes the child's events (its children's too: they inherit the sink)
 * only until `signal` stops the child. A child stopped by its call's time limit is not waited
 * for: the parent reports the call (`tool-error`, outcome `timeout`) and goes on, while the child
 * ends what it was doing (a tool that returns on the abort, then its step): its `step-end` came
 * after the parent's report of the call, a child event for a call already closed (leftovers39).
 * What a stopped child emits is late, and dropped: the limit aborts the child before the
 * parent reports the call, so a call's child events end before its report. The child's own
 * observers (its spans, a recorder) still see its events.
 */
function untilStopped(parent: ChildRunParent, signal: AbortSignal): ChildRunParent {
  const sink = parent.sink;
  if (sink === undefined) return parent;
  return { ...parent, sink: (event) => (signal.aborted ? undefined : sink(event)) };
}

/** The error of a child that would start past `maxDepth`, its path shown by its ends. */
function tooDeep(name: string, path: readonly string[], maxDepth: number): SubagentError {
  const shown =
    path.length <= 6
      ? path.join(' > ')
      : `${path.slice(0, 3).join(' > ')} > ... > ${path.slice(-3).join(' > ')}`;
  return new SubagentError({
    message: `The subagent ${name} would start ${path.length} levels deep (${shown}), past its maxDepth of ${maxDepth}: an agent that is its own subagent, directly or through a handoff, calls itself without end. Break the cycle of agents, or raise maxDepth in subagent() for a tree that deep.`,
    toolName: name,
    path: [...path],
    childRun: undefined,
    usage: emptyUsage(),
    cost: undefined,
    cause: undefined,
  });
}

/** The parent of a child run with no run above it (the tool called by hand). */
function detachedParent(name: string): ChildRunParent {
  return {
    path: [`${name}#1`],
    sink: undefined,
    streaming: false,
    beforeToolCall: undefined,
    budget: undefined,
  };
}
