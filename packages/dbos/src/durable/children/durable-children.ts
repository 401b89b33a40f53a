import { DBOS, Error as DBOSErrors } from '@dbos-inc/dbos-sdk';
import type { AgentEvent, AgentInput, AgentOptions, AgentResult } from '@gemloop/core';
import type { BeforeToolCallHook, RunOptions } from '@gemloop/core/agent';
import {
  addChildSpent,
  agentKeysReader,
  agentTurnsOf,
  type ChildBudget,
  type ChildBudgetStop,
  type ChildInheritance,
  type ChildRunParent,
  type ChildRunStart,
  type ChildRunStarter,
  type ChildSpendRecord,
  type ChildSpent,
  childAgentOf,
  childBudgetShare,
  childBudgetStop,
  childBudgetStopError,
  childInheritance,
  childRunMeter,
  countChildSpend,
  type PluginHookRecorder,
  type RunServices,
} from '@gemloop/core/internal';
import type { AnyTool } from '@gemloop/core/tools';
import { CHILD_SPEND_PROPERTY } from '../../errors/typed-stored-error.ts';
import { RunPausedSignal, type RunPauser } from '../approvals/approvals.ts';
import {
  type ChildHold,
  createRunEventBuffer,
  pushRunEvent,
  type RunEventBuffer,
  releaseChildHold,
} from '../events/run-events.ts';
import { createPluginHookRecorder } from '../plugins/durable-plugin-hooks.ts';
import { CHILD_WORKFLOW } from '../runs/durable-run-types.ts';
import { checkRunInputSize } from '../runs/run-input-limit.ts';
import { runAttributes } from '../runs/stored-run-data.ts';
import { boundedCallId } from '../steps/bounded-call-id.ts';
import { durableStartWorkflow } from '../steps/durable-operations.ts';
import { isDurableRunEnding } from '../steps/is-durable-run-ending.ts';
import { toJsonSafe } from '../steps/to-json-safe.ts';
import { endChildHold, holdForChild } from './child-event-hold.ts';
import { childEnded, doneWaiting, pauseForChild, waitForChild } from './child-waits.ts';
import { childErrorForParent, storedChildError, withChildEvents } from './stored-child-error.ts';
import { storedChildEvents } from './stored-child-events.ts';
import { unpreparedChild } from './unprepared-child.ts';

/** Deepest chain of subagents a worker prepares (a tree deeper than this is a mistake, or a cycle). */
const MAX_CHILD_DEPTH = 8;

/**
 * Most events of one child run carried to its parent's stream (text deltas included); later ones
 * are dropped (and counted in the recorded outcome), so a child that writes without end cannot
 * grow its parent's stored output without bound.
 */
export const MAX_CHILD_EVENTS = 10_000;

/** What the child workflow gets: the child's input and its place in the tree, all plain data. */
type ChildRunRequest = {
  input: AgentInput;
  history?: RunOptions['history'];
  path: string[];
  streaming: boolean;
  /** The observed id of the parent run (the recorder's `parentRunId`). */
  parentRunId?: string | undefined;
  /** The parent's workflow id: the child's end resumes it when it paused waiting. */
  parentWorkflowId: string;
  /**
   * The tree's budget and what the tree had spent when the child started (recorded in the
   * child's input, so every execution of the child is bounded by the same "left").
   */
  budget?: ChildBudget | undefined;
};

/** What the child workflow records: the child's result and the events it emitted, in order. */
type ChildRunOutcome = {
  /** The child's result; absent when it stopped on the tree budget (`budgetError`). */
  result?: AgentResult<unknown>;
  events: AgentEvent<unknown>[];
  droppedEvents: number;
  /** What the child spent of the tree budget (absent without one). */
  spent?: ChildSpent;
  /**
   * The tree budget ran out inside the child: recorded as the child's outcome (not its failure)
   * so the parent throws the same typed error, as an in-process child's would reach it.
   */
  budgetError?: ChildBudgetStop;
  /** With `budgetError`: what the child's model calls used and cost. */
  childSpend?: ChildSpendRecord;
};

/** A durable copy of a subagent's agent, made by the worker like the agents it defines. */
export type DurableChildAgent = {
  /** The copy (an agent of `createAgent`): what its children inherit is read from it. */
  agent: object;
  run(
    input: AgentInput,
    parent: ChildRunParent,
    history: RunOptions['history'],
  ): Promise<AgentResult<unknown>>;
};

/**
 * The id of the child workflow a call starts: `<parentRunId>/<step>.<index>:<callId>`. The same
 * in every execution of the parent (DBOS records a child's id where the parent started it, and a
 * replay must ask for the same one), unique in the parent (the step and index are; the model may
 * repeat a call id), bounded and well-formed (the call id is cut to 100 UTF-16 units, a lone
 * surrogate in it replaced by U+FFFD: `boundedCallId`).
 * @internal
 */
export function childRunId(parentRunId: string, start: ChildRunStart): string {
  const { step, callIndex, toolCallId } = start.call;
  return `${parentRunId}/${step}.${callIndex}:${boundedCallId(toolCallId)}`;
}

/**
 * Whether `tool` is a subagent whose calls a durable worker runs as child workflows: its agent was
 * made by `createAgent` (the worker makes its own copy from the agent's options). Such a tool is
 * not made a step: the child's model and tool calls are the steps, in the child's workflow.
 * @internal
 */
export function runsAsChildWorkflow(tool: AnyTool): boolean {
  const agent = childAgentOf(tool);
  return agent !== undefined && agentTurnsOf(agent as never).options !== undefined;
}

/**
 * Subagents inside durable runs, as DBOS child workflows.
 *
 * At start, the worker walks the tools of each agent it defines and makes a durable copy of every
 * subagent's agent (`build`: the same wrapping as a defined agent: model calls, tool calls and
 * guardrail checks are steps), keyed by the tool path (`support/research`, then
 * `support/research/search`). A subagent call of a run then starts a child workflow
 * (`DBOS.startWorkflow` from inside the parent's workflow: "calling a workflow from another
 * workflow makes it a child workflow", https://docs.dbos.dev/typescript/tutorials/workflow-tutorial,
 * Child Workflows) with the id {@link childRunId}, and waits for its result, which DBOS records in
 * the parent. A crash mid-child recovers the child on its own (a PENDING workflow of the dead
 * worker, taken over like a run) from its last step, and the parent's replay finds the child
 * started at its recorded place and waits on it again: the child's completed model and tool
 * calls are not made again.
 *
 * The child's events (tagged with its path) are recorded with its result (or with its stored
 * error, when it failed: `withChildEvents`) and handed to the parent's stream when it ends, in the
 * order the child emitted them, before the call's own result or error (a replay hands the
 * recorded ones: once, in order).
 *
 * The calls of one turn start their children in call order (DBOS numbers a child workflow when it
 * starts, synchronously: `startWorkflow` reserves the parent's function id "before any await",
 * `dist/src/dbos.js` 5.3), and wait for their results in call order too (the wait is a numbered
 * operation of the parent taken when it is called; each waits until the previous call's wait is
 * taken), so the children of a turn run at once and a replay meets the same numbers.
 * @internal
 */
export function createDurableChildren({
  agents,
  build,
  top,
  execute,
  pauser,
  status,
  services,
  maxInputBytes,
  bufferOf,
  storedEvents,
}: {
  /**
   * The most a child run's stored input may be (the worker's `maxInputBytes`): a larger one is
   * not started, and the call fails with `DurableRunInputTooLargeError`, fed back to the model.
   */
  maxInputBytes: number;
  /** The agents the worker defines, by name (their options). */
  agents: ReadonlyMap<string, AgentOptions<unknown>>;
  /** Makes the durable copy of a subagent's agent at `key` from its options. */
  build: (key: string, options: AgentOptions<unknown>) => DurableChildAgent;
  /**
   * The durable copy of a top agent and the approval hook a child inherits (its top run's: a
   * child without its own uses it).
   */
  top: (topAgent: string) => {
    agent: object | undefined;
    hook: BeforeToolCallHook | undefined;
  };
  /**
   * Runs one execution of a child workflow with its own state (its event buffer, the approval
   * hook's pending calls and pause, worker-run-events.ts): a child resumed twice has two
   * executions at once.
   */
  execute: <T>(
    runId: string,
    buffer: RunEventBuffer | undefined,
    body: () => Promise<T>,
  ) => Promise<T>;
  /** The event buffer of the execution whose code runs now (a run's or a child's), if any. */
  bufferOf: () => RunEventBuffer | undefined;
  /** How many events a workflow's stream holds (`storedEventCount`), for a child's replay. */
  storedEvents?: ((runId: string) => Promise<number>) | undefined;
  /** Pauses and resumes runs (the approval hook's). */
  pauser: RunPauser;
  /** A workflow's DBOS status, read outside any workflow (not an operation of the caller). */
  status: (runId: string) => Promise<string | undefined>;
  /** What the worker serves every run of a tree (the agents a child's run may hand off to). */
  services?: RunServices | undefined;
}): {
  /** The starter of children for the runs of the agent at `key` (a top agent's name). */
  starterFor(key: string): ChildRunStarter;
  /** Registers the child workflow with DBOS (before `DBOS.launch()`). */
  register(): void;
} {
  const children = new Map<string, DurableChildAgent>();
  const walk = (key: string, tools: readonly AnyTool[] | undefined, depth: number): void => {
    if (depth > MAX_CHILD_DEPTH) return;
    for (const tool of tools ?? []) {
      const agent = childAgentOf(tool);
      const options = agent === undefined ? undefined : agentTurnsOf(agent as never).options;
      if (options === undefined) continue;
      const childKey = `${key}/${(tool as { name: string }).name}`;
      children.set(childKey, build(childKey, options));
      walk(childKey, options.tools as readonly AnyTool[] | undefined, depth + 1);
    }
  };
  for (const [name, options] of agents) walk(name, options.tools as readonly AnyTool[], 1);

  // What the runs at each key hand their children (the tool guardrails and `inherit` plugins of
  // the runs above and their own), as an in-process tree hands them down run by run: core's
  // `childInheritance` over the chain of durable copies, so a child workflow started or taken
  // over in any worker of the fleet meets the same ones. Per worker, made once per key.
  const inheritances = new Map<string, ChildInheritance>();
  const inheritedBy = (key: string): ChildInheritance => {
    const known = inheritances.get(key);
    if (known !== undefined) return known;
    const cut = key.lastIndexOf('/');
    const above = cut === -1 ? undefined : inheritedBy(key.slice(0, cut));
    const agent = cut === -1 ? top(key).agent : children.get(key)?.agent;
    const config =
      agent === undefined
        ? undefined
        : agentTurnsOf(agent as never).handoffTarget?.(undefined).config;
    // An agent gemloop did not make hands down nothing of its own (its run is a plain call).
    const made = config === undefined ? (above ?? {}) : childInheritance(config, above);
    inheritances.set(key, made);
    return made;
  };

  // The agent whose tree's keys a child's stored error and hook records go without: its top agent's
  // (whose tree holds the child's clients and those of the runs above it), else its own.
  const keyedBy = (key: string, child: DurableChildAgent): object =>
    top(key.slice(0, key.indexOf('/'))).agent ?? child.agent;
  // The recorder of the hooks of the runs at each key: what a hook threw is stored without those
  // keys (durable-plugin-hooks.ts). Per worker, made once per key; the keys are asked only when
  // a hook threw.
  const recorders = new Map<string, PluginHookRecorder>();
  const recorderFor = (key: string, child: DurableChildAgent): PluginHookRecorder => {
    const known = recorders.get(key);
    if (known !== undefined) return known;
    const made = createPluginHookRecorder(agentKeysReader(keyedBy(key, child) as never));
    recorders.set(key, made);
    return made;
  };

  // Per parent workflow: the wait of the last call that started a child, taken (see above).
  const waits = new Map<string, Promise<void>>();
  // Per parent workflow: the last call that started a child, done handing on its events. The next
  // child's events are announced at the index after them (child-event-hold.ts).
  const handedOn = new Map<string, Promise<void>>();
  let childWorkflow:
    | ((key: string, request: ChildRunRequest) => Promise<ChildRunOutcome>)
    | undefined;

  const starterFor =
    (key: string): ChildRunStarter =>
    async (start) => {
      const parentRunId = DBOS.workflowID;
      const childKey = `${key}/${start.call.toolName}`;
      const child = children.get(childKey);
      if (parentRunId === undefined || !DBOS.isInWorkflow() || child === undefined) {
        // Not one the worker prepared (an agent handed a run to, whose subagents it did not
        // walk): the child runs here, as one step of the parent, as before child workflows.
        // Its stored error goes without the keys of its top agent's tree and its own.
        const topAgent = top(childKey.slice(0, childKey.indexOf('/'))).agent;
        return unpreparedChild(start, () => [
          ...(topAgent === undefined ? [] : agentKeysReader(topAgent as never)()),
          ...agentKeysReader(start.agent as never)(),
        ]);
      }
      const workflow = childWorkflow as NonNullable<typeof childWorkflow>;
      const workflowID = childRunId(parentRunId, start);
      // Started synchronously (its number in the parent is taken now, in call order).
      // Its agent, parent and path also as attributes: `runs.status()` and `childRuns()` read
      // them without loading the child's input (attack24b).
      const workflowAttributes = runAttributes({
        agent: childKey,
        parentRunId,
        path: [...start.parent.path],
      });
      const request: ChildRunRequest = {
        input: start.input,
        ...(start.options.history === undefined ? {} : { history: start.options.history }),
        path: [...start.parent.path],
        streaming: start.parent.streaming,
        ...(start.parent.parentRunId === undefined
          ? {}
          : { parentRunId: start.parent.parentRunId }),
        parentWorkflowId: parentRunId,
        // What the tree had spent now, and this child's share of what is left.
        ...(start.parent.budget === undefined
          ? {}
          : { budget: childBudgetShare(start.parent.budget, start.call.turnChildren ?? 1) }),
      };
      // Checked before the start, synchronously: a replay meets the same refusal at the same place.
      checkRunInputSize(workflowID, childKey, request, maxInputBytes);
      const started = durableStartWorkflow(
        workflow,
        { workflowID, workflowAttributes },
        childKey,
        request,
      );
      const previous = waits.get(parentRunId) ?? Promise.resolve();
      let taken = (): void => {};
      const mine = new Promise<void>((resolve) => {
        taken = resolve;
      });
      waits.set(parentRunId, mine);
      const handedBefore = handedOn.get(parentRunId) ?? Promise.resolve();
      let handed = (): void => {};
      const mineHanded = new Promise<void>((resolve) => {
        handed = resolve;
      });
      handedOn.set(parentRunId, mineHanded);
      // The parent's events, when it writes a stream (a run's, or a child's of its own) and is
      // handed the child's (else none of them would come to end the hold).
      const buffer =
        start.parent.streaming && start.parent.sink !== undefined ? bufferOf() : undefined;
      let hold: ChildHold | undefined;
      // The child's events go to the parent's stream after what it emitted before them; a reader
      // of the parent reads them from the child's own stream meanwhile (child-event-hold.ts).
      const handOn = async (events: readonly unknown[]): Promise<void> => {
        for (const event of events) await start.parent.sink?.(event as never);
        if (buffer !== undefined && hold !== undefined) endChildHold(buffer, hold, events.length);
      };
      let outcome: ChildRunOutcome;
      try {
        const handle = await started;
        await previous;
        if (buffer !== undefined) {
          await handedBefore;
          hold = await holdForChild(buffer, workflowID, start.parent.path);
        }
        // A child paused for an approval pauses its parent (no worker slot held while a person
        // decides); the child's end resumes it, and the replay waits here again.
        while ((await waitForChild(pauser, status, workflowID)) === 'paused') {
          if (await pauseForChild(pauser, parentRunId, workflowID)) {
            throw new DBOSErrors.DBOSWorkflowCancelledError(parentRunId);
          }
        }
        const result = handle.getResult();
        taken();
        try {
          outcome = await result;
        } catch (error) {
          // A failed child still spent what its model calls returned: counted in the call's
          // meter and the tree's total (a replay gets the same recorded error, counted once).
          const record = (error as Record<string, unknown> | null)?.[CHILD_SPEND_PROPERTY];
          countChildSpend(start.parent.spend, record);
          addChildSpent(
            start.parent.budget,
            (record as Partial<ChildSpendRecord> | undefined)?.spent,
          );
          // What the child emitted before it failed reaches the parent's stream before the
          // call's own error, as a successful child's events do (in process they stream as they
          // come); the same recorded events on a replay.
          await handOn(storedChildEvents(error, MAX_CHILD_EVENTS));
          // The same error on the first run (the stored copy) and on a replay (DBOS's revival
          // of it): a SubagentError again when it was one (stored-child-error.ts).
          throw childErrorForParent(error);
        } finally {
          // Whatever the child's outcome, the parent no longer waits on it (a stale flag would
          // only misreport `awaitingApproval`: logged, not the run's failure).
          await doneWaiting(pauser, parentRunId, workflowID).catch((error: unknown) =>
            DBOS.logger.warn(
              `gemloop subagents: clearing the wait of ${parentRunId} on ${workflowID} failed: ${error instanceof Error ? error.message : String(error)}`,
            ),
          );
        }
        await handOn(outcome.events);
      } finally {
        taken();
        if (waits.get(parentRunId) === mine) waits.delete(parentRunId);
        // Stopped before the child's events came (paused, cancelled): nothing waits for them.
        if (buffer !== undefined && hold !== undefined && hold.expected === undefined) {
          if (buffer.held === hold) releaseChildHold(buffer);
        }
        handed();
        if (handedOn.get(parentRunId) === mineHanded) handedOn.delete(parentRunId);
      }
      // The child's spending joins the tree's total (a replay adds the same recorded amounts).
      addChildSpent(start.parent.budget, outcome.spent);
      if (outcome.budgetError !== undefined) {
        countChildSpend(start.parent.spend, outcome.childSpend);
        throw childBudgetStopError(outcome.budgetError);
      }
      return outcome.result as AgentResult<unknown>;
    };

  const register = (): void => {
    childWorkflow = DBOS.registerWorkflow(
      async (childKey: string, request: ChildRunRequest): Promise<ChildRunOutcome> => {
        const child = children.get(childKey);
        if (child === undefined) {
          throw new Error(
            `This worker defines no subagent at "${childKey}" (the agents of every worker of a fleet must be the same).`,
          );
        }
        const events: AgentEvent<unknown>[] = [];
        let droppedEvents = 0;
        const childRunId = DBOS.workflowID as string;
        // Its own stream, written as a run's (its steps write its events as they come, without
        // the keys of its tree's clients): a reader of its parent reads it while it runs
        // (child-event-hold.ts). Its outcome holds the same events in the same order (those of
        // its own children at the index it announced for them: `accepted`).
        const buffer = request.streaming
          ? createRunEventBuffer(
              agentKeysReader(keyedBy(childKey, child) as never),
              storedEvents === undefined ? undefined : () => storedEvents(childRunId),
            )
          : undefined;
        if (buffer !== undefined) {
          buffer.accepted = (event) => {
            events.push(event);
          };
        }
        let sunk = 0;
        const approvals = top(childKey.slice(0, childKey.indexOf('/')));
        // What the run that starts this child hands down (the child's parent is at the key above).
        const inherited = inheritedBy(childKey.slice(0, childKey.lastIndexOf('/')));
        // The child's side of the tree: its budget from the share it was given, and its own meter
        // (what its model calls spent, for its parent if it fails).
        const meter = childRunMeter(request.path[request.path.length - 1] ?? '', request.budget);
        const { budget, spend } = meter;
        const spent = meter.spent;
        const spendRecord = meter.record;
        const parent: ChildRunParent = {
          spend,
          path: Object.freeze([...request.path]),
          // Every event of the child, as it emitted it (a replay emits the same ones again).
          sink:
            buffer === undefined
              ? undefined
              : (event) => {
                  if (sunk >= MAX_CHILD_EVENTS) {
                    droppedEvents++;
                    return;
                  }
                  sunk++;
                  pushRunEvent(buffer, event as AgentEvent<unknown>);
                },
          streaming: request.streaming,
          beforeToolCall: approvals.hook,
          budget,
          parentRunId: request.parentRunId,
          startChild: starterFor(childKey),
          // The plugins the runs above apply to their subagents, and the durable recorder of hooks.
          plugins: inherited.plugins,
          recordHook: recorderFor(childKey, child),
          services,
        };
        let result: AgentResult<unknown>;
        try {
          result = await execute(childRunId, buffer, () =>
            child.run(request.input, parent, request.history),
          );
        } catch (error) {
          // Every event it emitted is in its outcome, whatever held some back.
          if (buffer !== undefined) releaseChildHold(buffer);
          // Paused for an approval (the hook stopped this workflow), or stopped: it ends here,
          // as stopped, and its parent with it (see the starter's wait).
          if (error instanceof RunPausedSignal) {
            throw new DBOSErrors.DBOSWorkflowCancelledError(childRunId);
          }
          const budgetStop = childBudgetStop(error);
          if (budgetStop !== undefined) {
            await childEnded(pauser, request.parentWorkflowId, childRunId);
            return toJsonSafe({
              events,
              droppedEvents,
              ...(spent() === undefined ? {} : { spent: spent() }),
              budgetError: budgetStop,
              childSpend: spendRecord(),
            }) as ChildRunOutcome;
          }
          if (isDurableRunEnding(error)) throw error;
          await childEnded(pauser, request.parentWorkflowId, childRunId);
          // DBOS stores what the workflow throws (the child's row, and the parent's record of
          // its wait): without the keys of the tree's clients and without URLs, passwords and
          // addresses, anywhere in it (its message, its fields, its cause chain), its class's
          // name kept: the parent rebuilds a SubagentError from it (stored-child-error.ts).
          const keys = agentKeysReader(keyedBy(childKey, child) as never)();
          const stored = storedChildError(error, keys);
          // Enumerable, so DBOS records it with the error (serialize-error keeps own
          // enumerable properties: @dbos-inc/dbos-sdk dist/src/serialization.js).
          (stored as unknown as Record<string, unknown>)[CHILD_SPEND_PROPERTY] = toJsonSafe(
            spendRecord(),
          );
          // Its events so far, in the same row (no statement of their own), copied as the
          // error is: the parent's stream shows them as it shows a successful child's.
          throw withChildEvents(stored, events, keys);
        }
        if (buffer !== undefined) releaseChildHold(buffer);
        await childEnded(pauser, request.parentWorkflowId, childRunId);
        const used = spent();
        return toJsonSafe({
          result,
          events,
          droppedEvents,
          ...(used === undefined ? {} : { spent: used }),
        });
      },
      { name: CHILD_WORKFLOW },
    );
  };

  return { starterFor, register };
}
