import { type Artifact, type Message, type Part, Role, type Task, TaskState } from '@a2a-js/sdk';
import {
  AgentEvent,
  type AgentExecutor,
  type ExecutionEventBus,
  type RequestContext,
} from '@a2a-js/sdk/server';
import type { Agent } from '@gemloop/core';
import { toBrowserError } from '@gemloop/core/internal';
import type { DoorTelemetry } from '../door/door-telemetry.ts';
import type { OwnedSessions } from '../mcp/owned-sessions.ts';

/** The artifact each task's answer is streamed into. */
const ANSWER_ARTIFACT = 'answer';

/**
 * The A2A SDK's `AgentExecutor` for a gemloop agent: a task is a run, a `contextId` a chat
 * session of the caller's (the SDK's `DefaultRequestHandler` keeps the tasks; this runs them).
 *
 * Each task publishes, in order: the task (`submitted`), `working`, the answer's text deltas as
 * appends to the artifact `answer`, the whole answer as that artifact's last chunk, and
 * `completed`. A run that fails ends `failed` with fixed words and the error's code (the error
 * itself goes to `onError`); `cancelTask` aborts the run and ends it `canceled`. @internal
 */
export function createGemloopExecutor(options: {
  agent: Agent;
  agentName: string;
  sessions: OwnedSessions;
  onError: (error: unknown) => void;
  telemetry: DoorTelemetry;
}): AgentExecutor & { isWorking(owner: string, taskId: string): boolean } {
  const { agent, agentName, sessions, onError, telemetry } = options;
  // The run of each task that is working, by task id (the SDK's ids: random UUIDs, and it checks
  // the caller owns the task before it asks to cancel it).
  const running = new Map<
    string,
    { abort: AbortController; canceled: boolean; contextId: string; owner: string }
  >();

  return {
    /** Whether `owner`'s task `taskId` has a run working now. */
    isWorking: (owner, taskId) => running.get(taskId)?.owner === owner,

    async execute(request: RequestContext, bus: ExecutionEventBus): Promise<void> {
      const { taskId, contextId } = request;
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
      if (input === undefined) {
        publishStatus(
          TaskState.TASK_STATE_REJECTED,
          'This agent reads text: send the message as text parts (or data parts, read as JSON).',
        );
        return;
      }
      const owner = request.context.user?.userName ?? '';
      const opened = sessions.open(contextId, owner, agentName, agent);
      if ('refused' in opened) {
        publishStatus(
          TaskState.TASK_STATE_REJECTED,
          'Another task of this context is working; send the message when it has ended.',
        );
        return;
      }
      const run = { abort: new AbortController(), canceled: false, contextId, owner };
      running.set(taskId, run);
      try {
        publishStatus(TaskState.TASK_STATE_WORKING);
        // The door span lasts the task's run, whichever request (send, resubscribe) reads it.
        const stream = telemetry.run(
          {
            door: 'a2a',
            operation: 'SendMessage',
            agent: agentName,
            streaming: true,
            signal: run.abort.signal,
          },
          () => opened.chat.sendStream(input, { signal: run.abort.signal }),
          (running) => running.result,
        );
        const publish = answerDeltaPublisher(bus, taskId, contextId);
        for await (const event of stream) {
          if (run.canceled) break;
          publish(event);
        }
        const result = await stream.result;
        if (run.canceled) return;
        // The whole answer as the last chunk: a client that missed deltas (or a unary caller,
        // who gets the task) reads one part with the whole text.
        bus.publish(
          AgentEvent.artifactUpdate({
            taskId,
            contextId,
            artifact: answerArtifact(result.text),
            append: false,
            lastChunk: true,
            metadata: {},
          }),
        );
        publishStatus(TaskState.TASK_STATE_COMPLETED);
      } catch (error) {
        if (run.canceled) return;
        onError(error);
        const shown = toBrowserError(error, undefined);
        publishStatus(TaskState.TASK_STATE_FAILED, shown.message, {
          code: shown.code ?? 'run_failed',
        });
      } finally {
        running.delete(taskId);
        await opened.release();
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
    },
  };
}

/**
 * The text of a message: its text parts, and its data parts as JSON, one per line; `undefined`
 * when it has neither (files only). @internal
 */
export function textOf(message: Message): string | undefined {
  const lines: string[] = [];
  for (const part of message.parts ?? []) {
    const content = part.content;
    if (content?.$case === 'text') lines.push(content.value);
    else if (content?.$case === 'data') lines.push(JSON.stringify(content.value));
  }
  const text = lines.join('\n');
  return text.trim() === '' ? undefined : text;
}

/** A text part. @internal */
export function textPart(text: string): Part {
  return { content: { $case: 'text', value: text }, metadata: {}, filename: '', mediaType: '' };
}

/**
 * Publishes the top run's answer text as chunks of the `answer` artifact, the first replacing and
 * the rest appending; a subagent's text (inside its parent's tool call) and empty deltas are
 * skipped. Shared by the in-process and the durable executor. @internal
 */
export function answerDeltaPublisher(
  bus: ExecutionEventBus,
  taskId: string,
  contextId: string,
): (event: { type: string; path: readonly unknown[]; text?: string }) => void {
  let first = true;
  return (event) => {
    if (event.type !== 'text-delta' || event.path.length > 0 || !event.text) return;
    bus.publish(
      AgentEvent.artifactUpdate({
        taskId,
        contextId,
        artifact: answerArtifact(event.text),
        append: !first,
        lastChunk: false,
        metadata: {},
      }),
    );
    first = false;
  };
}

/** The artifact `answer` holding `text`. @internal */
export function answerArtifact(text: string): Artifact {
  return {
    artifactId: ANSWER_ARTIFACT,
    name: ANSWER_ARTIFACT,
    description: "The agent's answer.",
    parts: [textPart(text)],
    metadata: {},
    extensions: [],
  };
}

/** A message of the agent's with `text`. @internal */
export function agentMessage(
  taskId: string,
  contextId: string,
  text: string,
  metadata: Record<string, unknown> | undefined,
): Message {
  return {
    messageId: crypto.randomUUID(),
    taskId,
    contextId,
    role: Role.ROLE_AGENT,
    parts: [textPart(text)],
    metadata: metadata ?? {},
    extensions: [],
    referenceTaskIds: [],
  };
}

function now(): string {
  return new Date().toISOString();
}
