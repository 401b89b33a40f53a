import { type Task, TaskState } from '@a2a-js/sdk';
import {
  AgentEvent,
  type AgentExecutor,
  type ExecutionEventBus,
  type RequestContext,
} from '@a2a-js/sdk/server';
import { toBrowserError } from '@gemloop/core/internal';
import type { A2ADurableOptions } from './durable-a2a-runs.ts';
import { agentMessage, answerArtifact, answerDeltaPublisher, textOf } from './task-parts.ts';

/** The durable executor: the SDK's `AgentExecutor`, and the follower a resubscribe starts. */
export type DurableExecutor = AgentExecutor & {
  /** Whether `owner`'s task `taskId` is followed by this door now. */
  isWorking(owner: string, taskId: string): boolean;
  /**
   * Publishes on `bus` what the durable run of `task` does from its first event until it ends
   * (a door that did not start the run, after the one that did died), then its outcome.
   */
  follow(task: Task, owner: string, bus: ExecutionEventBus): Promise<void>;
};

/**
 * The A2A SDK's `AgentExecutor` for durable runs: a task is the durable run of the same id
 * (`runs.start(agent, { runId: taskId, owner })`), which any worker of the fleet runs and takes
 * over after a crash. The door reads the run's stored events and publishes them as the
 * in-process executor does (`working`, the answer's deltas as appends to the artifact `answer`,
 * the whole answer as its last chunk, `completed`), so a door that did not start the run (the
 * starting one died) publishes the same from the run's first event. A door that loses the run's
 * events (its database connection) publishes nothing more: the run goes on, and a resubscribe
 * picks it up. A run that failed ends the task `failed` with fixed words and the error's code;
 * `cancelTask` cancels the durable run. @internal
 */
export function createDurableExecutor(options: {
  durable: A2ADurableOptions;
  onError: (error: unknown) => void;
}): DurableExecutor {
  const { runs, agent } = options.durable;
  const { onError } = options;
  // The tasks this door follows now, by task id (the durable run's id).
  const following = new Map<string, { canceled: boolean; contextId: string; owner: string }>();

  async function follow(task: Task, owner: string, bus: ExecutionEventBus): Promise<void> {
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
    const run = following.get(taskId) ?? { canceled: false, contextId, owner };
    following.set(taskId, run);
    try {
      const publish = answerDeltaPublisher(bus, taskId, contextId);
      try {
        for await (const { event } of runs.events(taskId, { offset: 0, owner })) {
          if (run.canceled) return;
          publish(event);
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
        text = (await runs.result(taskId)).text;
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

  return {
    isWorking: (owner, taskId) => following.get(taskId)?.owner === owner,
    follow,

    async execute(request: RequestContext, bus: ExecutionEventBus): Promise<void> {
      const { taskId, contextId } = request;
      const task: Task = request.task ?? {
        id: taskId,
        contextId,
        status: { state: TaskState.TASK_STATE_SUBMITTED, message: undefined, timestamp: now() },
        artifacts: [],
        history: [request.userMessage],
        metadata: {},
      };
      bus.publish(AgentEvent.task(task));
      const input = textOf(request.userMessage);
      const owner = request.context.user?.userName ?? '';
      if (input === undefined || request.task !== undefined) {
        bus.publish(
          AgentEvent.statusUpdate({
            taskId,
            contextId,
            status: {
              state: TaskState.TASK_STATE_REJECTED,
              message: agentMessage(
                taskId,
                contextId,
                input === undefined
                  ? 'This agent reads text: send the message as text parts (or data parts, read as JSON).'
                  : 'A durable task is one run: send the next message as a new task of the context.',
                undefined,
              ),
              timestamp: now(),
            },
            metadata: {},
          }),
        );
        return;
      }
      try {
        await runs.start(agent, { runId: taskId, input, owner });
      } catch (error) {
        // Thrown out of here, the SDK would put the error's own words in the task.
        onError(error);
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
      const run = following.get(taskId);
      if (run === undefined) return;
      run.canceled = true;
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

function now(): string {
  return new Date().toISOString();
}
