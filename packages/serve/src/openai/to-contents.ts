import type { Content } from '@gemloop/core/wire';
import { invalidRequest } from './openai-request-error.ts';

// OpenAI's messages as Gemini contents. Only text travels: the agent's tools run on the server,
// so a client's own tool calls and results (`tool` messages, `tool_calls`, `function_call_output`
// items) are refused rather than dropped, and so are images and files (not built yet). `system`
// and `developer` messages are left out: the agent's own `instructions` are the server's policy,
// and a caller does not replace them (docs/serving-openai-compatible.md).

/** One message read from a request. @internal */
export type ReadMessage = { role: 'user' | 'model' | 'system'; text: string };

/** The text part types each API's messages may hold. @internal */
export type TextPartTypes = {
  user: readonly string[];
  assistant: readonly string[];
};

/** Chat Completions: `text` parts (and `refusal` in an assistant's). */
export const CHAT_PART_TYPES: TextPartTypes = {
  user: ['text'],
  assistant: ['text', 'refusal'],
};

/** Responses: `input_text` in the caller's, `output_text` and `refusal` in the assistant's. */
export const RESPONSES_PART_TYPES: TextPartTypes = {
  user: ['input_text'],
  assistant: ['output_text', 'refusal', 'input_text'],
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
    return { role: 'system', text: readText(value['content'], `${param}.content`, parts.user) };
  }
  if (role === 'user') {
    return { role: 'user', text: readText(value['content'], `${param}.content`, parts.user) };
  }
  if (role === 'assistant') {
    return {
      role: 'model',
      text: readText(value['content'], `${param}.content`, parts.assistant),
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
    contents.push({ role: message.role, parts: [{ text: message.text }] });
  }
  return contents;
}

/** A message's text: a string, or an array of text parts of the allowed types. */
function readText(content: unknown, param: string, types: readonly string[]): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) {
    throw invalidRequest(
      param,
      `${param} must be a string or an array of text parts.`,
      'invalid_type',
    );
  }
  let text = '';
  content.forEach((part: unknown, index) => {
    const at = `${param}[${index}]`;
    if (!isRecord(part)) throw invalidRequest(at, `${at} must be an object.`, 'invalid_type');
    const type = part['type'];
    if (typeof type !== 'string' || !types.includes(type)) {
      throw invalidRequest(
        `${at}.type`,
        `${at}.type must be ${types.map((each) => `"${each}"`).join(' or ')}: only text is supported.`,
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
  });
  return text;
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
    if (Array.isArray(body[field]) && (body[field] as unknown[]).length > 0) {
      throw invalidRequest(
        field,
        `${field} is not supported: the agent's own tools run on the server.`,
        'unsupported_parameter',
      );
    }
  }
}
