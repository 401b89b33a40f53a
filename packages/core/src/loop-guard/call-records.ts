import { canonicalJson } from '../shared/canonical-json.ts';
import type { Content, Part } from '../wire/content.ts';
import { deepCanonicalJson } from './deep-canonical-json.ts';

/** One answered call of the run's history, as the loop guard compares them. @internal */
export type CallRecord = {
  readonly toolName: string;
  /**
   * The tool's name and its arguments as canonical JSON; `undefined` when the arguments are too
   * large to compare (`DEEP_CANONICAL_JSON_MAX_VALUES`): such a call is like no other.
   */
  readonly signature: string | undefined;
  /**
   * The response the model got, as canonical JSON (for a steered call: what it had got before).
   * Written when first compared: most calls are never repeated, and a response may be a whole
   * document, so a step does not pay for it unless its call came again. `null`: too large to
   * compare (as for a signature), the same as no other answer.
   */
  answer: string | null | undefined;
  /** The response the model got (for a steered call: what it had got before). */
  readonly response: unknown;
  /** Whether that response is an error (`{ error }`, as every failed call is answered). */
  readonly failed: boolean;
};

/** What the guard has read of the run's history so far. @internal */
export type CallRecords = {
  records: CallRecord[];
  /** How many contents of the history were read. */
  read: number;
  /** The calls of the last model turn not yet answered. */
  open: { name: string; id: string | undefined; signature: string | undefined }[];
};

/** The key a response from the guard carries: how it knows its own steers when it reads them back. */
export const STEER_KEY = 'loopGuard';

/**
 * Whether two records got the same response, as canonical JSON written once per record. A
 * response too large to compare is the same as no other, itself included. @internal
 */
export function sameAnswer(one: CallRecord, other: CallRecord): boolean {
  const answer = answerOf(one);
  return answer !== null && answer === answerOf(other);
}

/** A record's response as canonical JSON, written once; `null` when too large to compare. @internal */
export function answerOf(record: CallRecord): string | null {
  if (record.answer === undefined) record.answer = comparableJson(record.response) ?? null;
  return record.answer;
}

/**
 * The identity of a call: its tool and its arguments, key order aside; `undefined` when the
 * arguments are too large to compare. @internal
 */
export function callSignature(toolName: string, args: unknown): string | undefined {
  const json = comparableJson(args);
  return json === undefined ? undefined : `${toolName}\u0000${json}`;
}

/**
 * A value as canonical JSON at any depth. Past `canonicalJson`'s depth bound (100 levels) the
 * loop's own walk writes the same text (attack42b: a call repeated with arguments 101 levels deep
 * was stopped by `maxSteps` alone); a value of ordinary depth pays for one walk, as before.
 */
function comparableJson(value: unknown): string | undefined {
  return canonicalJson(value) ?? deepCanonicalJson(value);
}

/**
 * Reads what the history gained since the last look: each model turn's calls paired with the
 * responses that answer them (by id when both have one, else by name in order, as the API pairs
 * them), keeping the last `window`. A new user message (text, not responses) starts over: what
 * was asked again is not a loop. Reading only what is new keeps a step's cost flat. @internal
 */
export function readCalls(
  state: CallRecords,
  contents: readonly Content[],
  window: number,
): CallRecord[] {
  // The history was replaced (a chat's window, a rewrite): read it from the start.
  if (contents.length < state.read) {
    state.read = 0;
    state.records = [];
    state.open = [];
  }
  for (let index = state.read; index < contents.length; index++) {
    const content = contents[index] as Content;
    const parts: readonly Part[] = Array.isArray(content.parts) ? content.parts : [];
    if (content.role === 'model') {
      state.open = parts.flatMap((part) =>
        part.functionCall === undefined
          ? []
          : [
              {
                name: part.functionCall.name,
                id: part.functionCall.id,
                signature: callSignature(part.functionCall.name, part.functionCall.args ?? {}),
              },
            ],
      );
      continue;
    }
    const responses = parts.filter((part) => part.functionResponse !== undefined);
    if (responses.length === 0) {
      if (parts.some((part) => part.text !== undefined)) state.records = [];
      continue;
    }
    for (const part of responses) {
      const answer = part.functionResponse as NonNullable<Part['functionResponse']>;
      const at = state.open.findIndex(
        (call) =>
          call.name === answer.name &&
          (call.id === undefined || answer.id === undefined || call.id === answer.id),
      );
      if (at === -1) continue;
      const [call] = state.open.splice(at, 1);
      state.records.push(
        toRecord(
          answer.name,
          (call as { signature: string | undefined }).signature,
          answer.response,
        ),
      );
    }
    if (state.records.length > window) state.records.splice(0, state.records.length - window);
  }
  state.read = contents.length;
  return state.records;
}

function toRecord(toolName: string, signature: string | undefined, response: unknown): CallRecord {
  // A steer of ours counts as what the call had got before it.
  const steered =
    typeof response === 'object' &&
    response !== null &&
    typeof (response as Record<string, unknown>)[STEER_KEY] === 'string' &&
    'lastResponse' in response
      ? (response as { lastResponse: unknown }).lastResponse
      : response;
  return {
    toolName,
    signature,
    answer: undefined,
    response: steered,
    failed:
      typeof steered === 'object' &&
      steered !== null &&
      typeof (steered as { error?: unknown }).error === 'string',
  };
}
