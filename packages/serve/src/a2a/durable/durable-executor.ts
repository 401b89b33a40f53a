import { type Task, TaskState } from '@a2a-js/sdk';
import {
  type A2AError,
  RequestMalformedError,
  UnsupportedOperationError,
} from '@a2a-js/sdk/errors';
import {
  AgentEvent,
  type AgentExecutor,
  type ExecutionEventBus,
  type RequestContext,
  type ServerCallContext,
} from '@a2a-js/sdk/server';
import { GemloopError } from '@gemloop/core/errors';
import { readMessageInput } from '../message-input.ts';
import { agentMessage, now, rejectTask, submittedTask } from '../task-parts.ts';
import { answerDurableApprovals, type SearchedTask } from './answer-durable-approvals.ts';
import { catchUpDurableContext } from './catch-up-durable-context.ts';
import type {
  A2ADurableOptions,
  A2ADurableRuns,
  A2AReferringHistoryStore,
} from './durable-a2a-runs.ts';
import {
  CONTEXT_TURN_KEY,
  contextHistoryKey,
  type DurableContext,
  type OpenedDurableContext,
  openDurableContext,
} from './durable-context-history.ts';
import { type FollowedRun, followDurableRun } from './follow-durable-run.ts';

/** The durable executor: the SDK's `AgentExecutor`, and the follower a resubscribe starts. */
export type DurableExecutor = AgentExecutor & {
  /** Whether `owner`'s task `taskId` is followed by this door now. */
  isWorking(owner: string, taskId: string): boolean;
  /**
   * Publishes on `bus` what the durable run of `task` does from its first event until it ends
   * (a door that did not start the run, after the one that did died), then its outcome, for the
   * caller of `context` (its owner, and its tenant: the key of the task's context's history).
   */
  follow(
    task: Task,
    context: ServerCallContext,
    bus: ExecutionEventBus,
    after?: number,
  ): Promise<void>;
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
  /**
   * The caller's tasks of a context, from the task store every door shares: a new task of the
   * context first saves the turns of the earlier ones whose door died (`durable.history` only).
   */
  contextTasks?: (contextId: string, caller: ServerCallContext) => Promise<Task[]>;
}): DurableExecutor {
  const { runs, agent, history, model, historyByReference } = options.durable;
  const { onError, contextTasks } = options;
  // The tasks this door follows now, by task id (the durable run's id); `stop` ends the read of
  // the run's events at a cancel (a read waits in the database for the run's next event).
  const following = new Map<string, FollowedRun>();
  // The answers reading a task's events for its waiting calls, each stopped by a cancel (which
  // cancels the run for their owner): a call whose event never appears kept its read polling the
  // database for ever.
  const searching = new Map<string, SearchedTask>();
  // Refusals by request: the SDK's `execute` returns nothing, and any event it publishes is saved
  // into the task every door shares, so a refusal leaves by this side door (`refusalOf`). A
  // `rejected` status once did it: a terminal state on a task whose run went on, which then
  // swallowed the run's own `completed` (both answers of two at once came back `rejected`).
  const refusals = new WeakMap<ServerCallContext, A2AError>();

  // The context's conversation of a caller's task, with `history` only (no read without it).
  const contextOf = (contextId: string, caller: ServerCallContext): DurableContext | undefined => {
    if (history === undefined) return undefined;
    const key = contextHistoryKey({ tenant: caller.tenant, owner: ownerOf(caller), contextId });
    // checkA2AOptions let `historyByReference` through with a store that names its turns only.
    const referring =
      historyByReference === true ? (history as A2AReferringHistoryStore) : undefined;
    return {
      store: history,
      key,
      model,
      referTo:
        referring === undefined
          ? undefined
          : (turns) => referring.historyReference(key, turns, model),
    };
  };
  const follow = (
    task: Task,
    caller: ServerCallContext,
    bus: ExecutionEventBus,
    after?: number,
  ): Promise<void> =>
    followDurableRun({
      runs,
      following,
      onError,
      task,
      owner: ownerOf(caller),
      context: contextOf(task.contextId, caller),
      bus,
      after,
    });
  const answer = (task: Task, owner: string, request: RequestContext, bus: ExecutionEventBus) =>
    answerDurableApprovals({
      runs,
      searching,
      refusals,
      onError,
      // The answer's door follows the run on for the answer's caller (its tenant too).
      follow: (answered, _owner, answerBus, after) =>
        follow(answered, request.context, answerBus, after),
      task,
      owner,
      request,
      bus,
    });

  return {
    isWorking: (owner, taskId) => following.get(taskId)?.owner === owner,
    follow,
    refusalOf: (context) => refusals.get(context),

    async execute(request: RequestContext, bus: ExecutionEventBus): Promise<void> {
      const { taskId, contextId } = request;
      const owner = ownerOf(request.context);
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
      const input = readMessageInput(request.userMessage, (text) => {
        bus.publish(AgentEvent.task(task));
        rejectTask(bus, taskId, contextId, text);
      });
      if (input === undefined) return;
      // The run first, then the task: a message the runs refuse as too large leaves no task (the
      // client's mistake, answered as a JSON-RPC error, not a task `failed` for ever). The run's
      // events are read from its first, so none is lost to the order.
      try {
        const context = contextOf(contextId, request.context);
        // An earlier task's turn that its dead door never saved goes in first, at its index.
        if (context !== undefined && contextTasks !== undefined) {
          const tasks = await contextTasks(contextId, request.context);
          await catchUpDurableContext({ context, runs, tasks });
        }
        const opened = context === undefined ? undefined : await openDurableContext(context);
        await runs.start(agent, { runId: taskId, input, owner, ...continued(opened) });
        // The index the task's turn takes, in the task every door reads: the door that follows
        // the run to its end (any of them) appends there, or finds the context moved on.
        if (opened !== undefined) task.metadata = { [CONTEXT_TURN_KEY]: opened.turnIndex };
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
      await follow(task, request.context, bus);
    },

    async cancelTask(taskId: string, bus: ExecutionEventBus): Promise<void> {
      const search = searching.get(taskId);
      // An answer stops first: none of its decisions may land (and resume the run) after this.
      for (const stop of search?.stops ?? []) stop.abort();
      const followed = following.get(taskId);
      // An answer reading the run's calls has no follower yet: the run is cancelled all the same.
      const run = followed ?? search;
      if (run === undefined) return;
      await runs.cancel(taskId, { owner: run.owner });
      // The run ended before the cancel reached it (DBOS leaves an ended run as it ended): its
      // follower, still reading, publishes that end, and the SDK answers the cancel "not
      // cancelable". Before, the follower was stopped first and the task told `canceled` over a
      // run that completed, its answer never saved (attack60c).
      if (followed !== undefined && (await endedFirst(runs, taskId, onError))) return;
      if (followed !== undefined) {
        // The follower saw the run end cancelled while the cancel was sent, and told the task.
        if (followed.canceled) return;
        followed.canceled = true;
        followed.stop.abort();
      }
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

/** Statuses of a run that ended on its own, which a cancel leaves as they are (DBOS's names). */
const ENDED: ReadonlySet<string | undefined> = new Set([
  'SUCCESS',
  'ERROR',
  'MAX_RECOVERY_ATTEMPTS_EXCEEDED',
]);

/**
 * Whether the run `runId` ended on its own before a cancel that was just sent (its status, read
 * after the cancel, is an end other than `CANCELLED`). A status that cannot be read counts as
 * cancelled, as before this was asked. @internal
 */
export async function endedFirst(
  runs: Pick<A2ADurableRuns, 'status'>,
  runId: string,
  onError: (error: unknown) => void,
): Promise<boolean> {
  try {
    return ENDED.has((await runs.status(runId))?.status);
  } catch (error) {
    onError(error);
    return false;
  }
}

/** The caller of a request, as the task store scopes tasks (`''` without a user). */
function ownerOf(context: ServerCallContext): string {
  return context.user?.userName ?? '';
}

/**
 * What a task's run starts with of its context: the earlier turns as history, and the agent
 * holding the conversation after a hand-off; nothing without `durable.history`, or for a new
 * context (a run's input stays as it was before contexts were kept).
 */
function continued(opened: OpenedDurableContext | undefined): {
  history?: OpenedDurableContext['history'];
  holder?: string;
} {
  if (opened === undefined || opened.turnIndex === 0) return {};
  return opened.holder === undefined
    ? { history: opened.history }
    : { history: opened.history, holder: opened.holder };
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
