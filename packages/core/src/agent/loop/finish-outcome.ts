import { hasClientCall } from '../../history/find-calls-answered-in-turn.ts';
import type { BlockedOutcome, ReaskReason } from '../../run/agent-result.ts';
import type { Part } from '../../wire/content.ts';
import type { Candidate, FinishReason, GenerateContentResponse } from '../../wire/response.ts';

/**
 * What a model response means for the loop. Every finish reason is an outcome, never a surprise:
 *
 * - `tool-calls`: `STOP` (or no reason) with `functionCall` parts: run them, go on. Calls the
 *   turn answers itself (server-side MCP) are not the client's: a turn of only those is an answer.
 * - `answer`: `STOP` (or no reason) with an answer: the run ends.
 * - `max-tokens`: `MAX_TOKENS`: the run ends with the partial text.
 * - `content-filter`: a safety-type finish reason (`ESCALATION` and `PUP_LIMITED_DISABLED` among
 *   them), or a blocked prompt (no candidates).
 * - `missing-thought-signature`: `MISSING_THOUGHT_SIGNATURE`: the history sent lost a signature;
 *   the same history would get the same answer, so the run fails with a typed error.
 * - `other`: any other reason, unknown values included: the run ends, the reason kept as data.
 * - `reask`: `MALFORMED_FUNCTION_CALL`, `MALFORMED_RESPONSE` (`@google/genai` 3.1.0: the
 *   model's output could not be parsed; re-asked like a malformed call, within `maxReasks`),
 *   `UNEXPECTED_TOOL_CALL`, `TOO_MANY_TOOL_CALLS` (js-genai 2.16.0: "Model called too many tools
 *   consecutively, thus the system exited execution"), a function call without a name, or an
 *   empty answer: ask again.
 * - `CONTINUATION` reaches here only with automatic continuation off (or a hop that made no
 *   progress, or `continuation.maxHops` reached): `other`, the partial answer kept.
 * @internal
 */
export type ResponseOutcome =
  | { type: 'tool-calls' }
  | { type: 'answer' }
  | { type: 'max-tokens' }
  | { type: 'content-filter'; blocked: BlockedOutcome }
  | { type: 'other' }
  | { type: 'interrupted' }
  | { type: 'missing-thought-signature' }
  | { type: 'reask'; reason: ReaskReason };

// Finish reasons that mean the answer was withheld for its content (wire reference 3.1).
const contentFilterReasons: ReadonlySet<string> = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
  'MODEL_ARMOR',
  'JAILBREAK',
  // `@google/genai` 3.3.0: "Request was filtered by an escalation rule", and "the user account
  // is limited or disabled due to Prohibited Use Policy (PUP) violations". A re-ask gets the same.
  'ESCALATION',
  'PUP_LIMITED_DISABLED',
]);

// The outcomes without data, made once (one is read per step).
const TOOL_CALLS: ResponseOutcome = Object.freeze({ type: 'tool-calls' });
const ANSWER: ResponseOutcome = Object.freeze({ type: 'answer' });
const MAX_TOKENS: ResponseOutcome = Object.freeze({ type: 'max-tokens' });
const OTHER: ResponseOutcome = Object.freeze({ type: 'other' });
const MISSING_SIGNATURE: ResponseOutcome = Object.freeze({ type: 'missing-thought-signature' });

/**
 * Reads the first candidate of a response (the agent asks for one) and says what it means.
 * @internal
 */
export function classifyResponse(response: GenerateContentResponse): ResponseOutcome {
  const candidate = response.candidates?.[0];
  if (candidate === undefined) {
    const feedback = response.promptFeedback;
    const reason = feedback?.blockReason;
    // `!= null`, as isPromptBlocked reads it: a gateway's `null` is no block reason.
    if (feedback !== undefined && reason != null) {
      return {
        type: 'content-filter',
        blocked: {
          source: 'prompt',
          reason,
          message: feedback.blockReasonMessage,
          safetyRatings: feedback.safetyRatings ?? [],
          citationMetadata: undefined,
        },
      };
    }
    return { type: 'reask', reason: 'empty-response' };
  }
  const finishReason = candidate.finishReason;
  const parts = candidate.content?.parts ?? [];
  // `== null`: a gateway's `null` is an absent finish reason, as the response check takes it.
  if (finishReason == null || finishReason === 'STOP') {
    if (hasFunctionCall(parts) && hasClientCall(parts)) {
      // A call without a name cannot be run or answered (a response needs the name): the API
      // never sends one whole, a gateway or a cut stream might.
      return hasNamelessCall(parts)
        ? { type: 'reask', reason: 'malformed-function-call' }
        : TOOL_CALLS;
    }
    return isEmptyAnswer(parts) ? { type: 'reask', reason: 'empty-response' } : ANSWER;
  }
  if (finishReason === 'MISSING_THOUGHT_SIGNATURE') return MISSING_SIGNATURE;
  if (finishReason === 'MALFORMED_FUNCTION_CALL')
    return { type: 'reask', reason: 'malformed-function-call' };
  if (finishReason === 'MALFORMED_RESPONSE') return { type: 'reask', reason: 'malformed-response' };
  if (finishReason === 'UNEXPECTED_TOOL_CALL')
    return { type: 'reask', reason: 'unexpected-tool-call' };
  if (finishReason === 'TOO_MANY_TOOL_CALLS')
    return { type: 'reask', reason: 'too-many-tool-calls' };
  if (finishReason === 'MAX_TOKENS') return MAX_TOKENS;
  if (contentFilterReasons.has(finishReason)) {
    return { type: 'content-filter', blocked: blockedAnswer(candidate, finishReason) };
  }
  return OTHER;
}

function blockedAnswer(candidate: Candidate, reason: FinishReason): BlockedOutcome {
  return {
    source: 'response',
    reason,
    message: candidate.finishMessage,
    safetyRatings: candidate.safetyRatings ?? [],
    citationMetadata: candidate.citationMetadata,
  };
}

/** Whether any part is a `functionCall`. @internal */
export function hasFunctionCall(parts: readonly Part[]): boolean {
  for (const part of parts) if (part.functionCall != null) return true;
  return false;
}

function hasNamelessCall(parts: readonly Part[]): boolean {
  for (const part of parts) {
    const call = part.functionCall;
    if (call != null && (typeof call.name !== 'string' || call.name === '')) return true;
  }
  return false;
}

/**
 * No usable answer: no parts, or only empty text and thought summaries (a signature alone is no
 * answer). A part with any other data (an image, code, a server-side tool call) is an answer.
 */
function isEmptyAnswer(parts: readonly Part[]): boolean {
  for (const part of parts) {
    if (typeof part.text === 'string') {
      if (part.text !== '' && part.thought !== true) return false;
      continue;
    }
    for (const key in part) {
      if (
        key !== 'thought' &&
        key !== 'thoughtSignature' &&
        (part as Record<string, unknown>)[key] != null
      ) {
        return false;
      }
    }
  }
  return true;
}

/**
 * The corrective note a re-ask sends, as a new user content after the history (the bad answer is
 * not appended). Plain words the model can act on; the tool names help after an unexpected call.
 * @internal
 */
export function reaskNote(
  reason: ReaskReason,
  {
    finishMessage,
    functionNames,
  }: { finishMessage: string | undefined; functionNames: readonly string[] },
): string {
  const detail = finishMessage === undefined || finishMessage === '' ? '' : ` (${finishMessage})`;
  const available =
    functionNames.length === 0
      ? 'No functions are available: answer in text.'
      : `The available functions are: ${functionNames.join(', ')}.`;
  if (reason === 'malformed-function-call') {
    return `Your last function call could not be parsed${detail}. Call the function again with arguments that are valid JSON and match its declared parameters, or answer in text. ${available}`;
  }
  if (reason === 'unexpected-tool-call') {
    return `Your last response called a tool that is not available in this request${detail}. ${available} Call only those, or answer in text.`;
  }
  if (reason === 'malformed-response') {
    return `Your last response could not be read${detail}. Answer again, in well-formed text or with a valid function call. ${available}`;
  }
  if (reason === 'too-many-tool-calls') {
    return `You made too many tool calls in a row${detail}. Answer now from the results you already have, or make only the one call you still need. ${available}`;
  }
  return 'Your last response was empty. Continue: answer the request, or call one of the available functions if you need one.';
}

/** The note asking for the structured answer in `final-call` mode. @internal */
export const FINAL_OUTPUT_NOTE =
  'Now give your final answer as JSON that matches the response schema, based on everything above.';

/** The note after a structured answer that failed its schema. @internal */
export function outputReaskNote(issues: readonly string[]): string {
  return `Your answer does not match the required JSON schema: ${issues.join('; ')}. Answer again with only the JSON, matching the schema exactly.`;
}
