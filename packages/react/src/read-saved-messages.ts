// The messages a page gives back (`initialMessages` from its storage, `setMessages`), read to the
// types the chat state promises before the reducer or a render touches them. They come from
// storage: an app's older build, its own store, a value cut short or edited. attack61f read a
// message's missing fields; client68 its entries: a `null` tool call, approval or step text,
// `files` or `elicitations` that are no list, `usage` that is a string threw from the hook's first
// render or from the reducer at the next event, Stop or approval (React then unmounts the page).

import type {
  AgentChatMessage,
  AssistantChatMessage,
  ChatApproval,
  ChatElicitation,
  ChatError,
  ChatFile,
  ChatToolCall,
  ToolCallStatus,
  UserChatMessage,
} from './agent-chat-message.ts';
import { isUsage } from './is-well-formed-event.ts';

type Entry = Record<string, unknown>;

const isEntry = (value: unknown): value is Entry => typeof value === 'object' && value !== null;
const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);
const stringOr = (value: unknown, fallback: string): string =>
  typeof value === 'string' ? value : fallback;
const optionalString = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;
const isPath = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((name) => typeof name === 'string');
const isArgs = (value: unknown): value is Record<string, unknown> | undefined =>
  value === undefined || (isEntry(value) && !Array.isArray(value));
const STATUSES: readonly unknown[] = [
  'pending',
  'running',
  'done',
  'error',
] satisfies ToolCallStatus[];
const OUTCOMES: readonly unknown[] = ['completed', 'aborted', 'error'];

/**
 * `messages` read leniently to the chat state's types: anything but a list is no messages; an
 * entry that is no message of either role is left out; in a message, an entry of a list that is
 * no entry (no id to find it by) is left out, and a field of the wrong type gets its empty value
 * (a tool call's unknown status is `error`: it ended, nobody knows how). A message that is whole
 * is kept as the same object, so React skips what did not change. @internal
 */
export function readSavedMessages(messages: unknown): AgentChatMessage[] {
  if (!Array.isArray(messages)) return [];
  const read: AgentChatMessage[] = [];
  for (const message of messages as unknown[]) {
    if (!isEntry(message)) continue;
    if (message['role'] === 'user') read.push(readUser(message as UserChatMessage));
    else if (message['role'] === 'assistant')
      read.push(readAssistant(message as AssistantChatMessage));
  }
  return read;
}

function readUser(message: UserChatMessage): UserChatMessage {
  const text = stringOr(message.text, '');
  const files = readList(message.files, readFile);
  if (text === message.text && files === message.files) return message;
  const { files: _, ...rest } = message;
  return files === undefined ? { ...rest, text } : { ...rest, text, files };
}

function readAssistant(message: AssistantChatMessage): AssistantChatMessage {
  const read: AssistantChatMessage = {
    ...message,
    text: stringOr(message.text, ''),
    thoughts: stringOr(message.thoughts, ''),
    toolCalls: readList(message.toolCalls, readToolCall) ?? [],
    approvals: readList(message.approvals, readApproval) ?? [],
    stepTexts: readList(message.stepTexts, readStepText),
    elicitations: readList(message.elicitations, readElicitation),
    runId: optionalString(message.runId),
    handedOverAt: isCount(message.handedOverAt) ? message.handedOverAt : undefined,
    usage: isUsage(message.usage) ? message.usage : undefined,
    outcome: OUTCOMES.includes(message.outcome) ? message.outcome : undefined,
    finishReason: optionalString(message.finishReason),
    error: readError(message.error),
  };
  const keys = Object.keys(read) as (keyof AssistantChatMessage)[];
  if (keys.every((key) => read[key] === message[key])) return message;
  // Fields that were absent stay absent: a saved message compares equal to what was saved.
  for (const key of keys) if (read[key] === undefined && !(key in message)) delete read[key];
  return read;
}

/**
 * A saved list read entry by entry: the same array when every entry was whole, `undefined` for
 * anything but a list.
 */
function readList<T>(list: unknown, readEntry: (entry: Entry) => T | undefined): T[] | undefined {
  if (!Array.isArray(list)) return undefined;
  let read: T[] | undefined;
  for (let index = 0; index < list.length; index++) {
    const entry: unknown = list[index];
    const each = isEntry(entry) ? readEntry(entry) : undefined;
    if (each !== entry && read === undefined) read = list.slice(0, index) as T[];
    if (read !== undefined && each !== undefined) read.push(each);
  }
  return read ?? (list as T[]);
}

/** An entry with its fields of the right types: itself when they were, else a copy. */
function readFields<T>(entry: Entry, read: T): T {
  for (const key of Object.keys(read as object)) {
    if ((read as Entry)[key] !== entry[key]) return read;
  }
  return entry as T;
}

function readToolCall(call: Entry): ChatToolCall | undefined {
  if (typeof call['toolCallId'] !== 'string') return undefined;
  return readFields<ChatToolCall>(call, {
    ...call,
    toolCallId: call['toolCallId'],
    toolName: stringOr(call['toolName'], ''),
    path: isPath(call['path']) ? call['path'] : [],
    stepNumber: isCount(call['stepNumber']) ? call['stepNumber'] : 0,
    args: isArgs(call['args']) ? call['args'] : undefined,
    status: STATUSES.includes(call['status']) ? (call['status'] as ToolCallStatus) : 'error',
    outcome: optionalString(call['outcome']),
    preview: optionalString(call['preview']),
    error: optionalString(call['error']),
    truncated: typeof call['truncated'] === 'boolean' ? call['truncated'] : undefined,
  });
}

function readApproval(approval: Entry): ChatApproval | undefined {
  const { approvalId, toolCallId, answering } = approval;
  if (typeof approvalId !== 'string' || typeof toolCallId !== 'string') return undefined;
  return readFields<ChatApproval>(approval, {
    ...approval,
    approvalId,
    toolCallId,
    toolName: stringOr(approval['toolName'], ''),
    path: isPath(approval['path']) ? approval['path'] : [],
    args: isArgs(approval['args']) ? approval['args'] : undefined,
    answering: answering === 'approve' || answering === 'deny' ? answering : undefined,
  });
}

function readStepText(step: Entry): { stepNumber: number; text: string } | undefined {
  return isCount(step['stepNumber']) && typeof step['text'] === 'string'
    ? (step as { stepNumber: number; text: string })
    : undefined;
}

function readElicitation(question: Entry): ChatElicitation | undefined {
  const { id, mode, server, message } = question;
  if (typeof id !== 'string' || (mode !== 'form' && mode !== 'url')) return undefined;
  if (typeof server !== 'string' || typeof message !== 'string') return undefined;
  return readFields<ChatElicitation>(question, {
    ...question,
    id,
    mode,
    server,
    message,
    path: isPath(question['path']) ? question['path'] : [],
    toolCalls:
      readList(question['toolCalls'], (call) =>
        typeof call['toolCallId'] === 'string' && typeof call['toolName'] === 'string'
          ? (call as { toolCallId: string; toolName: string })
          : undefined,
      ) ?? [],
    fields: readList(question['fields'], (field) =>
      typeof field['name'] === 'string' &&
      typeof field['type'] === 'string' &&
      typeof field['required'] === 'boolean' &&
      (field['title'] === undefined || typeof field['title'] === 'string')
        ? (field as NonNullable<ChatElicitation['fields']>[number])
        : undefined,
    ),
    host: optionalString(question['host']),
  });
}

function readFile(file: Entry): ChatFile | undefined {
  if (typeof file['mediaType'] !== 'string' || !isCount(file['size'])) return undefined;
  return readFields<ChatFile>(file, {
    ...file,
    mediaType: file['mediaType'],
    size: file['size'],
    filename: optionalString(file['filename']),
    previewUrl: optionalString(file['previewUrl']),
  });
}

/**
 * A saved error: an `Error` as it is; an object with its `name` and `message` as strings (a
 * `ClientError` saved through JSON has no `message`: it is not an own enumerable property), its
 * `code` only when a string. Anything else is no error.
 */
function readError(error: unknown): ChatError | undefined {
  if (error instanceof Error) return error;
  if (!isEntry(error) || Array.isArray(error)) return undefined;
  const { code, ...rest } = error;
  return readFields<ChatError>(error, {
    ...rest,
    name: stringOr(error['name'], 'Error'),
    message: stringOr(error['message'], ''),
    ...(typeof code === 'string' ? { code } : {}),
  });
}
