import { type Artifact, type Message, type Part, Role, type Task, TaskState } from '@a2a-js/sdk';
import { AgentEvent, type ExecutionEventBus } from '@a2a-js/sdk/server';
import {
  type AnsweringAgent,
  type AnsweringEvent,
  followAnsweringAgent,
} from '../door/follow-answering-agent.ts';

// The parts of an A2A task both executors (in process, durable) publish: the user's text read,
// the task as submitted or rejected, the agent's messages, the `answer` artifact and its streamed
// chunks.

/** The artifact each task's answer is streamed into. */
const ANSWER_ARTIFACT = 'answer';

/**
 * The text of a message: its text parts, and its data parts as JSON, one per line; `undefined`
 * when it has neither (files only: message-input.ts reads those). @internal
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
 * skipped. Shared by the in-process and the durable executor.
 *
 * Deltas are held while they are under a quarter of the text sent so far, and sent with the next
 * delta past it or the run's next other event (a step's end, a tool call): the SDK's task store
 * copies the whole task on each artifact update (`ResultManager.applyArtifactUpdate`), so a chunk
 * per delta cost the square of their number (4,096 deltas of 64 B: 40 s). Geometric chunks keep
 * it linear (about 40 updates), and a short answer still goes out delta by delta. A guardrail's
 * retraction of the streamed text replaces the artifact with what it left.
 *
 * A top-level `handoff` empties the artifact: the answer comes from the receiver from then on, and
 * the text of the agent handing over was joined to it (`Let me hand you over.{"city":…}`, doors53).
 * `answering` (a `followAnsweringAgent`, fed every event) says when the agent answering has an
 * `output` schema: its deltas are not sent, the validated JSON the run ends with
 * is the artifact's last chunk, as the OpenAI door sends it (a refused answer, or the tool loop's
 * prose, streamed first was an artifact a client could parse as the answer before it was taken
 * back). @internal
 */
export function answerDeltaPublisher(
  bus: ExecutionEventBus,
  taskId: string,
  contextId: string,
  answering: (event: AnsweringEvent) => AnsweringAgent = followAnsweringAgent({ root: undefined }),
): (event: { type: string; path: readonly unknown[]; text?: string }) => void {
  let first = true;
  let sent = 0;
  let held = '';
  const publish = (text: string, append: boolean) => {
    bus.publish(
      AgentEvent.artifactUpdate({
        taskId,
        contextId,
        artifact: answerArtifact(text),
        append,
        lastChunk: false,
        metadata: {},
      }),
    );
  };
  const flush = () => {
    if (held === '') return;
    publish(held, !first);
    sent += held.length;
    held = '';
    first = false;
  };
  return (event) => {
    const withOutput = answering(event).answersWithOutput;
    if (event.type === 'handoff' && event.path.length === 0) {
      // Steps end (and flush) before their hand-off: nothing of the agent handing over is held.
      held = '';
      if (sent > 0) publish('', false);
      sent = 0;
      return;
    }
    if (event.type === 'guardrail-retraction') {
      // An output guardrail (or a plugin's checkAnswer) took back the text streamed so far: the
      // artifact is replaced by what it left. A block ends the run failed, where no final answer
      // replaces the artifact: the task kept the blocked text for every later GetTask (attack21).
      if (event.path.length > 0) return;
      held = '';
      // Nothing shown (none sent yet, or emptied by a hand-off): nothing to take back.
      if (sent === 0 && !event.text) return;
      publish(event.text ?? '', false);
      sent = event.text?.length ?? 0;
      first = false;
      return;
    }
    if (event.type !== 'text-delta') {
      flush();
      return;
    }
    if (event.path.length > 0 || !event.text || withOutput) return;
    held += event.text;
    if (held.length * 4 >= sent) flush();
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

/** A new task as both executors first publish it: submitted, the user's message its history. @internal */
export function submittedTask(taskId: string, contextId: string, userMessage: Message): Task {
  return {
    id: taskId,
    contextId,
    status: { state: TaskState.TASK_STATE_SUBMITTED, message: undefined, timestamp: now() },
    artifacts: [],
    history: [userMessage],
    metadata: {},
  };
}

/** The message a task is refused with when its message holds nothing to read. @internal */
export const EMPTY_MESSAGE_REFUSAL =
  'The message is empty: send text parts, data parts (read as JSON), or files (bytes or data URLs).';

/** Publishes the task's end as rejected, with the agent's `text` saying why. @internal */
export function rejectTask(
  bus: ExecutionEventBus,
  taskId: string,
  contextId: string,
  text: string,
): void {
  bus.publish(
    AgentEvent.statusUpdate({
      taskId,
      contextId,
      status: {
        state: TaskState.TASK_STATE_REJECTED,
        message: agentMessage(taskId, contextId, text, undefined),
        timestamp: now(),
      },
      metadata: {},
    }),
  );
}

/**
 * Publishes the task's statuses on `bus`: each its `state`, with the agent's `text` (and
 * `metadata`) when given. @internal
 */
export function statusPublisher(
  bus: ExecutionEventBus,
  taskId: string,
  contextId: string,
): (state: TaskState, text?: string, metadata?: Record<string, unknown>) => void {
  return (state, text, metadata) =>
    bus.publish(
      AgentEvent.statusUpdate({
        taskId,
        contextId,
        status: {
          state,
          message: text === undefined ? undefined : agentMessage(taskId, contextId, text, metadata),
          timestamp: now(),
        },
        metadata: {},
      }),
    );
}

/** The time now, as A2A's timestamps write it. @internal */
export function now(): string {
  return new Date().toISOString();
}
