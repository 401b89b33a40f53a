import { type Task, TaskState } from '@a2a-js/sdk';
import { AgentEvent, type ExecutionEventBus } from '@a2a-js/sdk/server';
import { GemloopError } from '@gemloop/core/errors';
import { toBrowserError } from '@gemloop/core/internal';
import { approvalRequest } from '../a2a-approvals.ts';
import { answerArtifact, answerDeltaPublisher, statusPublisher } from '../task-parts.ts';
import type { A2ADurableRuns } from './durable-a2a-runs.ts';
import {
  CONTEXT_CONFLICT_TEXT,
  CONTEXT_TURN_KEY,
  type DurableContext,
  isContextHistoryGone,
  saveDurableContextTurn,
} from './durable-context-history.ts';

/** A task a door follows now; `stop` ends the read of the run's events at a cancel. */
export type FollowedRun = {
  /**
   * Set by a cancel, or by the follower as it publishes `canceled`: nothing more of the run is
   * published, `canceled` included (whoever sets it first publishes it, once).
   */
  canceled: boolean;
  contextId: string;
  /** The owner the run's events are read for. */
  owner: string;
  /** Aborted by a cancel (a read waits in the database for the run's next event). */
  stop: AbortController;
};

/** What {@link followDurableRun} takes. */
export type FollowDurableRunOptions = {
  runs: A2ADurableRuns;
  /** The tasks this door follows now, by task id: the run is in it while it is followed. */
  following: Map<string, FollowedRun>;
  /** Told of a read that failed (the run goes on; a resubscribe reads it). */
  onError: (error: unknown) => void;
  task: Task;
  owner: string;
  /**
   * The task's context's conversation (`durable.history`): a run that completes appends its turn
   * there before the task completes. `undefined` without `durable.history`.
   */
  context?: DurableContext | undefined;
  bus: ExecutionEventBus;
  /** The offset of the last call an answer answered: those calls are not asked again. */
  after?: number | undefined;
};

/**
 * Publishes on `bus` what the durable run of `task` does from its first event until it ends, then
 * its outcome (`completed` with the whole answer, `failed` with fixed words and the error's code,
 * `canceled`), or `input-required` with the calls it waits for. A door that loses the run's events
 * publishes nothing more. @internal
 */
export async function followDurableRun({
  runs,
  following,
  onError,
  task,
  owner,
  context,
  bus,
  after = -1,
}: FollowDurableRunOptions): Promise<void> {
  const taskId = task.id;
  const { contextId } = task;
  const publishStatus = statusPublisher(bus, taskId, contextId);
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
      onError(error);
      // The run's stored data cannot be read any more (its context's turns, named by reference,
      // were cleared since it ended; a row gemloop did not write): the task fails, as every
      // resubscribe would find.
      if (isUnreadableForGood(error)) publishFailed(publishStatus, error);
      // Else the door lost the run's events, not the run: it goes on, a resubscribe reads it.
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
      // Once: a cancel at this door (`cancelTask`) that ended the run reads the same status while
      // this read it, and publishes `canceled` unless this did (push notifications and
      // resubscribers heard it twice, attack61d).
      if (run.canceled) return;
      run.canceled = true;
      publishStatus(TaskState.TASK_STATE_CANCELED);
      return;
    }
    if (status !== 'SUCCESS' && status !== 'ERROR' && status !== 'MAX_RECOVERY_ATTEMPTS_EXCEEDED') {
      return;
    }
    let text: string;
    try {
      // A run with no `run-end` event read (a failed one: `result()` throws its error).
      text = ended ?? (await runs.result(taskId)).text;
    } catch (error) {
      onError(error);
      if (status === 'SUCCESS' && !isUnreadableForGood(error)) return;
      publishFailed(publishStatus, runError(error));
      return;
    }
    if (
      context !== undefined &&
      !(await savedTurn({ runs, context, task, onError, publishStatus }))
    ) {
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
 * Appends the completed run's turn to the task's context; `false` when the task must not complete:
 * the context moved on (another task saved first: the task fails, `context_conflict`), or the
 * store could not be read or written (nothing more published: the task stays working in the task
 * store, and the door a `GetTask` or resubscribe makes follow it saves the turn then). A task
 * started without a context turn (before `durable.history` was set) completes as before.
 */
async function savedTurn({
  runs,
  context,
  task,
  onError,
  publishStatus,
}: {
  runs: A2ADurableRuns;
  context: DurableContext;
  task: Task;
  onError: (error: unknown) => void;
  publishStatus: ReturnType<typeof statusPublisher>;
}): Promise<boolean> {
  const turnIndex = task.metadata?.[CONTEXT_TURN_KEY];
  if (typeof turnIndex !== 'number' || !Number.isSafeInteger(turnIndex) || turnIndex < 0) {
    return true;
  }
  let saved: Awaited<ReturnType<typeof saveDurableContextTurn>>;
  try {
    saved = await saveDurableContextTurn({ context, runs, runId: task.id, turnIndex });
  } catch (error) {
    onError(error);
    // Its context's turns, named by reference, were cleared since the run started: the turn
    // would go into another conversation. Any other failure leaves the task working.
    if (isUnreadableForGood(error)) publishFailed(publishStatus, error);
    return false;
  }
  if (saved === 'saved') return true;
  publishStatus(TaskState.TASK_STATE_FAILED, CONTEXT_CONFLICT_TEXT, { code: 'context_conflict' });
  return false;
}

/**
 * Whether a read of the run's stored data failed for good, not for now (a database away): its
 * context's turns were cleared (`durable-chat-history`), or a row is not what gemloop wrote
 * (`@gemloop/dbos`'s DurableRunDataError, `durable-run-data`, by code: serve does not depend on
 * dbos). Every later read fails the same, so the task fails; taken for a lost read, it stayed
 * `working` for ever (leftovers76).
 */
function isUnreadableForGood(error: unknown): boolean {
  return (
    isContextHistoryGone(error) ||
    (GemloopError.isInstance(error) && error.code === 'durable-run-data')
  );
}

/** Ends the task `failed` with the fixed words and code a page is told of `error`, never its own. */
function publishFailed(publishStatus: ReturnType<typeof statusPublisher>, error: unknown): void {
  const shown = toBrowserError(error, undefined);
  publishStatus(TaskState.TASK_STATE_FAILED, shown.message, { code: shown.code ?? 'run_failed' });
}

/**
 * A call's key across its `tool-call` event and its pending approval: the subagent's path, the
 * step and the model's id (a subagent's first call has the id its parent's has).
 */
export function callKey(call: {
  path?: readonly unknown[] | undefined;
  stepNumber: number;
  toolCallId: string;
}): string {
  return JSON.stringify([call.path ?? [], call.stepNumber, call.toolCallId]);
}

/** The text of a stored `run-end` event's result, `undefined` when the row has none (read as hostile). */
function storedAnswer(result: unknown): string | undefined {
  const text = (result as { text?: unknown } | null | undefined)?.text;
  return typeof text === 'string' ? text : undefined;
}

/**
 * The error a failed durable run's task tells by: the run's own (the `DurableRunError`'s cause,
 * which `@gemloop/dbos` reads back as its gemloop class), so a task says `A tool failed.` with
 * `tool-execution` as the same agent's task in process does, not `The run failed.` with
 * `durable-run`; the error itself when its cause is none of gemloop's. By `code`: this package
 * does not depend on `@gemloop/dbos`.
 */
function runError(error: unknown): unknown {
  if (!GemloopError.isInstance(error) || error.code !== 'durable-run') return error;
  try {
    const cause: unknown = error.cause;
    return GemloopError.isInstance(cause) ? cause : error;
  } catch {
    // A getter that throws: the error itself.
    return error;
  }
}
