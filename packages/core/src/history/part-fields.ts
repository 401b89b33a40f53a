/**
 * Readers of `Content`/`Part` fields that accept both spellings the API takes: lowerCamelCase
 * (`functionCall`) and the proto field names (`function_call`). The proto3 JSON mapping accepts
 * either, and recorded requests mix them (`function_call` next to `thoughtSignature`), so every
 * history check reads through these instead of `part.functionCall`.
 *
 * All readers take `unknown` and never throw: they run on untrusted input.
 * @internal
 */

/** A plain JSON object (not an array, not null). @internal */
export type JsonObject = Record<string, unknown>;

/** Whether `value` is a plain JSON object. @internal */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads `object[camel]`, falling back to `object[snake]`. A `null` counts as absent, as in
 * proto3 JSON ("null is the default value").
 * @internal
 */
export function readField(object: JsonObject, camel: string, snake: string): unknown {
  const value = object[camel];
  if (value !== undefined && value !== null) return value;
  const other = object[snake];
  return other === null ? undefined : other;
}

/** The `functionCall` of a part (either spelling), or `undefined`. @internal */
export function readFunctionCall(part: JsonObject): unknown {
  return readField(part, 'functionCall', 'function_call');
}

/** The `functionResponse` of a part (either spelling), or `undefined`. @internal */
export function readFunctionResponse(part: JsonObject): unknown {
  return readField(part, 'functionResponse', 'function_response');
}

/** The `thoughtSignature` of a part (either spelling), or `undefined`. @internal */
export function readThoughtSignature(part: JsonObject): unknown {
  return readField(part, 'thoughtSignature', 'thought_signature');
}

/**
 * The members of the proto `Part.data` oneof, in both spellings. `thought`, `thoughtSignature`,
 * `videoMetadata`, `mediaResolution` and `partMetadata` ride alongside and are not data.
 */
const dataFields: readonly (readonly [string, string])[] = [
  ['text', 'text'],
  ['inlineData', 'inline_data'],
  ['fileData', 'file_data'],
  ['functionCall', 'function_call'],
  ['functionResponse', 'function_response'],
  ['executableCode', 'executable_code'],
  ['codeExecutionResult', 'code_execution_result'],
  ['toolCall', 'tool_call'],
  ['toolResponse', 'tool_response'],
];

/**
 * The names (as spelled in the part) of the `data` oneof members a part sets. `{text: ""}` sets
 * `text`: the API accepted an empty text part in recorded history.
 * @internal
 */
export function listDataFields(part: JsonObject): string[] {
  const found: string[] = [];
  for (const [camel, snake] of dataFields) {
    if (part[camel] !== undefined && part[camel] !== null) found.push(camel);
    if (snake !== camel && part[snake] !== undefined && part[snake] !== null) found.push(snake);
  }
  return found;
}

/**
 * How many `data` oneof members a part sets: {@link listDataFields}`(part).length`, without
 * building the list (the history check counts them for every part and lists them only for an
 * error).
 * @internal
 */
export function countDataFields(part: JsonObject): number {
  // Spelled out, not a loop over the names: a load with a constant name is cached per part shape,
  // a load with a varying key is a dictionary lookup each time (17 per part).
  return (
    isSet(part['text']) +
    isSet(part['inlineData']) +
    isSet(part['inline_data']) +
    isSet(part['fileData']) +
    isSet(part['file_data']) +
    isSet(part['functionCall']) +
    isSet(part['function_call']) +
    isSet(part['functionResponse']) +
    isSet(part['function_response']) +
    isSet(part['executableCode']) +
    isSet(part['executable_code']) +
    isSet(part['codeExecutionResult']) +
    isSet(part['code_execution_result']) +
    isSet(part['toolCall']) +
    isSet(part['tool_call']) +
    isSet(part['toolResponse']) +
    isSet(part['tool_response'])
  );
}

/**
 * Whether a part sets any `data` oneof member: `countDataFields(part) > 0`, without counting for
 * a text or a function call part (what a model answers with). A model step keeps each part of its
 * answer by this test (create-step.ts); counting all 17 names there was about 2,100 instructions
 * a streamed step, the loads megamorphic over the parts' shapes (callgrind of the ABBA client,
 * helper step-cpu2).
 * @internal
 */
export function hasDataField(part: JsonObject): boolean {
  return part['text'] != null || part['functionCall'] != null || countDataFields(part) > 0;
}

function isSet(value: unknown): number {
  return value === undefined || value === null ? 0 : 1;
}

/**
 * Whether a part carries a thought signature and nothing else but the `thought` flag:
 * `{ thoughtSignature }` or `{ thought: true, thoughtSignature }`. Gemini 3 streams end a
 * text answer with the signature on a part of empty text ("the model may return the thought
 * signature in a part with an empty text content part",
 * https://ai.google.dev/gemini-api/docs/thought-signatures), and Go's genai SDK drops the empty
 * `text` when it writes that part back (`Part.Text` is `json:"text,omitempty"`, go-genai
 * types.go), so a history it kept sends the signature alone. The API takes it in a model turn.
 * @internal
 */
export function isSignatureOnlyPart(part: JsonObject): boolean {
  const signature = readThoughtSignature(part);
  return signature !== undefined && signature !== '' && setsOnly(part, SIGNATURE_ONLY_KEYS);
}

const SIGNATURE_ONLY_KEYS: ReadonlySet<string> = new Set([
  'thoughtSignature',
  'thought_signature',
  'thought',
]);

/**
 * The fields a part may set beside its data, in both spellings: what a part holding no data field
 * can still carry. A field outside these and the data fields is a kind this version does not know.
 */
const BESIDE_DATA_KEYS: ReadonlySet<string> = new Set([
  ...SIGNATURE_ONLY_KEYS,
  'videoMetadata',
  'video_metadata',
  'mediaResolution',
  'media_resolution',
  'partMetadata',
  'part_metadata',
]);

/**
 * Whether a part sets a field other than those known to ride beside data. Asked of a part that
 * sets no data field gemloop knows (`countDataFields` 0): then it is a newer API's kind of part
 * (as `toolCall` once was), which must go back to the model verbatim like any other. @internal
 */
export function hasUnknownField(part: JsonObject): boolean {
  return !setsOnly(part, BESIDE_DATA_KEYS);
}

/**
 * Whether every field a part sets (a `null` is unset, as in proto3 JSON) is one of `keys`.
 * @internal
 */
export function setsOnly(part: JsonObject, keys: ReadonlySet<string>): boolean {
  for (const key in part) {
    if (!keys.has(key) && part[key] !== undefined && part[key] !== null) return false;
  }
  return true;
}

/** The role of a content as the API reads it: absent or null means `user`. @internal */
export function readRole(content: JsonObject): unknown {
  const role = content['role'];
  return role === undefined || role === null ? 'user' : role;
}

/** Whether a content holds a part with non-empty `text` (the active-loop boundary test). @internal */
export function hasNonEmptyText(content: JsonObject): boolean {
  const parts = content['parts'];
  if (!Array.isArray(parts)) return false;
  for (const part of parts) {
    if (isJsonObject(part) && typeof part['text'] === 'string' && part['text'] !== '') return true;
  }
  return false;
}

/**
 * Standard or URL-safe base64, padded or not: what a proto3 JSON `bytes` field accepts. A length
 * of 4n+1 can never be valid base64.
 * @internal
 */
export function isBase64(value: string): boolean {
  return value.length % 4 !== 1 && /^[A-Za-z0-9+/_-]*={0,2}$/.test(value);
}
