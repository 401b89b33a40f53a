import type { RunOptions } from '@gemloop/core/agent';
import { invalidRequest } from './openai-request-error.ts';

// The request fields of OpenAI's APIs that Gemini's `generationConfig` has a field for, mapped to
// the run's `generationConfig` run option (over the agent's, for this request's run only). The
// ranges are OpenAI's (https://platform.openai.com/docs/api-reference/chat/create,
// https://platform.openai.com/docs/api-reference/responses/create): temperature 0 to 2, top_p 0
// to 1, the penalties -2 to 2, up to 4 stop sequences; a token limit is a positive integer and the
// seed an integer, both int32 as Gemini's fields are (GenerationConfig, `maxOutputTokens` and
// `seed`, /work/shared/reference/gemini-wire.md). A value out of them is a 400 naming the field,
// before any run starts. What Gemini has no field for stays refused (unhonoured-fields.ts).

type GenerationConfig = NonNullable<RunOptions['generationConfig']>;

/** A field, the Gemini field it sets, and how its value is read. */
type Field = readonly [name: string, gemini: keyof GenerationConfig, read: Read];
type Read = (value: unknown, name: string) => GenerationConfig[keyof GenerationConfig];

const INT32_MAX = 2_147_483_647;

// The codes are OpenAI's, as its API answers each refusal (the official client surfaces `code`):
// "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 200
// instead." is `decimal_above_max_value`; "Invalid 'n': integer above maximum value" is
// `integer_above_max_value` (thisisartium/continuous-alignment-testing#25); max_tokens 0 is
// `integer_below_min_value` (OpenBMB/ChatDev#446); a value of another JSON type, 1.5 for an
// integer too, is `invalid_type` (diffbot/code-gpt-docs#273); "Invalid 'stop': array too long"
// is `array_above_max_length`. All were `invalid_value` before (attack-doors8). The words are
// ours: they never echo the value.

const between =
  (min: number, max: number): Read =>
  (value, name) => {
    const expected = `${name} must be a number from ${min} to ${max}.`;
    if (typeof value !== 'number') throw invalidRequest(name, expected, 'invalid_type');
    if (value < min) throw invalidRequest(name, expected, 'decimal_below_min_value');
    if (value > max) throw invalidRequest(name, expected, 'decimal_above_max_value');
    return value;
  };

const integer =
  (min: number): Read =>
  (value, name) => {
    const expected = `${name} must be an integer from ${min} to ${INT32_MAX}.`;
    if (!Number.isInteger(value)) throw invalidRequest(name, expected, 'invalid_type');
    if ((value as number) < min) throw invalidRequest(name, expected, 'integer_below_min_value');
    if ((value as number) > INT32_MAX) {
      throw invalidRequest(name, expected, 'integer_above_max_value');
    }
    return value as number;
  };

const stopSequences: Read = (value, name) => {
  const list = typeof value === 'string' ? [value] : value;
  const expected = `${name} must be a string or an array of up to 4 non-empty strings.`;
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) {
    throw invalidRequest(name, expected, 'invalid_type');
  }
  if (list.length > 4) throw invalidRequest(name, expected, 'array_above_max_length');
  if (list.includes('')) throw invalidRequest(name, expected);
  return list as string[];
};

const tokens = integer(1);
const penalty = between(-2, 2);

const CHAT_FIELDS: readonly Field[] = [
  ['max_tokens', 'maxOutputTokens', tokens],
  ['max_completion_tokens', 'maxOutputTokens', tokens],
  ['temperature', 'temperature', between(0, 2)],
  ['top_p', 'topP', between(0, 1)],
  ['stop', 'stopSequences', stopSequences],
  ['seed', 'seed', integer(-INT32_MAX - 1)],
  ['presence_penalty', 'presencePenalty', penalty],
  ['frequency_penalty', 'frequencyPenalty', penalty],
];

const RESPONSES_FIELDS: readonly Field[] = [
  ['max_output_tokens', 'maxOutputTokens', tokens],
  ['temperature', 'temperature', between(0, 2)],
  ['top_p', 'topP', between(0, 1)],
];

/**
 * The run's `generationConfig` from the request's fields (`undefined`: none asks for anything;
 * absent and `null` ask for nothing, as does `stop: []`). `max_tokens` and
 * `max_completion_tokens` both set `maxOutputTokens`: given both, they must agree.
 * @throws OpenAIRequestError 400 naming a field out of its range, with OpenAI's code for it.
 * @internal
 */
export function readGenerationFields(
  body: Record<string, unknown>,
  api: 'chat' | 'responses',
): GenerationConfig | undefined {
  let config: Record<string, unknown> | undefined;
  for (const [name, gemini, read] of api === 'chat' ? CHAT_FIELDS : RESPONSES_FIELDS) {
    const value = body[name];
    if (value === undefined || value === null) continue;
    const read_ = read(value, name);
    if (Array.isArray(read_) && read_.length === 0) continue;
    config ??= {};
    if (config[gemini] !== undefined && config[gemini] !== read_) {
      throw invalidRequest(
        name,
        `${name} and max_tokens differ: give one of them (max_tokens is deprecated for max_completion_tokens).`,
      );
    }
    config[gemini] = read_;
  }
  return config as GenerationConfig | undefined;
}
