import { type Task, TaskState } from '@a2a-js/sdk';
import { A2AError, UnsupportedOperationError } from '@a2a-js/sdk/errors';
import {
  AgentEvent,
  type ExecutionEventBus,
  type RequestContext,
  type ServerCallContext,
} from '@a2a-js/sdk/server';
import {
  approvalRequest,
  isRetriedMessage,
  RETRIED_ANSWER,
  readApprovalAnswer,
} from '../a2a-approvals.ts';
import { statusPublisher } from '../task-parts.ts';
import type { A2ADurablePendingApproval, A2ADurableRuns } from './durable-a2a-runs.ts';
import { callKey } from './follow-durable-run.ts';

/**
 * The refusal of an answer whose task was cancelled while the door read its calls or recorded its
 * decisions. @internal
 */
export const CANCELED_REFUSAL =
  'The task was cancelled while this answer was read: the run was stopped, and nothing of this answer goes on.';

/** The stored events a door reads to find the calls a question names: a hang guard. */
const MAX_EVENTS_SCANNED = 100_000;

/** An approval answer reading a task's events for its waiting calls, each stopped by a cancel. */
export type SearchedTask = { contextId: string; owner: string; stops: Set<AbortController> };

/** What {@link answerDurableApprovals} takes. */
export type AnswerDurableApprovalsOptions = {
  runs: A2ADurableRuns;
  /** The answers reading a task's calls now, by task id: a cancel stops them. */
  searching: Map<string, SearchedTask>;
  /** Refusals by request: the request handler throws the one `execute` left. */
  refusals: WeakMap<ServerCallContext, A2AError>;
  /** Told of a decision that failed for another reason than being answered already. */
  onError: (error: unknown) => void;
  /** Follows the run from the offset of the last call answered. */
  follow: (task: Task, owner: string, bus: ExecutionEventBus, after: number) => Promise<void>;
  task: Task;
  owner: string;
  request: RequestContext;
  bus: ExecutionEventBus;
};

/** The calls a question names: their shown arguments, and the offset of the last one. */
type FoundCalls = { shown: Map<string, unknown>; last: number };

/**
 * The client's answer to a task that waits for approvals: each call approved or denied through
 * the runs' `approve`, then the run followed from the last call answered. An answer that is
 * neither asks again. @internal
 */
export async function answerDurableApprovals(
  options: AnswerDurableApprovalsOptions,
): Promise<void> {
  const { runs, searching, refusals, task, owner, request } = options;
  const taskId = task.id;
  const { contextId } = task;
  let pending: readonly A2ADurablePendingApproval[];
  let calls: FoundCalls;
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
      calls = await findCalls(runs, taskId, owner, pending, search.signal);
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
    await decide(options, pending, calls, search.signal);
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
  options: AnswerDurableApprovalsOptions,
  pending: readonly A2ADurablePendingApproval[],
  calls: FoundCalls,
  signal: AbortSignal,
): Promise<void> {
  const { runs, refusals, onError, follow, task, owner, request, bus } = options;
  const taskId = task.id;
  const { contextId } = task;
  // The task goes out with the first status, once this answer is known to go on: a refused
  // answer publishes nothing (its stale copy of the task would overwrite the one another door
  // moved on).
  let published = false;
  const publishStatus = statusPublisher(bus, taskId, contextId);
  const status = (state: TaskState, text?: string, metadata?: Record<string, unknown>) => {
    if (!published) bus.publish(AgentEvent.task(task));
    published = true;
    publishStatus(state, text, metadata);
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
  runs: A2ADurableRuns,
  taskId: string,
  owner: string,
  pending: readonly A2ADurablePendingApproval[],
  signal: AbortSignal,
): Promise<FoundCalls> {
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
