import { type Task, TaskState } from '@a2a-js/sdk';
import {
  AgentEvent,
  type AgentExecutor,
  type ExecutionEventBus,
  type RequestContext,
} from '@a2a-js/sdk/server';
import type { Agent, AgentEvent as GemloopEvent } from '@gemloop/core';
import type { ChatResult, ChatStream } from '@gemloop/core/chat';
import {
  type ApprovalListener,
  approvalBrokerInternals,
  createScanMemo,
  keylessEventsShowing,
  type PendingApproval,
  toBrowserError,
} from '@gemloop/core/internal';
import type { ApprovalBroker } from '@gemloop/core/web';
import type { DoorTelemetry } from '../door/door-telemetry.ts';
import { followAnsweringAgent } from '../door/follow-answering-agent.ts';
import type { OwnedSessions } from '../mcp/owned-sessions.ts';
import {
  approvalRequest,
  isRetriedMessage,
  RETRIED_ANSWER,
  readApprovalAnswer,
} from './a2a-approvals.ts';
import { readMessageInput } from './message-input.ts';
import {
  agentMessage,
  answerArtifact,
  answerDeltaPublisher,
  now,
  rejectTask,
  submittedTask,
} from './task-parts.ts';

/** A task's run: its abort, and while it waits for approvals, what resumes it. */
type TaskRun = {
  abort: AbortController;
  canceled: boolean;
  contextId: string;
  owner: string;
  /** The bus of the request driving the run now (a message that answers brings its own). */
  bus: ExecutionEventBus;
  /** That request's context, for a status saved with no request open (an approval expired). */
  context: RequestContext['context'];
  /** Set while the task is `input-required`: nothing drives the run until the client answers. */
  waiting: boolean;
  /** The approvals the run waits for, by id. */
  pending: Map<string, PendingApproval>;
  drive(): Promise<void>;
  /** The drive going on now (until the run ends or waits again), for a message that races it. */
  driving: Promise<void> | undefined;
  /** Publishes `input-required`, asking for the pending approvals (after `prefix`). */
  ask(prefix: string): void;
  /** Lets go of the run: its session, its broker listener. */
  close(): Promise<void>;
};

/**
 * The A2A SDK's `AgentExecutor` for a gemloop agent: a task is a run, a `contextId` a chat
 * session of the caller's (the SDK's `DefaultRequestHandler` keeps the tasks; this runs them).
 *
 * Each task publishes, in order: the task (`submitted`), `working`, the answer's text deltas as
 * appends to the artifact `answer`, the whole answer as that artifact's last chunk, and
 * `completed`. A run that fails ends `failed` with fixed words and the error's code (the error
 * itself goes to `onError`); `cancelTask` aborts the run and ends it `canceled`. With `approvals`
 * (the broker whose `beforeToolCall` the agent has), a call that waits makes the task
 * `input-required` (A2A's TaskState for a task that waits for its client), with a message that
 * asks; the client's next message on the task answers it and the same run goes on. @internal
 */
export function createGemloopExecutor(options: {
  agent: Agent;
  agentName: string;
  sessions: OwnedSessions;
  onError: (error: unknown) => void;
  telemetry: DoorTelemetry;
  approvals?: ApprovalBroker | undefined;
  /**
   * Ends a task with `status` with no request open (its bus has no request reading it): saved
   * in the task store, told to the task's subscribers and push webhooks. An `input-required` task
   * whose approval expired ends `failed` so.
   */
  endTask?: (
    taskId: string,
    context: RequestContext['context'],
    status: NonNullable<Task['status']>,
  ) => Promise<void>;
}): AgentExecutor & { isWorking(owner: string, taskId: string): boolean } {
  const { agent, agentName, sessions, onError, telemetry } = options;
  const broker = approvalBrokerInternals(options.approvals);
  // The door's threads' texts found clean, so a thread's stored turns are not scanned for keys
  // again at each send (scrub47: a long thread's sends were quadratic in its length).
  const scanned = createScanMemo();
  // The run of each task that is working or waiting, by task id (the SDK's ids: random UUIDs, and
  // it checks the caller owns the task before it asks to cancel it).
  const running = new Map<string, TaskRun>();

  const publishStatus = (
    run: Pick<TaskRun, 'bus' | 'contextId'>,
    taskId: string,
    state: TaskState,
    text?: string,
    metadata?: Record<string, unknown>,
  ) =>
    run.bus.publish(
      AgentEvent.statusUpdate({
        taskId,
        contextId: run.contextId,
        status: {
          state,
          message:
            text === undefined ? undefined : agentMessage(taskId, run.contextId, text, metadata),
          timestamp: now(),
        },
        metadata: {},
      }),
    );
  /** The task `failed` for `error`, in the fixed words a page is shown, with their code. */
  const publishFailed = (
    run: Pick<TaskRun, 'bus' | 'contextId'>,
    taskId: string,
    error: unknown,
  ) => {
    const shown = toBrowserError(error, undefined);
    publishStatus(run, taskId, TaskState.TASK_STATE_FAILED, shown.message, {
      code: shown.code ?? 'run_failed',
    });
  };

  return {
    /** Whether `owner`'s task `taskId` has a run working now (one that waits for input is not). */
    isWorking: (owner, taskId) => {
      const run = running.get(taskId);
      return run?.owner === owner && !run.waiting;
    },

    async execute(request: RequestContext, bus: ExecutionEventBus): Promise<void> {
      const { taskId, contextId } = request;
      const waiting = running.get(taskId);
      if (waiting !== undefined && !waiting.waiting && request.task !== undefined) {
        // A second message that passed the door's working check while the task still waited
        // (two answers at once; the store's load is async): the first answer drives the run on
        // this same bus (the SDK's, one per task), so this one is no answer and starts nothing;
        // its request ends with what the run reaches. Starting a run here was refused, and its
        // `rejected` on the shared bus ended both requests and the task (the run went on).
        await waiting.driving;
        return;
      }
      if (waiting?.waiting && request.task !== undefined) {
        // The client's answer to what the task asked: the same run goes on, on this request's bus.
        waiting.bus = bus;
        waiting.context = request.context;
        bus.publish(AgentEvent.task(request.task));
        if (isRetriedMessage(request.userMessage, request.task.history)) {
          waiting.ask(RETRIED_ANSWER);
          return;
        }
        const answers = readApprovalAnswer(request.userMessage, [...waiting.pending.values()]);
        if (answers === undefined && waiting.pending.size > 0) {
          waiting.ask('The answer was neither "approve" nor "deny". ');
          return;
        }
        waiting.waiting = false;
        for (const answer of answers ?? []) {
          options.approvals?.answer(answer, { owner: waiting.owner });
        }
        publishStatus(waiting, taskId, TaskState.TASK_STATE_WORKING);
        waiting.driving = waiting.drive();
        await waiting.driving;
        return;
      }
      const task: Task = request.task ?? submittedTask(taskId, contextId, request.userMessage);
      bus.publish(AgentEvent.task(task));
      const owner = request.context.user?.userName ?? '';
      const refuse = (text: string) => rejectTask(bus, taskId, contextId, text);

      const input = readMessageInput(request.userMessage, refuse);
      if (input === undefined) return;
      const opened = sessions.open(contextId, owner, agentName, agent);
      if ('refused' in opened) {
        refuse(
          opened.refused === 'busy'
            ? 'Another task of this context is working; send the message when it has ended.'
            : "This context's history was dropped to keep the server's memory bounded; send the message again to start it anew, or with another contextId.",
        );
        return;
      }
      const held = opened;
      const abort = new AbortController();
      // The door span lasts the task's run, whichever request (send, resubscribe) reads it.
      // Only the answer's text is sent of the result (the artifact) and nothing of `run-end`:
      // only it is scanned, not the task's whole thread at every send (scrub48).
      let stream: Omit<ChatStream, 'result'> & { readonly result: Promise<{ text: string }> };
      try {
        stream = telemetry.run(
          {
            door: 'a2a',
            operation: 'SendMessage',
            agent: agentName,
            streaming: true,
            signal: abort.signal,
          },
          () =>
            keylessEventsShowing(
              opened.chat.sendStream(input, { signal: abort.signal }),
              (result: ChatResult) => ({ text: result.text }),
              scanned,
            ),
          (running) => running.result,
        );
      } catch (error) {
        // A run that fails as it starts (the door's tracer, as it opens the span) is told as any
        // failed run: thrown to the SDK, the task failed in the SDK's words around the door's
        // words to it ("the door told its onError"), with no code (doors67).
        await held.release();
        onError(error);
        publishFailed({ bus, contextId }, taskId, error);
        return;
      }
      stream.result.catch(() => {});
      const events = stream[Symbol.asyncIterator]() as AsyncIterator<GemloopEvent>;
      const seen = new WeakMap<object, unknown>();
      let next: Promise<IteratorResult<GemloopEvent>> | undefined;
      let wake: (() => void) | undefined;
      const listener: ApprovalListener = {
        runId: taskId,
        owner,
        owns: (rawArgs) => seen.has(rawArgs),
        pending(approval) {
          run.pending.set(approval.approvalId, approval);
          wake?.();
        },
        resolved(approvalId) {
          run.pending.delete(approvalId);
        },
        expired(approvalId) {
          // The task is `input-required`: its sending stream ended, nobody reads what the run
          // does with the denial. It ends here, `failed` (A2A: "finished with an error"; the spec
          // has no timed-out state, and the task did not complete), without a model call for no
          // one; its subscribers and webhooks are told (`endTask`).
          if (!run.waiting || run.canceled || options.endTask === undefined) return;
          run.canceled = true;
          const approval = run.pending.get(approvalId);
          run.abort.abort(new Error('No one answered the approval within its timeout.'));
          const text = `No answer came in time to approve the call of ${approval?.toolName ?? 'a tool'}: it was not run, and the task ended.`;
          void options
            .endTask(taskId, run.context, {
              state: TaskState.TASK_STATE_FAILED,
              message: agentMessage(taskId, contextId, text, { code: 'approval_timeout' }),
              timestamp: now(),
            })
            .catch(onError)
            .finally(() => run.close());
        },
      };
      const stopListening = broker?.listen(listener);
      const run: TaskRun = {
        abort,
        canceled: false,
        contextId,
        owner,
        bus,
        context: request.context,
        waiting: false,
        pending: new Map(),
        drive,
        driving: undefined,
        ask: askForApproval,
        async close() {
          running.delete(taskId);
          stopListening?.();
          // A pull an approval left waiting ends with the aborted run: nobody reads it now.
          next?.catch(() => {});
          await held.release();
        },
      };
      running.set(taskId, run);
      publishStatus(run, taskId, TaskState.TASK_STATE_WORKING);
      // Through `run.bus`: a request that answers an approval brings the bus that goes on. A
      // hand-off in an earlier task may have given the context to an agent with `output`: the
      // send's own load of the history names it, before the run's first event (doors-unify53:
      // a second load of the whole history per task found it).
      const publish = answerDeltaPublisher(
        { publish: (event) => run.bus.publish(event) } as ExecutionEventBus,
        taskId,
        contextId,
        followAnsweringAgent({ root: agent, holder: opened.holder }),
      );
      run.driving = drive();
      await run.driving;

      /** Pulls the run's events until it ends, or waits for approvals (then returns, waiting). */
      async function drive(): Promise<void> {
        let ended = false;
        try {
          for (;;) {
            if (run.pending.size > 0) {
              // The other calls of the same turn ask in the same tick or the next: one question.
              await new Promise((resolve) => setTimeout(resolve, 0));
              if (run.canceled) return;
              askForApproval('');
              return;
            }
            next ??= events.next();
            const woken = new Promise<'wake'>((resolve) => {
              wake = () => resolve('wake');
            });
            const step = await Promise.race([next, woken]);
            wake = undefined;
            if (step === 'wake') continue;
            next = undefined;
            if (step.done === true || run.canceled) break;
            const event = step.value;
            publish(event);
            if (event.type === 'tool-call' && broker !== undefined) {
              // Paired by the arguments object, never by an id the model chose (as AG-UI's door);
              // a subagent's call too: it waits on the same broker.
              seen.set(event.args, event.redactedArgs ?? event.args);
              broker.claim(event.args, listener);
            }
          }
          ended = true;
          const result = await stream.result;
          if (run.canceled) return;
          // The whole answer as the last chunk: a client that missed deltas (or a unary caller,
          // who gets the task) reads one part with the whole text.
          run.bus.publish(
            AgentEvent.artifactUpdate({
              taskId,
              contextId,
              artifact: answerArtifact(result.text),
              append: false,
              lastChunk: true,
              metadata: {},
            }),
          );
          publishStatus(run, taskId, TaskState.TASK_STATE_COMPLETED);
        } catch (error) {
          ended = true;
          if (run.canceled) return;
          onError(error);
          publishFailed(run, taskId, error);
        } finally {
          if (ended || run.canceled) await run.close();
        }
      }

      function askForApproval(prefix: string) {
        run.waiting = true;
        const { text, metadata } = approvalRequest([...run.pending.values()], (approval) =>
          seen.get(approval.rawArgs),
        );
        publishStatus(run, taskId, TaskState.TASK_STATE_INPUT_REQUIRED, prefix + text, metadata);
      }
    },

    async cancelTask(taskId: string, bus: ExecutionEventBus): Promise<void> {
      const run = running.get(taskId);
      if (run === undefined) return;
      run.canceled = true;
      run.abort.abort();
      // The SDK waits for a terminal state on the bus: the task ends canceled at once, and
      // `execute` publishes nothing more for it.
      bus.publish(
        AgentEvent.statusUpdate({
          taskId,
          contextId: run.contextId,
          status: { state: TaskState.TASK_STATE_CANCELED, message: undefined, timestamp: now() },
          metadata: {},
        }),
      );
      // A run that waits has no drive to end it: this one lets go of it.
      if (run.waiting) await run.close();
    },
  };
}
