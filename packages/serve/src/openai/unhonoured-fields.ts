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
    `${name} is not supported by this server: Gemini's ${gemini} is not set per request here (the agent's own setting answers). Leave ${name} out.`,
    'unsupported_parameter',
  );
}
