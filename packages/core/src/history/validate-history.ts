import { checkFunctionTurns } from './check-function-turns.ts';
import type { HistoryIssue } from './history-issue.ts';
import {
  countDataFields,
  isBase64,
  isJsonObject,
  isSignatureOnlyPart,
  type JsonObject,
  listDataFields,
  readField,
  readFunctionCall,
  readFunctionResponse,
  readRole,
  readThoughtSignature,
  setsOnly,
} from './part-fields.ts';
import { listRequiredThoughtSignatures } from './thought-signatures/list-required-thought-signatures.ts';
import type { FunctionPartSummary, PairingOptions, TurnSummary } from './turn-summary.ts';

/** Options of {@link validateHistory}. */
export type ValidateHistoryOptions = {
  /**
   * Also report unsigned first function calls of the active loop, which Gemini 3 rejects. Set it
   * from `getModelCapabilities(model).requiresThoughtSignatures`. @defaultValue false
   */
  requireThoughtSignatures?: boolean | undefined;
  /**
   * Check gemloop's own shape instead of what the API accepts: each model content of function
   * calls answered by the next content alone, a response's name equal to its call's, no part
   * without a data field. The fake Gemini's opt-in contract (`createFakeGemini({ strictHistory:
   * true })`), for tests that must prove a history is the canonical one. By default only what the
   * API refuses is an issue: consecutive contents of one role are one turn (two model contents of
   * one call each may be answered by one user content, three calls by three user contents), and
   * a part holding only `videoMetadata` after a video part is accepted, as recorded requests the
   * API answered 200 show (`test/fixtures/gemini/requests/`, issue 26). @defaultValue false
   */
  strict?: boolean | undefined;
  /**
   * Told about each shape that the default (lenient) check lets through but the API may refuse,
   * such as a response whose name differs from its call's (no recording shows either way). In
   * strict mode these are issues instead. The agent logs them as warnings.
   */
  onWarning?: ((issue: HistoryIssue) => void) | undefined;
};

/**
 * Checks a `contents` list for what the Gemini API would reject, before a request is made: roles,
 * empty or malformed parts, function calls and responses that do not pair up (count, ids,
 * placement), response payloads that are not objects, and (with `requireThoughtSignatures`)
 * unsigned Gemini 3 function-call turns. Each {@link HistoryIssue} says where and how to fix it.
 * It refuses only what the API refuses; doubtful shapes go to `onWarning` (see `strict` for
 * gemloop's own, stricter shape).
 *
 * Accepts both JSON spellings the API takes (`functionCall` and `function_call`, ...). Never
 * throws, whatever `contents` is: it is the gate for untrusted input. Returns `[]` when the
 * history is fine.
 *
 * @example
 * const issues = validateHistory(contents, { requireThoughtSignatures: true });
 * if (issues.length > 0) throw new Error(issues.map((issue) => issue.message).join('\n'));
 */
export function validateHistory(
  contents: unknown,
  options: ValidateHistoryOptions = {},
): HistoryIssue[] {
  return checkHistory(contents, options);
}

function checkHistory(contents: unknown, options: ValidateHistoryOptions): HistoryIssue[] {
  const listIssues = checkList(contents);
  if (listIssues !== undefined) return listIssues;
  const list = contents as unknown[];
  const issues: HistoryIssue[] = [];
  const turns: TurnSummary[] = new Array(list.length);
  for (let index = 0; index < list.length; index++) {
    turns[index] = checkContent(list[index], index, issues, options);
  }
  checkFunctionTurns(turns, issues, 0, options);
  return finishIssues(list, turns, issues, options);
}

/**
 * The issues of `contents` as a list (not an array, empty), or `undefined` when it is a non-empty
 * array. @internal
 */
export function checkList(contents: unknown): HistoryIssue[] | undefined {
  if (!Array.isArray(contents)) {
    return [
      {
        code: 'invalid-contents',
        contentIndex: -1,
        message: `contents must be an array of { role, parts } objects; got ${describe(contents)}.`,
      },
    ];
  }
  if (contents.length === 0) {
    return [
      {
        code: 'empty-contents',
        contentIndex: -1,
        message:
          "contents is empty: send at least one content, e.g. [{ role: 'user', parts: [{ text: 'Hello' }] }].",
      },
    ];
  }
  return undefined;
}

/**
 * Adds the missing-signature issues (with `requireThoughtSignatures`) and sorts the issues in
 * history order. @internal
 */
export function finishIssues(
  contents: readonly unknown[],
  turns: readonly TurnSummary[],
  issues: HistoryIssue[],
  options: ValidateHistoryOptions,
): HistoryIssue[] {
  if (options.requireThoughtSignatures === true) {
    for (const required of listRequiredThoughtSignatures(contents)) {
      if (required.signed) continue;
      const name = turns[required.contentIndex]?.calls[0]?.name ?? '?';
      issues.push({
        code: 'missing-thought-signature',
        contentIndex: required.contentIndex,
        partIndex: required.partIndex,
        message:
          `contents[${required.contentIndex}].parts[${required.partIndex}] (functionCall ${name}) has no thoughtSignature. ` +
          'Gemini 3 requires the signature on the first function call of every model turn since the last user text: ' +
          'send the model content back exactly as received, or, for history the model did not produce, ' +
          "set thoughtSignature: 'skip_thought_signature_validator'.",
      });
    }
  }
  if (issues.length < 2) return issues;
  // Stable sort: issues read in history order whatever check found them.
  return issues.sort(
    (a, b) => a.contentIndex - b.contentIndex || (a.partIndex ?? -1) - (b.partIndex ?? -1),
  );
}

/**
 * Checks one content (its role and parts) and summarises it for the pairing rules; its issues go
 * to `issues`. @internal
 */
export function checkContent(
  content: unknown,
  index: number,
  issues: HistoryIssue[],
  options: PairingOptions = {},
): TurnSummary {
  const turn: TurnSummary = { role: 'invalid', calls: NO_PARTS, responses: NO_PARTS };
  if (!isJsonObject(content)) {
    issues.push({
      code: 'invalid-content',
      contentIndex: index,
      message: `contents[${index}] must be an object { role, parts }; got ${describe(content)}.`,
    });
    return turn;
  }
  const role = readRole(content);
  if (role === 'user' || role === 'model') {
    turn.role = role;
  } else {
    issues.push({
      code: 'invalid-role',
      contentIndex: index,
      message:
        `contents[${index}].role is ${JSON.stringify(role)}; the API accepts only 'user' and 'model'. ` +
        "Function responses go in a 'user' content; system text goes in systemInstruction.",
    });
  }
  const parts = content['parts'];
  if (parts === undefined || parts === null || (Array.isArray(parts) && parts.length === 0)) {
    issues.push({
      code: 'empty-parts',
      contentIndex: index,
      message: `contents[${index}].parts is empty; every content needs at least one part. Drop the content or add a part.`,
    });
    return turn;
  }
  if (!Array.isArray(parts)) {
    issues.push({
      code: 'invalid-part',
      contentIndex: index,
      message: `contents[${index}].parts must be an array of parts; got ${describe(parts)}.`,
    });
    return turn;
  }
  for (let partIndex = 0; partIndex < parts.length; partIndex++) {
    checkPart(parts, index, partIndex, turn, issues, options);
  }
  // Most contents have no calls or responses: one shared summary per role (a chat keeps the
  // summary of every content it checked).
  if (turn.calls === NO_PARTS && turn.responses === NO_PARTS && turn.role !== 'invalid') {
    return PLAIN_TURNS[turn.role];
  }
  return turn;
}

// Read-only: a summary gets its own array at its first call or response.
const NO_PARTS: FunctionPartSummary[] = Object.freeze([]) as unknown as FunctionPartSummary[];
const PLAIN_TURNS: Readonly<Record<'user' | 'model', TurnSummary>> = {
  user: Object.freeze({ role: 'user', calls: NO_PARTS, responses: NO_PARTS }),
  model: Object.freeze({ role: 'model', calls: NO_PARTS, responses: NO_PARTS }),
};

function checkPart(
  parts: readonly unknown[],
  contentIndex: number,
  partIndex: number,
  turn: TurnSummary,
  issues: HistoryIssue[],
  options: PairingOptions,
): void {
  const part = parts[partIndex];
  if (!isJsonObject(part)) {
    pushPartIssue(
      issues,
      contentIndex,
      partIndex,
      'invalid-part',
      (at) => `${at} must be an object such as { text: '...' }; got ${describe(part)}.`,
    );
    return;
  }
  const fieldCount = countDataFields(part);
  if (fieldCount === 0 && options.strict !== true && isVideoMetadataPart(part)) {
    // The API answered 200 to a part holding only videoMetadata right after the video's part
    // (pydantic-ai's recording, test/fixtures/gemini/requests/gemini20-flash__video-part-then-
    // videoMetadata-only-part.request.json). Elsewhere it is doubtful: a warning, not an issue.
    if (!isMediaPart(parts[partIndex - 1])) {
      options.onWarning?.({
        code: 'missing-part-data',
        contentIndex,
        partIndex,
        message:
          `contents[${contentIndex}].parts[${partIndex}] holds only videoMetadata and does not follow a video part ` +
          '(inlineData or fileData); put videoMetadata on the video part itself, or right after it.',
      });
    }
  } else if (fieldCount === 0 && turn.role === 'model' && isSignatureOnlyPart(part)) {
    // Accepted, kept verbatim: a Gemini 3 stream's last chunk written back by Go's genai SDK
    // (empty text omitted), see isSignatureOnlyPart. A user turn never held a model signature.
  } else if (fieldCount === 0) {
    pushPartIssue(
      issues,
      contentIndex,
      partIndex,
      'missing-part-data',
      (at) =>
        `${at} sets none of text, inlineData, fileData, functionCall, functionResponse, executableCode, ` +
        'codeExecutionResult, toolCall, toolResponse. Drop it (a part holding only a thoughtSignature belongs in a model turn).',
    );
  } else if (fieldCount > 1) {
    pushPartIssue(
      issues,
      contentIndex,
      partIndex,
      'multiple-part-data',
      (at) =>
        `${at} sets ${listDataFields(part).join(' and ')}; a part carries exactly one of them. Split it into one part each.`,
    );
  }
  const text = part['text'];
  if (text !== undefined && text !== null && typeof text !== 'string') {
    pushPartIssue(
      issues,
      contentIndex,
      partIndex,
      'invalid-text',
      (at) =>
        `${at}.text must be a string; got ${describe(text)}. Convert the value first, e.g. String(value) or JSON.stringify(value).`,
    );
  }
  const signature = readThoughtSignature(part);
  if (signature !== undefined && (typeof signature !== 'string' || !isBase64(signature))) {
    pushPartIssue(
      issues,
      contentIndex,
      partIndex,
      'invalid-thought-signature',
      (at) =>
        `${at}.thoughtSignature must be a base64 string, sent back exactly as the model returned it; got ${describe(signature)}.`,
    );
  }
  const call = readFunctionCall(part);
  if (call !== undefined) {
    checkFunctionCall(call, issues, contentIndex, turn, partIndex);
    return;
  }
  const response = readFunctionResponse(part);
  if (response !== undefined)
    checkFunctionResponse(response, issues, contentIndex, turn, partIndex);
}

/** A part whose only field besides a signature is `videoMetadata` (either spelling). */
function isVideoMetadataPart(part: JsonObject): boolean {
  return (
    isJsonObject(readField(part, 'videoMetadata', 'video_metadata')) &&
    setsOnly(part, VIDEO_METADATA_KEYS)
  );
}

const VIDEO_METADATA_KEYS: ReadonlySet<string> = new Set([
  'videoMetadata',
  'video_metadata',
  'thoughtSignature',
  'thought_signature',
]);

/** A part carrying a file (`inlineData` or `fileData`, either spelling). */
function isMediaPart(part: unknown): boolean {
  return (
    isJsonObject(part) &&
    (readField(part, 'inlineData', 'inline_data') !== undefined ||
      readField(part, 'fileData', 'file_data') !== undefined)
  );
}

/** Adds an issue of one part; its name (`contents[3].parts[0]`) is built only then. */
function pushPartIssue(
  issues: HistoryIssue[],
  contentIndex: number,
  partIndex: number,
  code: HistoryIssue['code'],
  message: (at: string) => string,
): void {
  issues.push({
    code,
    contentIndex,
    partIndex,
    message: message(`contents[${contentIndex}].parts[${partIndex}]`),
  });
}

function checkFunctionCall(
  call: unknown,
  issues: HistoryIssue[],
  contentIndex: number,
  turn: TurnSummary,
  partIndex: number,
): void {
  if (!isJsonObject(call)) {
    pushPartIssue(
      issues,
      contentIndex,
      partIndex,
      'invalid-function-call',
      (at) => `${at}.functionCall must be an object { name, args }.`,
    );
    return;
  }
  const name = readName(call);
  if (name === undefined) {
    pushPartIssue(
      issues,
      contentIndex,
      partIndex,
      'invalid-function-call',
      (at) => `${at}.functionCall needs a non-empty string name.`,
    );
  }
  const args = call['args'];
  if (args !== undefined && args !== null && !isJsonObject(args)) {
    pushPartIssue(
      issues,
      contentIndex,
      partIndex,
      'invalid-function-call',
      (at) => `${at}.functionCall.args must be a JSON object of arguments; got ${describe(args)}.`,
    );
  }
  if (turn.calls === NO_PARTS) turn.calls = [];
  turn.calls.push({ partIndex, id: readId(call), name });
}

function checkFunctionResponse(
  response: unknown,
  issues: HistoryIssue[],
  contentIndex: number,
  turn: TurnSummary,
  partIndex: number,
): void {
  if (!isJsonObject(response)) {
    pushPartIssue(
      issues,
      contentIndex,
      partIndex,
      'invalid-function-response',
      (at) => `${at}.functionResponse must be an object { name, response }.`,
    );
    return;
  }
  const name = readName(response);
  if (name === undefined) {
    pushPartIssue(
      issues,
      contentIndex,
      partIndex,
      'invalid-function-response',
      (at) => `${at}.functionResponse needs the non-empty name of the function it answers.`,
    );
  }
  const payload = response['response'];
  if (payload !== undefined && payload !== null && !isJsonObject(payload)) {
    pushPartIssue(
      issues,
      contentIndex,
      partIndex,
      'function-response-not-object',
      (at) =>
        `${at}.functionResponse.response must be a JSON object; got ${describe(payload)}. ` +
        'Wrap the value: { output: value } (or { error: message } for a failure).',
    );
  }
  if (turn.responses === NO_PARTS) turn.responses = [];
  turn.responses.push({ partIndex, id: readId(response), name });
}

function readName(object: JsonObject): string | undefined {
  const name = object['name'];
  return typeof name === 'string' && name !== '' ? name : undefined;
}

function readId(object: JsonObject): string | undefined {
  const id = object['id'];
  return typeof id === 'string' && id !== '' ? id : undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? 'a string' : JSON.stringify(value);
  return `a ${typeof value}`;
}
