import type { HistoryIssue } from './history-issue.ts';
import {
  countDataFields,
  hasUnknownField,
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
import type { FunctionPartSummary, PairingOptions, TurnSummary } from './turn-summary.ts';

/**
 * What to do about an object whose reading threw, shared by the content, part and list issues.
 * @internal
 */
export const UNREADABLE =
  'reading it threw (a getter or a Proxy). Pass plain data, such as a copy made with JSON.parse(JSON.stringify(value)).';

/**
 * The issue for a list of contents whose reading threw (a Proxy's trap, a throwing `length` or
 * index getter). Here, not in validate-history.ts: the run's input copy
 * (`agent/copy-input-list.ts`) needs only this, and importing the whole check put
 * validate-history.ts into the agent app's run chunk (+368 bytes gzip, leftovers72's merge); a
 * file of its own was one more module in the root import (133 of its 132).
 * @internal
 */
export function unreadableList(): HistoryIssue {
  return {
    code: 'invalid-contents',
    contentIndex: -1,
    message: `contents could not be read: ${UNREADABLE}`,
  };
}

// One content's checks (its role, its parts), apart from the pairing rules of a whole history
// (validate-history.ts): a steering message is one user content, and checking it this way keeps
// the pairing rules' modules out of `import '@gemloop/core'` (bench/RESULTS.md, "Cold import,
// counted", helper cold-import2).

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
  try {
    return checkReadableContent(content, index, issues, options, turn);
  } catch {
    // A getter or Proxy trap of the caller's object threw (an ORM row's lazy field, a cursor):
    // an issue, as for any malformed content, not an exception out of the gate for untrusted
    // input. The thrown message is not copied: it may hold anything (a connection string).
    issues.push({
      code: 'invalid-content',
      contentIndex: index,
      message: `contents[${index}] could not be read: ${UNREADABLE}`,
    });
    turn.calls = NO_PARTS;
    turn.responses = NO_PARTS;
    return turn;
  }
}

function checkReadableContent(
  content: unknown,
  index: number,
  issues: HistoryIssue[],
  options: PairingOptions,
  turn: TurnSummary,
): TurnSummary {
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
        // describe(): a role of a megabyte is named by its kind, not copied whole.
        `contents[${index}].role is ${describe(role)}; the API accepts only 'user' and 'model'. ` +
        "Function responses go in a 'user' content; system text goes in systemInstruction.",
    });
  }
  const parts = content['parts'];
  if (parts === undefined || parts === null || (Array.isArray(parts) && parts.length === 0)) {
    issues.push({
      code: 'empty-parts',
      contentIndex: index,
      message:
        parts == null && content['content'] !== undefined
          ? // OpenAI's and the AI SDK's message shape, a history saved by another SDK: "drop the
            // content" would lose the user's message.
            `contents[${index}] has \`content\` but no \`parts\`: that is the OpenAI / AI SDK message shape. A Gemini content is { role: 'user' | 'model', parts: [{ text: '...' }] }; convert each message (its text into parts, 'assistant' as 'model').`
          : `contents[${index}].parts is empty; every content needs at least one part. Drop the content or add a part.`,
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
    try {
      checkPart(parts, index, partIndex, turn, issues, options);
    } catch {
      pushPartIssue(
        issues,
        index,
        partIndex,
        'invalid-part',
        (at) => `${at} could not be read: ${UNREADABLE}`,
      );
    }
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
  } else if (fieldCount === 0 && turn.role === 'model' && hasUnknownField(part)) {
    // Accepted, kept verbatim: a newer API's kind of part, which its model wrote and takes back
    // (see hasUnknownField). Refused here, a chat whose answer held one could not send again.
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
  checkMimeTypes(part, '', issues, contentIndex, partIndex);
  const call = readFunctionCall(part);
  if (call !== undefined) {
    checkFunctionCall(call, issues, contentIndex, turn, partIndex);
    return;
  }
  const response = readFunctionResponse(part);
  if (response !== undefined)
    checkFunctionResponse(response, issues, contentIndex, turn, partIndex);
}

/**
 * The `mimeType` of a part's `inlineData` or `fileData` (either spelling), when it has one: one
 * that is no MIME type at all (not a string, over 255 characters, a control character such as a
 * header's CR LF, no `/`) is refused before a request carries it. Nothing else is judged: which
 * types a model reads is the API's to say, by model and over time (its `Blob` docs: "If an
 * unsupported MIME type is provided, an error will be returned"; image/gif was read by Gemini
 * 1.5, not 2.0). 255: RFC 6838 §4.2 allows 127 characters each for type and subtype. `within`
 * names the media's part inside the content's part (`.functionResponse.parts[0]`).
 */
function checkMimeTypes(
  part: JsonObject,
  within: string,
  issues: HistoryIssue[],
  contentIndex: number,
  partIndex: number,
): void {
  for (const field of ['inlineData', 'fileData']) {
    const media = readField(part, field, field === 'fileData' ? 'file_data' : 'inline_data');
    if (field === 'inlineData' && isJsonObject(media)) {
      checkInlineData(media['data'], `${within}.inlineData.data`, issues, contentIndex, partIndex);
    }
    const mimeType = isJsonObject(media) ? readField(media, 'mimeType', 'mime_type') : undefined;
    if (
      mimeType !== undefined &&
      !(typeof mimeType === 'string' && mimeType.length < 256 && MIME_TYPE.test(mimeType))
    ) {
      pushPartIssue(
        issues,
        contentIndex,
        partIndex,
        'invalid-mime-type',
        (at) => `${at}${within}.${field}.mimeType must be a MIME type, e.g. "image/png".`,
      );
    }
  }
}

/**
 * An `inlineData.data` that is no base64 at all. The field is a proto `bytes`, which the API reads
 * as base64, standard or URL-safe, padded or not (the proto3 JSON mapping); anything else is a 400
 * "Invalid value at 'contents[0].parts[2].inline_data.data' (TYPE_BYTES), Base64 decoding failed
 * for \"…\"" that quotes the value back (LibreChat issue 6593: a presigned S3 URL, its signature
 * in the error). Histories from other SDKs carry a data URL (OpenAI's and the AI SDK's image
 * parts), a URL, or a Buffer that JSON writes as `{"type":"Buffer","data":[…]}`. The message names
 * the kind, never the value. Only what is certainly not base64 is refused: ASCII whitespace (MIME's
 * 76-character lines) is left to the API, and so is an empty or absent `data`.
 */
function checkInlineData(
  data: unknown,
  within: string,
  issues: HistoryIssue[],
  contentIndex: number,
  partIndex: number,
): void {
  if (data === undefined || data === null) return;
  if (typeof data === 'string' && BASE64_OR_WHITESPACE.test(data)) return;
  pushPartIssue(
    issues,
    contentIndex,
    partIndex,
    'invalid-inline-data',
    (at) => `${at}${within} must be the bytes as a base64 string; ${notBase64(data)}`,
  );
}

/** What a `data` that is no base64 is, and how to fix it. */
function notBase64(data: unknown): string {
  if (typeof data === 'string') {
    if (/^data:/i.test(data)) {
      return "got a data: URL. Send only what follows its comma (after ';base64,'), with the URL's MIME type as mimeType.";
    }
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(data)) {
      return 'got a URL. Send a file by reference as fileData: { fileUri, mimeType } (a Files API or gs:// URI), or fetch it and send its bytes as base64.';
    }
    return 'got text with characters that are not base64 (A-Z, a-z, 0-9, + and / or - and _, = only at the end). Encode the bytes as base64.';
  }
  if (ArrayBuffer.isView(data) || data instanceof ArrayBuffer) {
    return "got bytes (a Buffer, Uint8Array or ArrayBuffer), which JSON does not write as base64. Encode them first: Buffer.from(bytes).toString('base64').";
  }
  return `got ${describe(data)}. Encode the bytes as base64, e.g. Buffer.from(bytes).toString('base64').`;
}

/**
 * Base64 (standard or URL-safe, padding only at the end), ASCII whitespace anywhere. Linear: the
 * first class has no `=`, so a 20 MB image is one pass.
 */
const BASE64_OR_WHITESPACE = /^[A-Za-z0-9+/_\t\n\f\r -]*(?:=[=\t\n\f\r ]*)?$/;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses.
const MIME_TYPE = /^[^\0-\x1f\x7f]*\/[^\0-\x1f\x7f]*$/;

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
  const media = response['parts'];
  if (Array.isArray(media)) {
    media.forEach((each, index) => {
      if (isJsonObject(each))
        checkMimeTypes(each, `.functionResponse.parts[${index}]`, issues, contentIndex, partIndex);
    });
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

/** How a value that is not what was expected reads in a message. @internal */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? 'a string' : JSON.stringify(value);
  return `a ${typeof value}`;
}
