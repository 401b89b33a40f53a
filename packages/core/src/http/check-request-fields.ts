import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';

// The numeric fields of GenerationConfig, in both spellings the API takes: floats, then int32s
// (google/ai/generativelanguage/v1beta/generative_service.proto). JSON.stringify turns NaN and
// ±Infinity into `null`, which the API reads as "unset": a computed temperature of NaN would
// silently become the model's default.
const FLOAT_FIELDS = [
  'temperature',
  'topP',
  'top_p',
  'presencePenalty',
  'presence_penalty',
  'frequencyPenalty',
  'frequency_penalty',
];
const INT32_FIELDS = [
  'topK',
  'top_k',
  'candidateCount',
  'candidate_count',
  'maxOutputTokens',
  'max_output_tokens',
  'seed',
  'logprobs',
];

/**
 * Checks the fields of a request body gemloop knows the shape of, cheaply (no walk of `contents`):
 * `generationConfig` (an object, its numbers finite), `tools` and `safetySettings` (arrays of
 * objects), `toolConfig` (an object), `cachedContent` (a string), `continuationToken` (a
 * non-empty string). Fields it does not know pass
 * unchecked, so new API fields need no gemloop release.
 * @throws {@link InvalidArgumentError} naming the field, e.g. `request.generationConfig.topP`.
 * @internal
 */
export function checkRequestFields(body: Record<string, unknown>, argument: string): void {
  const generationConfig = body['generationConfig'] ?? body['generation_config'];
  if (generationConfig != null) {
    checkGenerationConfig(generationConfig, `${argument}.generationConfig`);
  }
  checkList(
    body,
    'tools',
    argument,
    'must be an array of tools such as [{ functionDeclarations: [...] }, { googleSearch: {} }]',
  );
  checkList(body, 'safetySettings', argument, 'must be an array of { category, threshold }');
  const toolConfig = body['toolConfig'];
  if (toolConfig != null && !isObject(toolConfig)) {
    throw invalid(
      `${argument}.toolConfig`,
      `toolConfig must be an object such as { functionCallingConfig: { mode: 'AUTO' } }; got ${describe(toolConfig)}`,
    );
  }
  const continuationToken = body['continuationToken'];
  if (
    continuationToken != null &&
    (typeof continuationToken !== 'string' || continuationToken === '')
  ) {
    throw invalid(
      `${argument}.continuationToken`,
      `continuationToken must be the non-empty string a previous response's candidate gave with finishReason 'CONTINUATION'; got ${describe(continuationToken)}`,
    );
  }
  const cachedContent = body['cachedContent'];
  if (cachedContent != null && typeof cachedContent !== 'string') {
    throw invalid(
      `${argument}.cachedContent`,
      `cachedContent must be a name such as 'cachedContents/abc123'; got ${describe(cachedContent)}`,
    );
  }
}

/**
 * Checks a `generationConfig`: an object whose known numbers are finite numbers, or finite numbers
 * written as strings as proto3 JSON takes them (also `thinkingConfig.thinkingBudget`), and whose
 * `thinkingConfig` holds a level or a budget, not both. `null` counts as unset, as in proto3 JSON.
 * @throws {@link InvalidArgumentError} naming the field.
 * @internal
 */
export function checkGenerationConfig(config: unknown, argument: string): void {
  if (!isObject(config)) {
    throw invalid(
      argument,
      `generationConfig must be an object such as { temperature: 0.2 }; got ${describe(config)}`,
    );
  }
  for (const key of FLOAT_FIELDS) checkNumber(config, key, argument, false);
  for (const key of INT32_FIELDS) checkNumber(config, key, argument, true);
  const thinking = config['thinkingConfig'] ?? config['thinking_config'];
  if (thinking == null) return;
  if (!isObject(thinking)) {
    throw invalid(
      `${argument}.thinkingConfig`,
      `thinkingConfig must be an object such as { thinkingBudget: 1024 } or { thinkingLevel: 'low' }; got ${describe(thinking)}`,
    );
  }
  checkNumber(thinking, 'thinkingBudget', `${argument}.thinkingConfig`, true);
  checkNumber(thinking, 'thinking_budget', `${argument}.thinkingConfig`, true);
  refuseLevelWithBudget(thinking, `${argument}.thinkingConfig`);
}

/**
 * Refuses a `thinkingConfig` holding a level and a budget: the API answers it with a 400 ("You
 * can only set only one of thinking budget and thinking level.", sterlp/eclipse-peon-ai#115), as
 * Google's Gemini 3 guide says ("You cannot use both thinking_level and the legacy
 * thinking_budget parameter in the same request", https://ai.google.dev/gemini-api/docs/gemini-3).
 * Refused here, before a request is sent, with the fix; either spelling, `null` unset.
 */
function refuseLevelWithBudget(thinking: Record<string, unknown>, argument: string): void {
  const level = thinking['thinkingLevel'] != null ? 'thinkingLevel' : 'thinking_level';
  const budget = thinking['thinkingBudget'] != null ? 'thinkingBudget' : 'thinking_budget';
  if (thinking[level] == null || thinking[budget] == null) return;
  throw invalid(
    argument,
    `${argument} sets both ${level} and ${budget}, and the Gemini API refuses a request with both (HTTP 400). ` +
      `Keep one: ${level} for Gemini 3 and later models, ${budget} for Gemini 2.5 (or set an agent's thinking option, which picks the field for the model)`,
  );
}

// A number written as a string. The API reads requests as ProtoJSON, which takes a number
// written as a string for every int32, int64, float and double field ("Either numbers or strings
// are accepted", https://protobuf.dev/programming-guides/json/): `"temperature": "0.5"` is a
// request it answers, so it passes. The string must be a JSON number (RFC 8259 §6): protobuf's
// conformance suite holds every parser to "String values must follow the same syntax rule"
// (conformance/binary_json_conformance_suite.cc, Int32FieldLeadingSpace and the cases around it),
// and Go's protojson reads the string's text as one JSON number token and nothing else
// (encoding/protojson/decode.go, unmarshalInt, unmarshalFloat), so ".5", "+1", "1.", "01", " 1"
// and "0x10" are refused (C++'s absl::SimpleAtod would take some of them: the strict grammar is
// what every parser takes). Its "NaN" and "Infinity" strings do not pass either: no sampling field
// takes them (temperature 0.0-2.0, topP 0.0-1.0, a token count), as a NaN number does not.
const NUMBER_TEXT = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * An int32 field takes a whole number in range ("1e2" and 100.0 are 100), a float field any
 * number a float holds (`Math.fround` is C++'s `static_cast<float>`: a double past the float range
 * is refused, as protobuf's parsers refuse it).
 */
function checkNumber(
  object: Record<string, unknown>,
  key: string,
  argument: string,
  integer: boolean,
): void {
  const value = object[key];
  const number = typeof value === 'string' && NUMBER_TEXT.test(value) ? +value : value;
  if (
    value == null ||
    (typeof number === 'number' &&
      (integer ? (number | 0) === number : Number.isFinite(Math.fround(number))))
  ) {
    return;
  }
  throw invalid(
    `${argument}.${key}`,
    `${argument}.${key} must be ${integer ? 'an int32 (a whole number)' : 'a finite number'}, or a JSON number in a string ("0.5"); got ${describe(value)}${typeof value === 'number' && !Number.isFinite(value) ? ' (JSON would send it as null, which the API reads as unset)' : ''}`,
  );
}

/**
 * Checks `body[key]`, a list of objects. The field's name (`request.tools`) is built only for an
 * error: two strings a request fewer (helper step-run4).
 */
function checkList(
  body: Record<string, unknown>,
  key: string,
  argument: string,
  problem: string,
): void {
  const value = body[key];
  if (value == null) return;
  if (!Array.isArray(value))
    throw invalid(`${argument}.${key}`, `${key} ${problem}; got ${describe(value)}`);
  for (let index = 0; index < value.length; index++) {
    if (!isObject(value[index])) {
      const name = `${argument}.${key}[${index}]`;
      throw invalid(name, `${key} ${problem}; ${name} is ${describe(value[index])}`);
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function invalid(argument: string, message: string): InvalidArgumentError {
  return new InvalidArgumentError({ argument, message: `${message}.` });
}
