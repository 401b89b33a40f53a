import { setOwnKey } from '../shared/set-own-key.ts';
import type { FunctionCall, Part } from '../wire/content.ts';
import type { Candidate, CandidateContent, GenerateContentResponse } from '../wire/response.ts';
import { applyPartialArgs } from './apply-partial-args.ts';
import { type FieldFold, mergeCandidateField } from './merge-candidate-field.ts';

/**
 * Folds the chunks of a `streamGenerateContent` stream, one at a time, into the response
 * `generateContent` would have returned. Made by {@link createStreamAccumulator}.
 */
export type StreamAccumulator = {
  /** Adds the next chunk. The chunk itself is never modified. */
  push(chunk: GenerateContentResponse): void;
  /**
   * The response folded so far. Each call returns a new object; later `push` calls do not change
   * a response already returned.
   */
  response(): GenerateContentResponse;
};

type AnyRecord = Record<string, unknown>;

/** A streamed (Vertex partial-argument) function call still being assembled. */
type OpenCall = {
  part: Part;
  call: FunctionCall & { args: AnyRecord };
  continuing: Set<string>;
};

type CandidateState = {
  index: number;
  /** Candidate fields other than `content`, folded by `mergeCandidateField` (internal). */
  fields: AnyRecord;
  /** What `mergeCandidateField` keeps from chunk to chunk for `fields`. */
  fold: FieldFold;
  /** `content` fields other than `parts` (`role`), or undefined while no chunk had `content`. */
  contentFields: AnyRecord | undefined;
  /** Undefined while no chunk had a `parts` array. */
  parts: Part[] | undefined;
  /**
   * The last part when it is a text part of ours that later text can be merged into. Its text is
   * its `text` followed by `openPieces` (see `pushText`).
   */
  openText: Part | undefined;
  /** The text merged into `openText` since its last flat segment, one piece per chunk. */
  openPieces: string[];
  openCall: OpenCall | undefined;
};

/**
 * Creates a {@link StreamAccumulator}. The rules, per candidate (matched by `index`, absent = 0):
 *
 * - Parts keep their order. Adjacent text parts with the same `thought` flag become one part.
 * - An empty text part that carries nothing else is dropped (Gemini 3 ends a function-call turn
 *   with `{text: ""}`). One that carries a `thoughtSignature` gives it to the text part before it
 *   (same `thought` flag, not yet signed), as in the non-streamed response; otherwise it stays as
 *   its own `{text: "", thoughtSignature}` part. Two differently signed parts are never merged.
 * - `functionCall`, `toolCall`, `toolResponse`, `executableCode`, `codeExecutionResult`,
 *   `inlineData` and any other parts are kept whole, as they came, ids and signatures included.
 * - Vertex partial-argument calls (`{name, willContinue}`, then `partialArgs` fragments, then a
 *   `{}` terminator) become one `functionCall` with assembled `args`.
 * - Response fields: the last value wins (`usageMetadata`, which is cumulative, `modelVersion`,
 *   unknown fields), except that an empty object never replaces one with content
 *   (`promptFeedback` comes in the first chunk only).
 * - Candidate fields: citations, log probabilities and URL-context entries of different chunks
 *   are united, `groundingMetadata` merged key by key; `finishReason`, `safetyRatings` and the
 *   rest take the last value. `mergeCandidateField` (internal) says why, field by field.
 *
 * Cost per chunk is proportional to the chunk, not to what came before.
 *
 * @example
 * ```ts
 * const accumulator = createStreamAccumulator();
 * for await (const chunk of gemini.streamGenerateContent(request)) {
 *   accumulator.push(chunk);
 * }
 * const response = accumulator.response();
 * ```
 */
export function createStreamAccumulator(): StreamAccumulator {
  const top: AnyRecord = {};
  // By index, and in the order they came: sorted once, when the response is built. A search of
  // the list and a sort with each new index made a stream whose chunks each name another candidate
  // (a hostile or broken gateway) cost n² (attack58b: 10,000 such chunks took ~10 s of CPU where
  // 10,000 of one candidate take ~60 ms).
  const candidates = new Map<number, CandidateState>();
  let lastCandidate: CandidateState | undefined;

  function candidateState(index: number): CandidateState {
    if (lastCandidate !== undefined && lastCandidate.index === index) return lastCandidate;
    let state = candidates.get(index);
    if (state === undefined) {
      state = {
        index,
        fields: {},
        fold: { lists: {} },
        contentFields: undefined,
        parts: undefined,
        openText: undefined,
        openPieces: [],
        openCall: undefined,
      };
      candidates.set(index, state);
    }
    lastCandidate = state;
    return state;
  }

  function pushCandidate(candidate: AnyRecord): void {
    const { index: rawIndex } = candidate as { index?: unknown };
    const index = typeof rawIndex === 'number' ? rawIndex : 0;
    const state = candidateState(index);
    for (const key in candidate) {
      const value = candidate[key];
      if (key === 'content') {
        if (isRecord(value)) pushContent(state, value);
      } else {
        mergeCandidateField(state.fields, key, value, state.fold);
      }
    }
  }

  return {
    push(chunk) {
      const record = chunk as AnyRecord;
      for (const key in record) {
        const value = record[key];
        if (key === 'candidates') {
          if (!Array.isArray(value)) continue;
          for (const candidate of value) if (isRecord(candidate)) pushCandidate(candidate);
        } else {
          keepLast(top, key, value);
        }
      }
    },
    response() {
      const response: GenerateContentResponse = {};
      if (candidates.size > 0) {
        response.candidates = [...candidates.values()]
          .sort((left, right) => left.index - right.index)
          .map(buildCandidate);
      }
      return withFields(response, top);
    },
  };
}

function pushContent(state: CandidateState, content: AnyRecord): void {
  state.contentFields ??= {};
  for (const key in content) {
    const value = content[key];
    if (key !== 'parts') keepLast(state.contentFields, key, value);
    else if (Array.isArray(value)) {
      state.parts ??= [];
      for (const part of value) if (isRecord(part)) pushPart(state, part as Part);
    }
  }
}

function pushPart(state: CandidateState, part: Part): void {
  if (typeof part.text === 'string' && isPlainTextPart(part)) pushText(state, part, part.text);
  else if (isRecord(part.functionCall)) pushFunctionCall(state, part, part.functionCall);
  else {
    closeOpenParts(state);
    state.parts!.push(part);
  }
}

function pushText(state: CandidateState, part: Part, text: string): void {
  const signature = part.thoughtSignature ?? undefined;
  if (text === '' && signature === undefined) return;
  state.openCall = undefined;
  const thought = part.thought === true;
  const open = state.openText;
  if (open !== undefined && (open.thought === true) === thought) {
    const openSignature = open.thoughtSignature ?? undefined;
    // Unsigned text joins any; signed text joins the same signature or an unsigned part, which
    // takes its signature.
    if (signature === undefined || (openSignature ?? signature) === signature) {
      // Every 256 chunks their text is joined into one flat segment. `text +=` per chunk kept
      // every chunk's string and a 32-byte rope node alive until the answer was read: 62-72 B a
      // chunk, 1.4 MB for the bench's 20,000-chunk answer of 453 KB, all of it surviving young
      // collections; joined it is 10-25 B a chunk (stream-retention.test.ts), the pieces die
      // young, and a chunk costs the same (bench/RESULTS.md, "The 20,000-chunk stream's peak
      // RSS without the fixture's garbage").
      const pieces = state.openPieces;
      if (pieces.push(text) === 256) open.text += pieces.splice(0).join('');
      if (signature !== undefined) open.thoughtSignature = signature;
      return;
    }
  }
  closeOpenParts(state);
  // A copy: the merged text is appended to, and the chunk the part came from stays untouched.
  // Assigned, not spread (a plain text part has no `__proto__` key): on Node 20 (V8 11) a spread's
  // copy has a map outside V8's transition tree, so the signature Gemini 3 adds on the last chunk
  // made a new map each stream, and the snapshot's load and store of `text` missed V8's caches
  // every streamed run (`--log-ic`: 2 misses, about 4k instructions a run; bench/RESULTS.md,
  // "The streamed step toward d5ff9c8's").
  const copy: Part = Object.assign({}, part);
  state.parts!.push(copy);
  state.openText = copy;
}

function pushFunctionCall(state: CandidateState, part: Part, call: FunctionCall): void {
  const fragment = call as FunctionCall & AnyRecord;
  const hasName = typeof fragment.name === 'string' && fragment.name !== '';
  const open = state.openCall;
  if (!hasName && open !== undefined) {
    // The next fragment of the call being streamed.
    if (typeof part.thoughtSignature === 'string' && open.part.thoughtSignature === undefined) {
      open.part.thoughtSignature = part.thoughtSignature;
    }
    if (typeof fragment.id === 'string' && open.call.id === undefined) open.call.id = fragment.id;
    if (Array.isArray(fragment.partialArgs)) {
      applyPartialArgs(open.call.args, fragment.partialArgs, open.continuing);
    }
    if (fragment.willContinue !== true) state.openCall = undefined;
    return;
  }
  closeOpenParts(state);
  if (!hasName) {
    // A stray terminator or keep-alive (`{}`, `{willContinue: true}`) carries nothing.
    if (isEmptyFragment(part, fragment)) return;
    state.parts!.push(part);
    return;
  }
  if (fragment.willContinue !== true && fragment.partialArgs == null) {
    state.parts!.push(part);
    return;
  }
  // The first fragment of a streamed call: assemble a whole call without the streaming fields.
  const { willContinue: _willContinue, partialArgs, ...rest } = fragment;
  const args: AnyRecord = isRecord(fragment.args) ? copyJson(fragment.args) : {};
  const assembled = { ...rest, args } as FunctionCall & { args: AnyRecord };
  const assembledPart: Part = { ...part, functionCall: assembled };
  state.parts!.push(assembledPart);
  const openCall: OpenCall = { part: assembledPart, call: assembled, continuing: new Set() };
  if (Array.isArray(partialArgs)) applyPartialArgs(args, partialArgs, openCall.continuing);
  if (fragment.willContinue === true) state.openCall = openCall;
}

function closeOpenParts(state: CandidateState): void {
  const open = state.openText;
  if (open) open.text += state.openPieces.splice(0).join('');
  state.openText = undefined;
  state.openCall = undefined;
}

function buildCandidate(state: CandidateState): Candidate {
  const candidate: Candidate = {};
  if (state.contentFields !== undefined) {
    // Assigned into a new object, not spread: on Node 20 (V8 11) a spread with `parts` added gave
    // each step's content a map of its own once warm, so each of its loads downstream (the step's
    // `parts` and `role`, the next request's serialisation) missed V8's caches: 8-9k instructions
    // of V8's IC and map runtime a streamed step, 16-17k in all without GC and JIT compiling
    // (callgrind, two windows; bench/RESULTS.md, "The stream's request path at 8 calls, counted").
    const content: CandidateContent = withFields({}, state.contentFields);
    if (state.parts !== undefined) content.parts = state.parts.map((part) => snapshot(state, part));
    candidate.content = content;
  }
  // The fold's log-probability lists are in this response now: the next chunk grows copies.
  state.fold.lists = {};
  return withFields(candidate, state.fields);
}

/**
 * `target` with `fields` copied in. Object.assign, unless the stream sent an own `__proto__` key
 * (JSON.parse keeps it as data): assigned, it would become the prototype, so that rare object is
 * spread instead (data kept as data). The two spreads a snapshot took cost the default agent's
 * streamed step 7.4 µs of client CPU (ABBA against the spreads, 3 pairs x 20 blocks, A/A band
 * ±3.9 µs; bench/RESULTS.md, eleventh session).
 */
function withFields<T extends object>(target: T, fields: AnyRecord): T {
  return Object.hasOwn(fields, '__proto__')
    ? { ...target, ...fields }
    : Object.assign(target, fields);
}

/** Parts still growing are copied, so a response already handed out does not change. */
function snapshot(state: CandidateState, part: Part): Part {
  if (part === state.openText) return { ...part, text: part.text + state.openPieces.join('') };
  if (state.openCall !== undefined && part === state.openCall.part) {
    return { ...part, functionCall: copyJson(state.openCall.call) };
  }
  return part;
}

/**
 * A copy of `value`, JSON from the wire, made without recursion: a call's arguments nest as deep
 * as JSON.parse took them, and structuredClone overflowed the stack on 100,000 levels (deep47).
 * An own `__proto__` key is copied by the spread and then written as the own key it is.
 */
function copyJson<T>(value: T): T {
  const root = [value as unknown];
  const pending: [Record<string, unknown>, string][] = [[root as never, '0']];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [parent, key] = next;
    const item = parent[key];
    if (typeof item !== 'object' || item === null) continue;
    const copy = (Array.isArray(item) ? [...item] : { ...item }) as Record<string, unknown>;
    parent[key] = copy;
    for (const each of Object.keys(copy)) pending.push([copy, each]);
  }
  return root[0] as T;
}

/** Text, plus at most the `thought` flag and a signature: nothing merging could lose. */
function isPlainTextPart(part: Part): boolean {
  for (const key in part) {
    if (key !== 'text' && key !== 'thought' && key !== 'thoughtSignature') return false;
  }
  return true;
}

function isEmptyFragment(part: Part, call: AnyRecord): boolean {
  for (const key in part) if (key !== 'functionCall') return false;
  for (const key in call) if (key !== 'willContinue') return false;
  return true;
}

/** `null` is absent, and an empty object never replaces one with content. */
function keepLast(target: AnyRecord, key: string, value: unknown): void {
  if (value == null) return;
  if (isRecord(value) && target[key] !== undefined && isEmptyRecord(value)) return;
  // A `__proto__` key a server sent (JSON.parse keeps it as data) stays data, as in a unary call.
  setOwnKey(target, key, value);
}

function isRecord(value: unknown): value is AnyRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmptyRecord(value: AnyRecord): boolean {
  for (const _key in value) return false;
  return true;
}
