import { type Artifact, type Message, type Part, Role } from '@a2a-js/sdk';
import { AgentEvent, type ExecutionEventBus } from '@a2a-js/sdk/server';

// The parts of an A2A task both executors (in process, durable) publish: the user's text read,
// the agent's messages, the `answer` artifact and its streamed chunks.

/** The artifact each task's answer is streamed into. */
const ANSWER_ARTIFACT = 'answer';

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

/** The time now, as A2A's timestamps write it. @internal */
export function now(): string {
  return new Date().toISOString();
}
