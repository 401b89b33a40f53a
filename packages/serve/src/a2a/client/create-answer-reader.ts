import type { Message, Part, StreamResponse, Task } from '@a2a-js/sdk';
import { TaskState } from '@a2a-js/sdk';

/** What {@link createAnswerReader} has read of a remote task's answer so far. */
export type AnswerReader = {
  /** The remote task's id, once an event named it. */
  taskId: string | undefined;
  /** The conversation's `contextId` (`''` until the remote names it). */
  contextId: string;
  /** The task's last state, once an event gave one. */
  state: TaskState | undefined;
  /** The text of the task's last status message. */
  statusText: string;
  /** The answer: the artifacts' text, or a message's when there is no artifact. */
  answer(): string;
  /** A task that has not ended (a message, or no answer yet, is not pending). */
  pending(): boolean;
  /** Reads one event of a streamed answer. */
  read(event: StreamResponse): void;
  /** Reads a whole task: its id, context, status and any artifact not seen yet. */
  task(task: Task): void;
  /** Reads a task's status: its state and message. */
  status(status: Task['status']): void;
  /** A unary answer: a task (its artifacts) or a message. */
  result(result: Task | Message): void;
};

/**
 * Follows a task's events: the artifacts' text (an append adds to an artifact, anything else
 * replaces it), the state, the status message, and the text to show as it comes (`onText`: the
 * appended text, never a replacement that repeats it).
 */
export function createAnswerReader(
  onText: (text: string) => void,
  onTaskId: () => void,
): AnswerReader {
  const artifacts = new Map<string, string>();
  let messageText = '';
  const reader: AnswerReader = {
    taskId: undefined,
    contextId: '',
    state: undefined,
    statusText: '',
    answer: () => (artifacts.size > 0 ? [...artifacts.values()].join('\n') : messageText),
    /** A task that has not ended (a message, or no answer yet, is not pending). */
    pending: () =>
      reader.taskId !== undefined &&
      (reader.state === TaskState.TASK_STATE_SUBMITTED ||
        reader.state === TaskState.TASK_STATE_WORKING),
    read(event: StreamResponse) {
      const payload = event.payload;
      switch (payload?.$case) {
        case 'task':
          reader.task(payload.value);
          break;
        case 'message':
          messageText = textOfParts(payload.value.parts);
          reader.contextId = payload.value.contextId;
          onText(messageText);
          break;
        case 'statusUpdate':
          reader.taskId = payload.value.taskId;
          onTaskId();
          reader.contextId = payload.value.contextId || reader.contextId;
          reader.status(payload.value.status);
          break;
        case 'artifactUpdate': {
          const artifact = payload.value.artifact;
          if (artifact === undefined) break;
          const text = textOfParts(artifact.parts);
          const before = artifacts.get(artifact.artifactId);
          if (payload.value.append && before !== undefined) {
            artifacts.set(artifact.artifactId, before + text);
            onText(text);
          } else {
            artifacts.set(artifact.artifactId, text);
            if (before === undefined || before === '') onText(text);
          }
          break;
        }
        default:
          break;
      }
    },
    task(task: Task) {
      reader.taskId = task.id;
      onTaskId();
      reader.contextId = task.contextId;
      reader.status(task.status);
      for (const artifact of task.artifacts) {
        if (!artifacts.has(artifact.artifactId)) {
          artifacts.set(artifact.artifactId, textOfParts(artifact.parts));
        }
      }
    },
    status(status: Task['status']) {
      if (status === undefined) return;
      reader.state = status.state;
      if (status.message !== undefined) reader.statusText = textOfParts(status.message.parts);
    },
    /** A unary answer: a task (its artifacts) or a message. */
    result(result: Task | Message) {
      if ('artifacts' in result) {
        const before = reader.answer();
        reader.task(result);
        for (const artifact of result.artifacts) {
          artifacts.set(artifact.artifactId, textOfParts(artifact.parts));
        }
        const after = reader.answer();
        // What a read of the task added to the answer, shown as it comes.
        if (after.startsWith(before) && after.length > before.length) {
          onText(after.slice(before.length));
        }
      } else reader.read({ payload: { $case: 'message', value: result } });
    },
  };
  return reader;
}

function textOfParts(parts: readonly Part[]): string {
  return parts.map((part) => (part.content?.$case === 'text' ? part.content.value : '')).join('');
}
