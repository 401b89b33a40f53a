import { type Task, TaskState } from '@a2a-js/sdk';
import { A2AError, RequestMalformedError, UnsupportedOperationError } from '@a2a-js/sdk/errors';
import {
  AgentEvent,
  type AgentExecutor,
  type ExecutionEventBus,
  type RequestContext,
  type ServerCallContext,
} from '@a2a-js/sdk/server';
import { GemloopError } from '@gemloop/core/errors';
import { toBrowserError } from '@gemloop/core/internal';
import {
  approvalRequest,
  isRetriedMessage,
  RETRIED_ANSWER,
  readApprovalAnswer,
} from '../a2a-approvals.ts';
import {
  agentMessage,
  answerArtifact,
  answerDeltaPublisher,
  now,
  rejectTask,
  submittedTask,
  TEXT_ONLY_REFUSAL,
  textOf,
} from '../task-parts.ts';
import type { A2ADurableOptions, A2ADurablePendingApproval } from './durable-a2a-runs.ts';

/** The durable executor: the SDK's `AgentExecutor`, and the follower a resubscribe starts. */
export type DurableExecutor = AgentExecutor & {
  /** Whether `owner`'s task `taskId` is followed by this door now. */
  isWorking(owner: string, taskId: string): boolean;
  /**
   * Publishes on `bus` what the durable run of `task` does from its first event until it ends
   * (a door that did not start the run, after the one that did died), then its outcome.
   */
  follow(task: Task, owner: string, bus: ExecutionEventBus, after?: number): Promise<void>;
  /**
   * The typed refusal `execute` gave the request of `context` instead of any event (a message to
   * a task another door works on, an answer whose calls were answered already): the request
   * handler throws it, so the client gets a JSON-RPC error and the shared task is left as it is.
   */
  refusalOf(context: ServerCallContext): A2AError | undefined;
};

/** The refusal of a message to a durable task that does not wait for one. @internal */
export const WORKING_REFUSAL =
  'This task is working: a durable task takes no message but the answer it asks for; send the message when it has ended (a new message as a new task of the context).';

/**
 * The refusal of an answer whose task was cancelled while the door read its calls or recorded its
 * decisions. @internal
 */
export const CANCELED_REFUSAL =
  'The task was cancelled while this answer was read: the run was stopped, and nothing of this answer goes on.';

/** The stored events a door reads to find the calls a question names: a hang guard. */
const MAX_EVENTS_SCANNED = 100_000;

/**
 * The A2A SDK's `AgentExecutor` for durable runs: a task is the durable run of the same id
 * (`runs.start(agent, { runId: taskId, owner })`), which any worker of the fleet runs and takes
 * over after a crash. The door reads the run's stored events and publishes them as the
 * in-process executor does (`working`, the answer's deltas as appends to the artifact `answer`,
 * the whole answer as its last chunk, `completed`), so a door that did not start the run (the
 * starting one died) publishes the same from the run's first event. A door that loses the run's
 * events (its database connection) publishes nothing more: the run goes on, and a resubscribe
 * picks it up. A run that failed ends the task `failed` with fixed words and the error's code;
 * `cancelTask` cancels the durable run.
 *
 * A run that waits for approval (its workers' `needsApproval`) makes the task `input-required`,
 * asking as the in-process door asks (the calls in the status message's metadata, with the
 * redacted arguments of their `tool-call` events); the client's next message on the task, at
 * any door sharing the task store, answers through the runs' `approve`, and the door that got it
 * follows the run from the calls it answered. @internal
 */
export function createDurableExecutor(options: {
  durable: A2ADurableOptions;
  onError: (error: unknown) => void;
}): DurableExecutor {
  const { runs, agent } = options.durable;
  const { onError } = options;
  // The tasks this door follows now, by task id (the durable run's id); `stop` ends the read of
  // the run's events at a cancel (a read waits in the database for the run's next event).
  const following = new Map<
    string,
    { canceled: boolean; contextId: string; owner: string; stop: AbortController }
  >();
  // The answers reading a task's events for its waiting calls, each stopped by a cancel (which
  // cancels the run for their owner): a call whose event never appears kept its read polling the
  // database for ever.
  const searching = new Map<
    string,
    { contextId: string; owner: string; stops: Set<AbortController> }
  >();
  // Refusals by request: the SDK's `execute` returns nothing, and any event it publishes is saved
  // into the task every door shares, so a refusal leaves by this side door (`refusalOf`). A
  // `rejected` status once did it: a terminal state on a task whose run went on, which then
  // swallowed the run's own `completed` (both answers of two at once came back `rejected`).
  const refusals = new WeakMap<ServerCallContext, A2AError>();

  async function follow(
    task: Task,
    owner: string,
    bus: ExecutionEventBus,
    after = -1,
  ): Promise<void> {
    const taskId = task.id;
    const { contextId } = task;
    const publishStatus = (state: TaskState, text?: string, metadata?: Record<string, unknown>) =>
      bus.publish(
        AgentEvent.statusUpdate({
          taskId,
          contextId,
          status: {
            state,
            message:
              text === undefined ? undefined : agentMessage(taskId, contextId, text, metadata),
            timestamp: new Date().toISOString(),
          },
          metadata: {},
        }),
      );
    const run = following.get(taskId) ?? {
      canceled: false,
      contextId,
      owner,
      stop: new AbortController(),
    };
    following.set(taskId, run);
    // The answer of the run's `run-end` event, once read.
    let ended: string | undefined;
    try {
      const publish = answerDeltaPublisher(bus, taskId, contextId);
      try {
        // The shown arguments of the run's calls, by step and call id, for a question.
        const shown = new Map<string, unknown>();
        const { signal } = run.stop;
        for await (const { offset, event } of runs.events(taskId, { offset: 0, owner, signal })) {
          if (run.canceled) return;
          // The stored result, as the worker stored its events: without the keys of the run's
          // clients. `runs.result()` holds the model's own words (a chat's next turn sends them
          // back), and this door has no agent to read the keys of (keylessResult).
          if (event.type === 'run-end') ended = storedAnswer(event.result);
          publish(event);
          if (event.type !== 'tool-call' || runs.pendingApprovals === undefined) continue;
          shown.set(callKey(event), event.redactedArgs ?? event.args);
          // Published before the call's event goes out (@gemloop/dbos): a call that waits is
          // listed by now. The calls answered before `after` may still be listed until the run
          // resumes: not asked again.
          if (offset <= after) continue;
          const pending = await runs.pendingApprovals(taskId, { owner });
          if (pending.length === 0) continue;
          const { text, metadata } = approvalRequest(pending, (approval) =>
            shown.get(callKey(approval)),
          );
          publishStatus(TaskState.TASK_STATE_INPUT_REQUIRED, text, metadata);
          return;
        }
      } catch (error) {
        // The door lost the run's events, not the run: it goes on, a resubscribe reads it.
        onError(error);
        return;
      }
      if (run.canceled) return;
      // The run's outcome; a door that cannot read it says nothing (a resubscribe reads it).
      let status: string | undefined;
      try {
        status = (await runs.status(taskId))?.status;
      } catch (error) {
        onError(error);
        return;
      }
      if (status === 'CANCELLED') {
        publishStatus(TaskState.TASK_STATE_CANCELED);
        return;
      }
      if (
        status !== 'SUCCESS' &&
        status !== 'ERROR' &&
        status !== 'MAX_RECOVERY_ATTEMPTS_EXCEEDED'
      ) {
        return;
      }
      let text: string;
      try {
        // A run with no `run-end` event read (a failed one: `result()` throws its error).
        text = ended ?? (await runs.result(taskId)).text;
      } catch (error) {
        onError(error);
        if (status === 'SUCCESS') return;
        const shown = toBrowserError(error, undefined);
        publishStatus(TaskState.TASK_STATE_FAILED, shown.message, {
          code: shown.code ?? 'run_failed',
        });
        return;
      }
      // The whole answer as the last chunk: a client that missed deltas reads it whole.
      bus.publish(
        AgentEvent.artifactUpdate({
          taskId,
          contextId,
          artifact: answerArtifact(text),
          append: false,
          lastChunk: true,
          metadata: {},
        }),
      );
      publishStatus(TaskState.TASK_STATE_COMPLETED);
    } finally {
      if (following.get(taskId) === run) following.delete(taskId);
    }
  }

  /**
   * The client's answer to a task that waits for approvals: each call approved or denied through
   * the runs' `approve`, then the run followed from the last call answered. An answer that is
   * neither asks again.
   */
  async function answer(
    task: Task,
    owner: string,
    request: RequestContext,
    bus: ExecutionEventBus,
  ): Promise<void> {
    const taskId = task.id;
    const { contextId } = task;
    let pending: readonly A2ADurablePendingApproval[];
    let calls: { shown: Map<string, unknown>; last: number };
    const search = new AbortController();
    const searches = searching.get(taskId) ?? { contextId, owner, stops: new Set() };
    searches.stops.add(search);
    searching.set(taskId, searches);
    // The answer stays in `searching` until it ends, past the moment its follower is in
    // `following` (`follow` registers before its first await). It left once its calls were
    // read, so a cancel while its decisions were recorded found neither, cancelled nothing, and
    // the answer followed the run on.
    try {
      try {
        pending = (await runs.pendingApprovals?.(taskId, { owner })) ?? [];
        calls = await findCalls(taskId, owner, pending, search.signal);
      } catch (error) {
        // The door could not read the run (its database connection), not the run failed: `failed`
        // on the shared task would end it for good while the run still waits for this answer.
        // The client gets an internal error (the door reports it, this error its cause) and
        // answers again.
        refusals.set(
          request.context,
          new A2AError({ message: 'The task could not be read: answer again.', cause: error }),
        );
        return;
      }
      await decide(task, owner, request, bus, pending, calls, search.signal);
    } finally {
      searches.stops.delete(search);
      if (searches.stops.size === 0 && searching.get(taskId) === searches) {
        searching.delete(taskId);
      }
    }
  }

  /**
   * The rest of `answer` once the waiting calls are read: the decisions recorded, then the
   * run followed. Nothing is followed when the answer is refused or asks again, or when a cancel
   * came (`signal`) while the calls were read or the decisions recorded.
   */
  async function decide(
    task: Task,
    owner: string,
    request: RequestContext,
    bus: ExecutionEventBus,
    pending: readonly A2ADurablePendingApproval[],
    calls: { shown: Map<string, unknown>; last: number },
    signal: AbortSignal,
  ): Promise<void> {
    const taskId = task.id;
    const { contextId } = task;
    // The task goes out with the first status, once this answer is known to go on: a refused
    // answer publishes nothing (its stale copy of the task would overwrite the one another door
    // moved on).
    let published = false;
    const status = (state: TaskState, text?: string, metadata?: Record<string, unknown>) => {
      if (!published) bus.publish(AgentEvent.task(task));
      published = true;
      bus.publish(
        AgentEvent.statusUpdate({
          taskId,
          contextId,
          status: {
            state,
            message:
              text === undefined ? undefined : agentMessage(taskId, contextId, text, metadata),
            timestamp: now(),
          },
          metadata: {},
        }),
      );
    };
    if (signal.aborted) {
      // Cancelled while its calls were read: nothing is answered on a read cut short.
      refusals.set(request.context, new UnsupportedOperationError(CANCELED_REFUSAL));
      return;
    }
    const retried = isRetriedMessage(request.userMessage, task.history);
    const answers = retried ? undefined : readApprovalAnswer(request.userMessage, pending);
    if (answers === undefined && pending.length > 0) {
      const { text, metadata } = approvalRequest(pending, (approval) =>
        calls.shown.get(callKey(approval)),
      );
      status(
        TaskState.TASK_STATE_INPUT_REQUIRED,
        `${retried ? RETRIED_ANSWER : 'The answer was neither "approve" nor "deny". '}${text}`,
        metadata,
      );
      return;
    }
    let landed = 0;
    let lost: unknown;
    for (const each of answers ?? []) {
      // Cancelled meanwhile: the calls left are not answered on a run the cancel stopped.
      if (signal.aborted) break;
      try {
        await runs.approve?.(
          taskId,
          each.approvalId,
          each.decision === 'approve'
            ? { type: 'approve' }
            : { type: 'reject', reason: each.message ?? 'The client denied the call.' },
          { owner },
        );
        landed += 1;
      } catch (error) {
        // Answered already (at another door, or timed out): the run goes on without this one.
        // `@gemloop/dbos`'s ApprovalNotPendingError says why in `state`; anything else is a fault.
        if (notPendingAny(error) === undefined) onError(error);
        lost ??= error;
      }
    }
    if (signal.aborted) {
      // Cancelled while its decisions were recorded: the cancel stopped the run, nothing follows it.
      refusals.set(request.context, new UnsupportedOperationError(CANCELED_REFUSAL));
      return;
    }
    if (landed === 0 && answers !== undefined && answers.length > 0) {
      // Not one decision of this message counts: telling its client the run's outcome would pass
      // another message's decision off as its own.
      refusals.set(request.context, new UnsupportedOperationError(lostAnswer(lost)));
      return;
    }
    status(TaskState.TASK_STATE_WORKING);
    await follow(task, owner, bus, calls.last);
  }

  /**
   * Reads the run's stored events up to the `tool-call` events of `pending`: their shown
   * arguments, and the offset of the last one (-1 when none is pending).
   */
  async function findCalls(
    taskId: string,
    owner: string,
    pending: readonly A2ADurablePendingApproval[],
    signal: AbortSignal,
  ): Promise<{ shown: Map<string, unknown>; last: number }> {
    const shown = new Map<string, unknown>();
    // The run's own calls: a durable subagent's events reach the run's only when it ends, so
    // its waiting call has no event to find yet (its arguments are left out of the question).
    const wanted = new Set(pending.filter((each) => (each.path ?? []).length === 0).map(callKey));
    let last = -1;
    if (wanted.size === 0) return { shown, last };
    let scanned = 0;
    // The run waits, so its events do not end: read until every waiting call's event is found.
    for await (const { offset, event } of runs.events(taskId, { offset: 0, owner, signal })) {
      if (++scanned > MAX_EVENTS_SCANNED) break;
      if (event.type !== 'tool-call') continue;
      const key = callKey(event);
      if (!wanted.has(key)) continue;
      shown.set(key, event.redactedArgs ?? event.args);
      last = offset;
      wanted.delete(key);
      if (wanted.size === 0) break;
    }
    return { shown, last };
  }

  return {
    isWorking: (owner, taskId) => following.get(taskId)?.owner === owner,
    follow,
    refusalOf: (context) => refusals.get(context),

    async execute(request: RequestContext, bus: ExecutionEventBus): Promise<void> {
      const { taskId, contextId } = request;
      const owner = request.context.user?.userName ?? '';
      if (request.task !== undefined) {
        if (
          request.task.status?.state === TaskState.TASK_STATE_INPUT_REQUIRED &&
          runs.pendingApprovals !== undefined &&
          runs.approve !== undefined
        ) {
          await answer(request.task, owner, request, bus);
          return;
        }
        // Another door moved the task on since this one's request handler read it waiting (two
        // answers at once): refused by name, and the task, whose run goes on, is left alone.
        refusals.set(request.context, new UnsupportedOperationError(WORKING_REFUSAL));
        return;
      }
      const task = submittedTask(taskId, contextId, request.userMessage);
      const input = textOf(request.userMessage);
      if (input === undefined) {
        bus.publish(AgentEvent.task(task));
        rejectTask(bus, taskId, contextId, TEXT_ONLY_REFUSAL);
        return;
      }
      // The run first, then the task: a message the runs refuse as too large leaves no task (the
      // client's mistake, answered as a JSON-RPC error, not a task `failed` for ever). The run's
      // events are read from its first, so none is lost to the order.
      try {
        await runs.start(agent, { runId: taskId, input, owner });
      } catch (error) {
        const tooLarge = inputTooLarge(error);
        if (tooLarge !== undefined) {
          refusals.set(request.context, new RequestMalformedError(tooLarge));
          return;
        }
        // Thrown out of here, the SDK would put the error's own words in the task.
        onError(error);
        bus.publish(AgentEvent.task(task));
        bus.publish(
          AgentEvent.statusUpdate({
            taskId,
            contextId,
            status: {
              state: TaskState.TASK_STATE_FAILED,
              message: agentMessage(taskId, contextId, 'The task could not be started.', {
                code: 'run_not_started',
              }),
              timestamp: now(),
            },
            metadata: {},
          }),
        );
        return;
      }
      bus.publish(AgentEvent.task(task));
      bus.publish(
        AgentEvent.statusUpdate({
          taskId,
          contextId,
          status: { state: TaskState.TASK_STATE_WORKING, message: undefined, timestamp: now() },
          metadata: {},
        }),
      );
      await follow(task, owner, bus);
    },

    async cancelTask(taskId: string, bus: ExecutionEventBus): Promise<void> {
      const search = searching.get(taskId);
      for (const stop of search?.stops ?? []) stop.abort();
      const followed = following.get(taskId);
      if (followed !== undefined) {
        followed.canceled = true;
        followed.stop.abort();
      }
      // An answer reading the run's calls has no follower yet: the run is cancelled all the same.
      const run = followed ?? search;
      if (run === undefined) return;
      await runs.cancel(taskId, { owner: run.owner });
      bus.publish(
        AgentEvent.statusUpdate({
          taskId,
          contextId: run.contextId,
          status: { state: TaskState.TASK_STATE_CANCELED, message: undefined, timestamp: now() },
          metadata: {},
        }),
      );
    },
  };
}

/**
 * A call's key across its `tool-call` event and its pending approval: the subagent's path, the
 * step and the model's id (a subagent's first call has the id its parent's has).
 */
function callKey(call: {
  path?: readonly unknown[] | undefined;
  stepNumber: number;
  toolCallId: string;
}): string {
  return JSON.stringify([call.path ?? [], call.stepNumber, call.toolCallId]);
}

/** The `state` of `@gemloop/dbos`'s ApprovalNotPendingError, read by shape (serve never imports dbos). */
function notPendingAny(error: unknown): string | undefined {
  const state = (error as { state?: unknown } | null)?.state;
  return typeof state === 'string' &&
    ['decided', 'timed-out', 'cancelled', 'unknown'].includes(state)
    ? state
    : undefined;
}

/** Why no decision of an answer landed, in words a client reads (never the error's own). */
function lostAnswer(error: unknown): string {
  switch (notPendingAny(error)) {
    case 'decided':
      return 'The calls this message answers were answered already (by another message): read the task for what came of them.';
    case 'timed-out':
      return 'The calls this message answers waited too long and timed out: read the task for what came of them.';
    case 'cancelled':
    case 'unknown':
      return 'The calls this message answers wait no more (the run ended): read the task.';
    default:
      return 'The answer could not be recorded: read the task, and answer again if it still waits.';
  }
}

/**
 * A client's words for `@gemloop/dbos`'s DurableRunInputTooLargeError (read by its code: serve
 * never imports dbos), or `undefined` for any other error. The sizes only: the error's own message
 * names the server's options, which are not the client's to read.
 */
function inputTooLarge(error: unknown): string | undefined {
  if (!GemloopError.isInstance(error) || error.code !== 'durable-run-input-too-large') {
    return undefined;
  }
  const { bytes, limit } = error as { bytes?: unknown; limit?: unknown };
  const sizes =
    Number.isSafeInteger(bytes) && Number.isSafeInteger(limit)
      ? `: ${bytes} bytes of JSON as the run's input, over the agent's limit of ${limit}`
      : '';
  return `The message is too large to start a task${sizes}. Send a shorter message.`;
}

/** The text of a stored `run-end` event's result, `undefined` when the row has none (read as hostile). */
function storedAnswer(result: unknown): string | undefined {
  const text = (result as { text?: unknown } | null | undefined)?.text;
  return typeof text === 'string' ? text : undefined;
}
