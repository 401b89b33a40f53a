// The fake's own reading of a `contents` list: what the Gemini API refuses, written from Google's
// documentation and the requests it answered 200 (test/fixtures/gemini/requests/, SOURCES.md),
// not from the client's `validateHistory`. Were the two one implementation, a wrong rule would be
// wrong on both sides and every test would stay green (issue 27). Where the docs and a recording
// disagree, the recording decides. `history-rules.test.ts` sets each rule's verdict here beside
// the client's, and lists where they differ.
//
// Sources (cited per rule below):
// - Content and Part: https://ai.google.dev/api/caching#Content ("role: Optional ... Must be either
//   'user' or 'model'"; Part `data` is a oneof: text, inlineData, functionCall, functionResponse,
//   fileData, executableCode, codeExecutionResult; thoughtSignature is `bytes`, base64 in JSON).
// - Function calling: https://ai.google.dev/gemini-api/docs/function-calling (the model's content
//   is appended as is, then one user content of function responses; parallel calls are answered
//   together, matched by `id` when the call has one).
// - Thought signatures: https://ai.google.dev/gemini-api/docs/thought-signatures ("the first
//   function call part in each step of the current turn" must carry its signature on Gemini 3;
//   the current turn starts after the last user message with standard text; the dummy value
//   `skip_thought_signature_validator` or `context_engineering_is_the_way_to_go` passes).
// - /work/shared/reference/gemini-wire.md sections 6 and 9 (the error catalogue).
import { isJsonObject, readField } from '@gemloop/core/internal';

/**
 * A rule of the fake's history contract. The names are those of the client's `HistoryIssueCode`
 * where the two check the same thing, so the rules table can set them side by side.
 * @internal
 */
export type FakeHistoryRule =
  | 'invalid-contents'
  | 'empty-contents'
  | 'invalid-content'
  | 'invalid-role'
  | 'empty-parts'
  | 'invalid-part'
  | 'missing-part-data'
  | 'multiple-part-data'
  | 'invalid-text'
  | 'invalid-thought-signature'
  | 'invalid-function-call'
  | 'invalid-function-response'
  | 'function-response-not-object'
  | 'function-call-and-response-mixed'
  | 'function-call-not-in-model-turn'
  | 'function-response-not-in-user-turn'
  | 'function-call-turn-position'
  | 'function-response-without-call'
  | 'function-response-count'
  | 'function-call-without-response'
  | 'function-response-id-mismatch'
  | 'function-response-name-mismatch'
  | 'missing-thought-signature';

/** One broken rule: where (`contentIndex` -1 for the list itself) and which. @internal */
export type FakeHistoryIssue = {
  rule: FakeHistoryRule;
  contentIndex: number;
  partIndex?: number | undefined;
};

/** What {@link checkFakeHistory} checks besides the API's own rules. @internal */
export type FakeHistoryOptions = {
  /** Gemini 3: the first call of each model content of the current turn carries a signature. */
  requireThoughtSignatures?: boolean | undefined;
  /**
   * gemloop's canonical shape (`createFakeGemini({ strictHistory: true })`): one content per
   * turn, the responses in the one content after their calls, names equal, every part with data.
   */
  strict?: boolean | undefined;
  /**
   * Part keys the fake served in model turns beyond the known ones: a newer API's `data` member
   * (as `toolCall` once was), so a model part of one of them alone has data (attack46b).
   */
  servedPartFields?: ReadonlySet<string> | undefined;
};

type Call = { partIndex: number; id: string | undefined; name: string | undefined };
type Summary = { role: 'user' | 'model' | undefined; calls: Call[]; responses: Call[] };

/**
 * The rules `contents` breaks, in history order; `[]` when the API would take it. Never throws.
 * @internal
 */
export function checkFakeHistory(
  contents: unknown,
  options: FakeHistoryOptions = {},
): FakeHistoryIssue[] {
  // vercel/ai#3775: "contents is not specified". Proto3 JSON reads an absent repeated field, and
  // one set to null, as the empty list (protobuf.dev/programming-guides/json: "null is accepted as
  // the empty list []"), so `{}` gets the same answer as `{"contents": []}`.
  if (
    contents === undefined ||
    contents === null ||
    (Array.isArray(contents) && contents.length === 0)
  )
    return [{ rule: 'empty-contents', contentIndex: -1 }];
  if (!Array.isArray(contents)) return [{ rule: 'invalid-contents', contentIndex: -1 }];
  const issues: FakeHistoryIssue[] = [];
  const summaries = contents.map((content, index) =>
    readContent(content, index, issues, options.strict === true, options.servedPartFields),
  );
  if (options.strict === true) checkCanonicalPairing(summaries, issues);
  else checkPairing(summaries, issues);
  if (options.requireThoughtSignatures === true) checkSignatures(contents, issues);
  return issues.sort(
    (a, b) => a.contentIndex - b.contentIndex || (a.partIndex ?? -1) - (b.partIndex ?? -1),
  );
}

// --- one content ---------------------------------------------------------------------------

const DATA_FIELDS: readonly (readonly [string, string])[] = [
  ['text', 'text'],
  ['inlineData', 'inline_data'],
  ['fileData', 'file_data'],
  ['functionCall', 'function_call'],
  ['functionResponse', 'function_response'],
  ['executableCode', 'executable_code'],
  ['codeExecutionResult', 'code_execution_result'],
  // Server-side tool invocations echoed back on Gemini 3 (requests/…echo-toolCall-toolResponse…).
  ['toolCall', 'tool_call'],
  ['toolResponse', 'tool_response'],
];

function readContent(
  content: unknown,
  index: number,
  issues: FakeHistoryIssue[],
  strict: boolean,
  served: ReadonlySet<string> | undefined,
): Summary {
  const summary: Summary = { role: undefined, calls: [], responses: [] };
  if (!isJsonObject(content)) {
    issues.push({ rule: 'invalid-content', contentIndex: index });
    return summary;
  }
  // "Optional ... can be left blank or unset" (Content.role): unset reads as the user.
  const role = content['role'] ?? 'user';
  if (role === 'user' || role === 'model') summary.role = role;
  // the-open-agent/openagent#1666: "Please use a valid role: user, model."
  else issues.push({ rule: 'invalid-role', contentIndex: index });
  const parts = content['parts'];
  if (parts === undefined || parts === null || (Array.isArray(parts) && parts.length === 0)) {
    // langchain-ai/langchain-google#691: "contents.parts must not be empty."
    issues.push({ rule: 'empty-parts', contentIndex: index });
    return summary;
  }
  if (!Array.isArray(parts)) {
    issues.push({ rule: 'invalid-part', contentIndex: index });
    return summary;
  }
  parts.forEach((part: unknown, partIndex) => {
    readPart(part, index, partIndex, summary, issues, strict, served);
  });
  return summary;
}

function readPart(
  part: unknown,
  contentIndex: number,
  partIndex: number,
  summary: Summary,
  issues: FakeHistoryIssue[],
  strict: boolean,
  served: ReadonlySet<string> | undefined,
): void {
  const at = (rule: FakeHistoryRule) => issues.push({ rule, contentIndex, partIndex });
  if (!isJsonObject(part)) {
    at('invalid-part');
    return;
  }
  const data: string[] = [];
  for (const [camel, snake] of DATA_FIELDS) {
    if (part[camel] != null) data.push(camel);
    if (snake !== camel && part[snake] != null) data.push(snake);
  }
  // A part of videoMetadata alone was answered 200 (requests/gemini20-flash__video-part-then-
  // videoMetadata-only-part, after its video); no recording shows the API refusing one elsewhere,
  // so only strict mode (gemloop never sends it) does. The client warns about it away from a video.
  // A signature alone (with at most `thought`) in a model turn: the last chunk of a Gemini 3
  // stream ("may return the thought signature in a part with an empty text content part",
  // ai.google.dev/gemini-api/docs/thought-signatures) as Go's genai SDK writes it back, its empty
  // text omitted (`Text string \`json:"text,omitempty"\``). Accepted in strict mode too: the
  // client keeps the model's parts verbatim, so it sends this shape itself.
  const signatureOnly = summary.role === 'model' && isSignatureOnly(part);
  // The fake's own newer member, sent back in the model's turn (`servedPartFields`).
  const servedData = summary.role === 'model' && hasServedKey(part, served);
  if (
    data.length === 0 &&
    !signatureOnly &&
    !servedData &&
    (strict || !isVideoMetadataOnly(part))
  ) {
    // boldsoftware/sketch#68: "required oneof field 'data' must have one initialized field".
    at('missing-part-data');
  }
  // Proto JSON: a second member of a oneof is refused ("Oneof field 'data' is already set").
  if (data.length > 1) at('multiple-part-data');
  const text = part['text'];
  if (text != null && typeof text !== 'string') at('invalid-text');
  const signature = readField(part, 'thoughtSignature', 'thought_signature');
  // `bytes` in proto JSON: standard or URL-safe base64, padded or not (SOURCES.md: the API took
  // the base64url signatures the Python SDK re-serialises).
  if (signature !== undefined && !(typeof signature === 'string' && isBase64(signature))) {
    at('invalid-thought-signature');
  }
  const call = readField(part, 'functionCall', 'function_call');
  if (call !== undefined) {
    const name = isJsonObject(call) ? nonEmpty(call['name']) : undefined;
    const args = isJsonObject(call) ? call['args'] : undefined;
    if (name === undefined || (args != null && !isJsonObject(args))) at('invalid-function-call');
    summary.calls.push({ partIndex, id: readId(call), name });
  }
  const response = readField(part, 'functionResponse', 'function_response');
  if (response !== undefined) {
    const name = isJsonObject(response) ? nonEmpty(response['name']) : undefined;
    if (name === undefined) at('invalid-function-response');
    const payload = isJsonObject(response) ? response['response'] : undefined;
    // danny-avila/LibreChat#5525: a list is refused ("Proto field is not repeating").
    if (payload != null && !isJsonObject(payload)) at('function-response-not-object');
    summary.responses.push({ partIndex, id: readId(response), name });
  }
}

function isVideoMetadataOnly(part: Record<string, unknown>): boolean {
  const others = Object.keys(part).filter(
    (key) =>
      part[key] != null &&
      !['videoMetadata', 'video_metadata', 'thoughtSignature', 'thought_signature'].includes(key),
  );
  return others.length === 0 && isJsonObject(readField(part, 'videoMetadata', 'video_metadata'));
}

function isSignatureOnly(part: Record<string, unknown>): boolean {
  const signature = readField(part, 'thoughtSignature', 'thought_signature');
  if (signature === undefined || signature === '') return false;
  return Object.keys(part).every(
    (key) =>
      part[key] == null || ['thoughtSignature', 'thought_signature', 'thought'].includes(key),
  );
}

function isBase64(value: string): boolean {
  return value.length % 4 !== 1 && /^[A-Za-z0-9+/_-]*={0,2}$/.test(value);
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function readId(value: unknown): string | undefined {
  return isJsonObject(value) ? nonEmpty(value['id']) : undefined;
}

// --- pairing calls and responses -------------------------------------------------------------

/** Rules that hold in every reading: where calls and responses may sit at all. */
function checkPlacement(summaries: readonly Summary[], issues: FakeHistoryIssue[]): void {
  summaries.forEach((summary, index) => {
    if (summary.calls.length > 0 && summary.responses.length > 0) {
      // googleapis/python-genai#81.
      issues.push({ rule: 'function-call-and-response-mixed', contentIndex: index });
      return;
    }
    if (summary.calls.length > 0 && summary.role === 'user') {
      const partIndex = summary.calls[0]?.partIndex;
      issues.push({ rule: 'function-call-not-in-model-turn', contentIndex: index, partIndex });
    }
    if (summary.responses.length > 0 && summary.role === 'model') {
      const partIndex = summary.responses[0]?.partIndex;
      issues.push({ rule: 'function-response-not-in-user-turn', contentIndex: index, partIndex });
    }
  });
}

/**
 * The API's reading: consecutive contents of one role are one turn. The recordings show it: two
 * model contents of one call each answered by one user content, and one model content of three
 * calls answered by three user contents, were both answered 200 (requests/…two-model-call-
 * contents…, requests/…three-calls-answered-by-three-user-contents…). A call turn follows a
 * user turn, and the user turn after it holds one response per call, matched by id when the
 * calls have ids (router-for-me/CLIProxyAPI#5199) and by count alone otherwise.
 */
function checkPairing(summaries: readonly Summary[], issues: FakeHistoryIssue[]): void {
  checkPlacement(summaries, issues);
  const turns = groupTurns(summaries);
  turns.forEach((turn, turnIndex) => {
    const calls = turn.calls;
    const responses = turn.responses;
    if (turn.role === 'model' && calls.length > 0) {
      // google-gemini/gemini-cli#11814: a call turn first in the history.
      if (turnIndex === 0)
        issues.push({ rule: 'function-call-turn-position', contentIndex: turn.start });
      const next = turns[turnIndex + 1];
      // The history may end on the call turn: its answers are what the caller sends next.
      if (next === undefined) return;
      const answered = next.role === 'user' ? next.responses : [];
      if (answered.length === 0) {
        // errors/400-INVALID_ARGUMENT-functionResponse-count-mismatch: text after calls.
        issues.push({ rule: 'function-call-without-response', contentIndex: turn.start });
      } else if (answered.length !== calls.length) {
        issues.push({ rule: 'function-response-count', contentIndex: next.start });
      } else {
        checkIds(calls, answered, issues);
      }
    }
    if (turn.role === 'user' && responses.length > 0) {
      const previous = turns[turnIndex - 1];
      if (previous === undefined || previous.role !== 'model' || previous.calls.length === 0) {
        // langchain-ai/langchain#27799.
        issues.push({ rule: 'function-response-without-call', contentIndex: turn.start });
      }
    }
  });
}

type Located = Call & { contentIndex: number };
type Turn = { role: Summary['role']; start: number; calls: Located[]; responses: Located[] };

function groupTurns(summaries: readonly Summary[]): Turn[] {
  const turns: Turn[] = [];
  summaries.forEach((summary, index) => {
    const last = turns.at(-1);
    const turn =
      last !== undefined && last.role === summary.role && summary.role !== undefined
        ? last
        : turns[turns.push({ role: summary.role, start: index, calls: [], responses: [] }) - 1];
    if (turn === undefined) return;
    for (const call of summary.calls) turn.calls.push({ ...call, contentIndex: index });
    for (const response of summary.responses)
      turn.responses.push({ ...response, contentIndex: index });
  });
  return turns;
}

function checkIds(
  calls: readonly Located[],
  responses: readonly Located[],
  issues: FakeHistoryIssue[],
) {
  // Each call takes one answer: a second answer with one id leaves another call unanswered, and
  // the client's `validateHistory` refuses it in both modes (history-rules.test.ts).
  const ids = calls.map((call) => call.id).filter((id) => id !== undefined);
  if (ids.length === 0) return;
  for (const response of responses) {
    if (response.id === undefined) continue;
    const found = ids.indexOf(response.id);
    if (found !== -1) ids.splice(found, 1);
    else {
      issues.push({
        rule: 'function-response-id-mismatch',
        contentIndex: response.contentIndex,
        partIndex: response.partIndex,
      });
    }
  }
}

/**
 * gemloop's canonical shape: a model content of calls right after a user content, answered by
 * the next content alone, one response per call, each with its call's id and name.
 */
function checkCanonicalPairing(summaries: readonly Summary[], issues: FakeHistoryIssue[]): void {
  checkPlacement(summaries, issues);
  summaries.forEach((summary, index) => {
    if (summary.role === 'model' && summary.calls.length > 0 && summary.responses.length === 0) {
      const previous = summaries[index - 1];
      if (previous === undefined || previous.role !== 'user') {
        issues.push({ rule: 'function-call-turn-position', contentIndex: index });
      }
      const next = summaries[index + 1];
      if (next === undefined) return;
      if (next.role !== 'user' || next.responses.length === 0 || next.calls.length > 0) {
        issues.push({ rule: 'function-call-without-response', contentIndex: index });
      } else if (next.responses.length !== summary.calls.length) {
        issues.push({ rule: 'function-response-count', contentIndex: index + 1 });
      } else {
        checkCanonicalAnswers(summary.calls, next.responses, index + 1, issues);
      }
    }
    if (summary.role === 'user' && summary.responses.length > 0) {
      const previous = summaries[index - 1];
      if (previous === undefined || previous.role !== 'model' || previous.calls.length === 0) {
        const partIndex = summary.responses[0]?.partIndex;
        issues.push({ rule: 'function-response-without-call', contentIndex: index, partIndex });
      }
    }
  });
}

function checkCanonicalAnswers(
  calls: readonly Call[],
  responses: readonly Call[],
  contentIndex: number,
  issues: FakeHistoryIssue[],
): void {
  const byId = new Map(
    calls.filter((call) => call.id !== undefined).map((call) => [call.id, call]),
  );
  const answered = new Set<Call>();
  responses.forEach((response, index) => {
    const call = response.id !== undefined && byId.size > 0 ? byId.get(response.id) : calls[index];
    const { partIndex } = response;
    // A call answered twice (two responses with its id) leaves another call unanswered.
    if (call === undefined || answered.has(call)) {
      issues.push({ rule: 'function-response-id-mismatch', contentIndex, partIndex });
      return;
    }
    answered.add(call);
    if (response.name !== undefined && call.name !== undefined && response.name !== call.name) {
      // No recording shows the API refusing it; gemloop never sends it.
      issues.push({ rule: 'function-response-name-mismatch', contentIndex, partIndex });
    }
  });
}

// --- thought signatures ----------------------------------------------------------------------

const DUMMY_SIGNATURES: ReadonlySet<string> = new Set(
  ['skip_thought_signature_validator', 'context_engineering_is_the_way_to_go'].flatMap((text) => [
    text,
    btoa(text),
    btoa(text).replace(/=+$/, ''),
  ]),
);

/** A documented dummy signature (or its base64, recorded 200): the API skips its validation. @internal */
export function isDummySignature(signature: unknown): boolean {
  return typeof signature === 'string' && DUMMY_SIGNATURES.has(signature);
}

/** The first call part of each model content of the current turn, and its signature. @internal */
export function listSignedSteps(
  contents: readonly unknown[],
): { contentIndex: number; partIndex: number; signature: unknown }[] {
  let start = 0;
  // The current turn starts after the last user content with standard text (not a function
  // response; an empty text does not count: requests/…parallel-functionResponses… sends one).
  for (let index = contents.length - 1; index >= 0; index--) {
    const content = contents[index];
    if (isJsonObject(content) && (content['role'] ?? 'user') === 'user' && hasText(content)) {
      start = index + 1;
      break;
    }
  }
  const steps: { contentIndex: number; partIndex: number; signature: unknown }[] = [];
  for (let index = start; index < contents.length; index++) {
    const content = contents[index];
    if (!isJsonObject(content) || content['role'] !== 'model') continue;
    const parts = Array.isArray(content['parts']) ? (content['parts'] as unknown[]) : [];
    // Parallel calls: only the first carries the signature (requests/…unsigned-second-call…,
    // requests/…parallel-functionResponses…).
    const partIndex = parts.findIndex(
      (part) =>
        isJsonObject(part) && isJsonObject(readField(part, 'functionCall', 'function_call')),
    );
    if (partIndex === -1) continue;
    const part = parts[partIndex] as Record<string, unknown>;
    steps.push({
      contentIndex: index,
      partIndex,
      signature: readField(part, 'thoughtSignature', 'thought_signature'),
    });
  }
  return steps;
}

function checkSignatures(contents: readonly unknown[], issues: FakeHistoryIssue[]): void {
  for (const step of listSignedSteps(contents)) {
    // errors/400-INVALID_ARGUMENT-missing-thought_signature.
    if (step.signature === undefined || step.signature === '') {
      const { contentIndex, partIndex } = step;
      issues.push({ rule: 'missing-thought-signature', contentIndex, partIndex });
    }
  }
}

function hasText(content: Record<string, unknown>): boolean {
  const parts = content['parts'];
  return (
    Array.isArray(parts) &&
    parts.some(
      (part) => isJsonObject(part) && typeof part['text'] === 'string' && part['text'] !== '',
    )
  );
}

function hasServedKey(part: Record<string, unknown>, served: ReadonlySet<string> | undefined) {
  if (served === undefined || served.size === 0) return false;
  for (const key in part) if (served.has(key)) return true;
  return false;
}
