import { invalidRequest } from './openai-request-error.ts';
import { isRecord } from './to-contents.ts';

// The request fields of OpenAI's APIs that shape the model's answer (sampling, length, format,
// log probabilities), and the Gemini `generationConfig` field each would map to
// (https://platform.openai.com/docs/api-reference/chat/create,
// https://platform.openai.com/docs/api-reference/responses/create; Gemini's GenerationConfig,
// /work/shared/reference/gemini-wire.md). A run takes no generation config of its own yet (the
// agent's is set once, in `createAgent`), so the door cannot honour them per request: one that
// asks for something is refused with a 400 naming it, never ignored in silence (a client asking
// for JSON, stop words, a token limit or log probabilities would get something else unawares).

/** A field, the Gemini field it is (`''`: none), and whether a value asks for nothing (the API's default). */
type Field = readonly [name: string, gemini: string, asksNothing?: (value: unknown) => boolean];

const isFalse = (value: unknown) => value === false;
const isEmptyList = (value: unknown) => Array.isArray(value) && value.length === 0;
const isTextFormat = (value: unknown) => isRecord(value) && value['type'] === 'text';
const isEmptyObject = (value: unknown) => isRecord(value) && Object.keys(value).length === 0;

const CHAT_FIELDS: readonly Field[] = [
  ['max_tokens', 'maxOutputTokens'],
  ['max_completion_tokens', 'maxOutputTokens'],
  ['temperature', 'temperature'],
  ['top_p', 'topP'],
  ['stop', 'stopSequences', isEmptyList],
  ['seed', 'seed'],
  ['presence_penalty', 'presencePenalty'],
  ['frequency_penalty', 'frequencyPenalty'],
  ['response_format', 'responseMimeType and responseJsonSchema', isTextFormat],
  ['logprobs', 'responseLogprobs', isFalse],
  ['top_logprobs', 'logprobs'],
  ['logit_bias', '', isEmptyObject],
];

const RESPONSES_FIELDS: readonly Field[] = [
  ['max_output_tokens', 'maxOutputTokens'],
  ['temperature', 'temperature'],
  ['top_p', 'topP'],
  ['top_logprobs', 'logprobs'],
];

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
  if (api === 'responses') {
    const text = body['text'];
    const format = isRecord(text) ? text['format'] : undefined;
    if (format !== undefined && format !== null && !isTextFormat(format)) {
      throw unhonoured('text.format', 'responseMimeType and responseJsonSchema');
    }
  }
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
    `${name} is not supported by this server: each request is answered with the agent's own generation settings (Gemini's ${gemini}, set on the server with createAgent({ generationConfig })). Leave ${name} out.`,
    'unsupported_parameter',
  );
}
