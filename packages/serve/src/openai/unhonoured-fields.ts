import { invalidRequest } from './openai-request-error.ts';
import { isRecord } from './to-contents.ts';

// The request fields of OpenAI's APIs that shape the model's answer and that the door cannot honour
// (https://platform.openai.com/docs/api-reference/chat/create,
// https://platform.openai.com/docs/api-reference/responses/create): the answer's format, log
// probabilities (Gemini's `responseLogprobs`/`logprobs`; the door does not return them in OpenAI's
// shape), `logit_bias` (Gemini has no such setting). One that asks for something is refused with a
// 400 naming it, never ignored in silence (a client asking for JSON or log probabilities would get
// something else unawares). The sampling and length fields Gemini has map to the run's
// `generationConfig` (generation-fields.ts).

/** A field, the Gemini field it is (`''`: none), and whether a value asks for nothing (the API's default). */
type Field = readonly [name: string, gemini: string, asksNothing?: (value: unknown) => boolean];

const isFalse = (value: unknown) => value === false;
const isTextFormat = (value: unknown) => isRecord(value) && value['type'] === 'text';
const isEmptyObject = (value: unknown) => isRecord(value) && Object.keys(value).length === 0;

const CHAT_FIELDS: readonly Field[] = [
  ['response_format', 'responseMimeType and responseJsonSchema', isTextFormat],
  ['logprobs', 'responseLogprobs', isFalse],
  ['top_logprobs', 'logprobs'],
  ['logit_bias', '', isEmptyObject],
];

const RESPONSES_FIELDS: readonly Field[] = [['top_logprobs', 'logprobs']];

/**
 * Refuses a field of `body` that asks for a generation setting the door cannot honour per
 * request (absent, `null` and the API's own default ask for nothing).
 * @throws OpenAIRequestError 400 `unsupported_parameter` naming the field.
 * @internal
 */
export function refuseUnhonouredFields(
  body: Record<string, unknown>,
  api: 'chat' | 'responses',
): void {
  for (const [name, gemini, asksNothing] of api === 'chat' ? CHAT_FIELDS : RESPONSES_FIELDS) {
    const value = body[name];
    if (value === undefined || value === null || asksNothing?.(value) === true) continue;
    throw unhonoured(name, gemini);
  }
  refuseToolAndOutputAsks(body, api);
  if (api === 'responses') {
    const text = body['text'];
    // `text: "json"` was taken as no format at all (openai67).
    if (text !== undefined && text !== null && !isRecord(text)) {
      throw invalidRequest(
        'text',
        'text must be an object: { format: { type: "text" } }.',
        'invalid_type',
      );
    }
    const format = isRecord(text) ? text['format'] : undefined;
    if (format !== undefined && format !== null && !isTextFormat(format)) {
      throw unhonoured('text.format', 'responseMimeType and responseJsonSchema');
    }
  }
}

// The fields that ask for a tool call, an answer other than text, or a search (attack21). The door
// takes no tools from a request (the agent's own run on the server, `refuseClientTools`), so a
// `tool_choice` other than "auto" or "none" asks for a call of a tool the request cannot have
// given: OpenAI refuses it too ("'tool_choice' is only allowed when 'tools' are specified"). Each
// was ignored in silence: "required" got a text answer, `modalities: ["audio"]` no audio,
// `web_search_options` an answer nobody searched for, `max_tool_calls` no bound on the agent's
// tools. `parallel_tool_calls` asks nothing without tools (Codex sends `false` with none): a
// boolean is taken, another type refused as OpenAI refuses it.
function refuseToolAndOutputAsks(body: Record<string, unknown>, api: 'chat' | 'responses'): void {
  refuseCallAsk(body, 'tool_choice', '"auto", "none", "required" or an object naming a tool');
  // Chat Completions' deprecated spelling of `tool_choice` (openai-node 6.49.0:
  // `function_call?: 'none' | 'auto' | ChatCompletionFunctionCallOption`, "Deprecated in favor of
  // tool_choice"): `{ name }` asks for a call of a client function as `tool_choice` naming one
  // does, and was answered as if read (openai67).
  if (api === 'chat') {
    refuseCallAsk(body, 'function_call', '"auto", "none" or an object naming a function');
  }
  const parallel = body['parallel_tool_calls'];
  if (parallel !== undefined && parallel !== null && typeof parallel !== 'boolean') {
    throw invalidRequest(
      'parallel_tool_calls',
      'parallel_tool_calls must be a boolean.',
      'invalid_type',
    );
  }
  if (api === 'responses') {
    if (body['max_tool_calls'] !== undefined && body['max_tool_calls'] !== null) {
      throw invalidRequest(
        'max_tool_calls',
        "max_tool_calls is not supported: the agent's tools run on the server under its own limits. Leave max_tool_calls out.",
        'unsupported_parameter',
      );
    }
    return;
  }
  const modalities = body['modalities'];
  if (modalities !== undefined && modalities !== null) {
    if (!Array.isArray(modalities)) {
      throw invalidRequest('modalities', 'modalities must be an array.', 'invalid_type');
    }
    if (modalities.some((each) => each !== 'text')) {
      throw invalidRequest(
        'modalities',
        'modalities may only be ["text"] here: the agent answers in text. Leave modalities out.',
        'unsupported_value',
      );
    }
  }
  for (const [name, why] of [
    ['audio', 'the agent answers in text'],
    [
      'web_search_options',
      "a request cannot ask this server to search (the agent's own tools are its own)",
    ],
  ] as const) {
    if (body[name] !== undefined && body[name] !== null) {
      throw invalidRequest(
        name,
        `${name} is not supported: ${why}. Leave ${name} out.`,
        'unsupported_parameter',
      );
    }
  }
}

/**
 * Refuses `body[name]`, a `tool_choice` or its deprecated `function_call`, unless it asks for no
 * call: absent, `null`, `"auto"` or `"none"`; `shapes` says what else the API takes.
 */
function refuseCallAsk(body: Record<string, unknown>, name: string, shapes: string): void {
  const choice = body[name];
  if (choice === undefined || choice === null || choice === 'auto' || choice === 'none') return;
  if (typeof choice !== 'string' && !isRecord(choice)) {
    throw invalidRequest(name, `${name} must be ${shapes}.`, 'invalid_type');
  }
  throw invalidRequest(
    name,
    `${name} may only be "auto" or "none" here: it asks for a call of a tool of the request, and this server takes no tools from a request (the agent's own tools run on the server). Leave ${name} out.`,
    'unsupported_value',
  );
}

function unhonoured(name: string, gemini: string) {
  if (gemini === '') {
    return invalidRequest(
      name,
      `${name} is not supported: Gemini has no such setting. Leave ${name} out.`,
      'unsupported_parameter',
    );
  }
  return invalidRequest(
    name,
    `${name} is not supported by this server: Gemini's ${gemini} is not set per request here (the agent's own setting answers). Leave ${name} out.`,
    'unsupported_parameter',
  );
}
