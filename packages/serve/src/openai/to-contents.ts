import type { Content, Part } from '@gemloop/core/wire';
import { invalidRequest } from './openai-request-error.ts';
import { CHAT_MEDIA_TYPES, RESPONSES_MEDIA_TYPES, readMediaContent } from './read-media-content.ts';

// OpenAI's messages as Gemini contents: text, and a user's images, audio and files (as
// `inlineData`, read-media-content.ts). The agent's tools run on the server, so a client's own
// tool calls and results (`tool` messages, `tool_calls`, `function_call_output` items) are
// refused rather than dropped. `system` and `developer` messages are left out: the agent's own
// `instructions` are the server's policy, and a caller does not replace them
// (docs/serving-openai-compatible.md).

/**
 * One message read from a request: its text, and, when it holds media, all its parts in order
 * (consecutive text parts joined, as `text` joins them all). @internal
 */
export type ReadMessage = {
  role: 'user' | 'model' | 'system';
  text: string;
  parts?: Part[] | undefined;
};

/** The part types each API's messages may hold. @internal */
export type TextPartTypes = {
  user: readonly string[];
  assistant: readonly string[];
  /** The media part types a user's message may hold besides. */
  media: readonly string[];
};

/** Chat Completions: `text` parts (and `refusal` in an assistant's), a user's media. */
export const CHAT_PART_TYPES: TextPartTypes = {
  user: ['text'],
  assistant: ['text', 'refusal'],
  media: CHAT_MEDIA_TYPES,
};

/**
 * Responses: `input_text` in the caller's, `output_text` and `refusal` in the assistant's, a
 * user's media.
 */
export const RESPONSES_PART_TYPES: TextPartTypes = {
  user: ['input_text'],
  assistant: ['output_text', 'refusal', 'input_text'],
  media: RESPONSES_MEDIA_TYPES,
};

/** Reads one message (`{ role, content }`) at `param`. @internal */
export function readMessage(value: unknown, param: string, parts: TextPartTypes): ReadMessage {
  if (!isRecord(value)) throw invalidRequest(param, `${param} must be an object.`, 'invalid_type');
  const role = value['role'];
  // `function_call` is the deprecated spelling of `tool_calls`: refused alike, not dropped.
  for (const field of ['tool_calls', 'function_call']) {
    if (value[field] !== undefined && value[field] !== null) {
      throw invalidRequest(
        `${param}.${field}`,
        `${param}.${field} is not supported: the agent's tools run on the server, so a conversation holds no client tool calls.`,
        'unsupported_parameter',
      );
    }
  }
  if (role === 'system' || role === 'developer') {
    return { role: 'system', ...readContent(value['content'], `${param}.content`, parts.user, []) };
  }
  if (role === 'user') {
    return {
      role: 'user',
      ...readContent(value['content'], `${param}.content`, parts.user, parts.media),
    };
  }
  if (role === 'assistant') {
    return {
      role: 'model',
      ...readContent(value['content'], `${param}.content`, parts.assistant, []),
    };
  }
  if (role === 'tool' || role === 'function') {
    throw invalidRequest(
      `${param}.role`,
      `${param}.role "${role}" is not supported: the agent's tools run on the server.`,
      'unsupported_value',
    );
  }
  throw invalidRequest(
    `${param}.role`,
    `${param}.role must be "user", "assistant", "system" or "developer".`,
    'invalid_value',
  );
}

/** The messages as contents, system messages left out. @internal */
export function toContents(messages: readonly ReadMessage[]): Content[] {
  const contents: Content[] = [];
  for (const message of messages) {
    if (message.role === 'system') continue;
    contents.push({ role: message.role, parts: message.parts ?? [{ text: message.text }] });
  }
  return contents;
}

/**
 * A message's content: a string, or an array of text parts of the allowed types and media parts
 * of the `media` types; `parts` only when it holds media.
 */
function readContent(
  content: unknown,
  param: string,
  types: readonly string[],
  media: readonly string[],
): { text: string; parts?: Part[] } {
  if (typeof content === 'string') return { text: content };
  if (!Array.isArray(content)) {
    throw invalidRequest(
      param,
      `${param} must be a string or an array of text parts.`,
      'invalid_type',
    );
  }
  let text = '';
  /** The parts so far, text parts in a row joined; kept only if a media part is found. */
  const parts: Part[] = [];
  let withMedia = false;
  content.forEach((part: unknown, index) => {
    const at = `${param}[${index}]`;
    if (!isRecord(part)) throw invalidRequest(at, `${at} must be an object.`, 'invalid_type');
    const type = part['type'];
    if (typeof type === 'string' && media.includes(type)) {
      parts.push(readMediaContent(part, at, type));
      withMedia = true;
      return;
    }
    if (typeof type !== 'string' || !types.includes(type)) {
      const allowed = [...types, ...media];
      throw invalidRequest(
        `${at}.type`,
        `${at}.type must be ${allowed.map((each) => `"${each}"`).join(' or ')}${media.length === 0 ? ': only text is supported here' : ''}.`,
        'unsupported_value',
      );
    }
    const value = type === 'refusal' ? part['refusal'] : part['text'];
    if (typeof value !== 'string') {
      throw invalidRequest(
        `${at}.${type === 'refusal' ? 'refusal' : 'text'}`,
        `${at}.${type === 'refusal' ? 'refusal' : 'text'} must be a string.`,
        'invalid_type',
      );
    }
    text += value;
    const previous = parts.at(-1);
    if (previous?.text !== undefined) previous.text += value;
    else parts.push({ text: value });
  });
  return withMedia ? { text, parts } : { text };
}

/** Whether `value` is a plain object (not an array, not null). @internal */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A request's own `tools` (and Chat Completions' deprecated `functions`), refused: the agent's
 * tools run on the server. @internal
 */
export function refuseClientTools(body: Record<string, unknown>, api: 'chat' | 'responses'): void {
  for (const field of api === 'chat' ? ['tools', 'functions'] : ['tools']) {
    const value = body[field];
    // `tools: { ... }` or `"all"` was taken as no tools at all (openai67).
    if (value !== undefined && value !== null && !Array.isArray(value)) {
      throw invalidRequest(field, `${field} must be an array.`, 'invalid_type');
    }
    if (Array.isArray(value) && value.length > 0) {
      throw invalidRequest(
        field,
        `${field} is not supported: the agent's own tools run on the server.`,
        'unsupported_parameter',
      );
    }
  }
}
