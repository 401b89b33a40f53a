import { setOwnKey } from '../shared/set-own-key.ts';

type AnyRecord = Record<string, unknown>;

/**
 * Folds one candidate field of a stream chunk into what the earlier chunks gave, so the folded
 * candidate holds what `generateContent` would have returned. Decided per field from the wire
 * reference (`/shared/reference/gemini-wire.md` §3, §8) and recorded streams:
 *
 * - `citationMetadata` (`citations` on Vertex, `citationSources` on the Gemini API): each chunk
 *   cites spans of the whole answer that its own text completed (a recorded Vertex stream cites
 *   1255-1478 in one chunk, 1507-1637 and 1569-1691 in the next), so the lists are united, in
 *   order, an entry repeated verbatim kept once.
 * - `logprobsResult`: a chunk's `chosenCandidates`/`topCandidates` are its own tokens, so they are
 *   concatenated and `logProbabilitySum` added up; `avgLogprobs` is then recomputed from the
 *   chosen tokens (it is the average over the whole answer in `generateContent`), and stays the
 *   last chunk's only when no chunk carried per-token log probabilities.
 * - `urlContextMetadata.urlMetadata`: one entry per URL read, usually in the first chunk; entries
 *   from several chunks are united (repeats kept once) rather than the last list replacing them.
 * - `groundingMetadata`: `{}` on all but the last chunk, which holds the whole metadata (recorded
 *   Gemini API streams); merged key by key, the later value of a key winning, so a key sent only
 *   in an earlier chunk (a gateway splitting the pieces) is not lost and a full last chunk is kept
 *   as it is. Its lists are not united: `groundingSupports` index into `groundingChunks`.
 * - `safetyRatings`, `finishReason`, `finishMessage`, `tokenCount` and unknown fields: the last
 *   value wins. Ratings in a stream rate the candidate so far (a block ends the stream with
 *   `finishReason: SAFETY`), like the cumulative `usageMetadata`.
 *
 * `null` is absent, at the top and one level down (a gateway that writes absent fields as `null`
 * sends `citations: null` on every chunk without citations), and an empty object never replaces
 * one with content.
 *
 * `fold` is what the candidate's earlier chunks left (see {@link FieldFold}), kept by the caller
 * from chunk to chunk.
 * @internal
 */
export function mergeCandidateField(
  target: AnyRecord,
  key: string,
  value: unknown,
  fold: FieldFold,
): void {
  if (value == null) return;
  const previous = target[key];
  if (isRecord(value) && previous !== undefined && isEmptyRecord(value)) return;
  if (isRecord(previous) && isRecord(value)) {
    switch (key) {
      case 'citationMetadata':
        target[key] = uniteLists(previous, value, CITATION_LISTS, fold);
        return;
      case 'urlContextMetadata':
        target[key] = uniteLists(previous, value, URL_CONTEXT_LISTS, fold);
        return;
      case 'groundingMetadata':
        target[key] = withoutNulls(previous, value);
        return;
      case 'logprobsResult':
        target[key] = concatLogprobs(previous, value, fold);
        refreshAverage(target, fold);
        return;
    }
  }
  setOwnKey(target, key, value);
  if (key === 'avgLogprobs') refreshAverage(target, fold);
}

/**
 * The lists a stream's chunks united so far (one per stream: each list is its own array), each with the JSON text of its entries (how a
 * repeated entry is told): an entry is written out once, when it is first compared, not again for
 * every later chunk that brings the list (each later chunk wrote all the entries before it out
 * again: a chunk's citations serialised once per chunk after it). Keyed by the list's array,
 * which a united list replaces by its own: a list the chunks replaced otherwise (a field that was
 * not an object, a list that was not an array) has no entry, and its keys are written out anew.
 * @internal
 */
export type UnitedLists = WeakMap<readonly unknown[], Set<string | undefined>>;

/**
 * What one candidate's earlier chunks left for the next one's fields to fold into (one per
 * candidate of a stream, `{ lists: {} }` to start), passed back with every chunk: the fold's state
 * goes through the signature, not a module-level registry.
 * @internal
 */
export type FieldFold = {
  /**
   * Made by the first chunk that unites lists: a stream without citations or URL entries (most
   * streamed steps) makes no WeakMap (−280 instructions a streamed step, callgrind).
   */
  united?: UnitedLists;
  /**
   * The lists this fold made (log-probability tokens, united citations and URL entries, by their
   * key), grown in place by later chunks: copying each list for every chunk that brings more made
   * a long answer's log probabilities and citations quadratic in its chunks. Emptied when a
   * response holding them is handed out, so the next chunk grows copies and that response keeps
   * its lists.
   */
  lists: Partial<Record<string, unknown[]>>;
  /**
   * The `logprobsResult` this fold made of more than one chunk: only its average is recomputed
   * (a one-chunk answer keeps the server's own `avgLogprobs` to the last bit).
   */
  logprobs?: AnyRecord;
  /** The running sum of the chosen tokens' log probabilities: `summed` tokens of `sumOf`. */
  sumOf?: readonly unknown[];
  summed?: number;
  sum?: number;
};

const CITATION_LISTS = ['citations', 'citationSources'] as const;
const URL_CONTEXT_LISTS = ['urlMetadata'] as const;

/** `previous` with the lists under `keys` united with `next`'s, other keys from `next`. */
function uniteLists(
  previous: AnyRecord,
  next: AnyRecord,
  keys: readonly string[],
  fold: FieldFold,
): AnyRecord {
  const merged = withoutNulls(previous, next);
  for (const key of keys) {
    const before = previous[key];
    const after = next[key];
    if (!Array.isArray(before) || !Array.isArray(after)) continue;
    // A WeakMap: the lists replaced by later chunks are let go with their keys.
    fold.united ??= new WeakMap();
    const seenOf = fold.united;
    const seen = seenOf.get(before) ?? new Set(before.map(jsonOf));
    let united = fold.lists[key];
    // Not this fold's own (a chunk's list, or one a response handed out holds): grown in a copy.
    if (united !== before) united = fold.lists[key] = [...before];
    for (const entry of after) {
      const text = jsonOf(entry);
      // An entry JSON cannot hold (nested too deep) is kept, equal to no other: the fold threw,
      // and a streamed run failed where the unary answer was read (attack27).
      if (text !== undefined) {
        if (seen.has(text)) continue;
        seen.add(text);
      }
      united.push(entry);
    }
    seenOf.set(united, seen);
    merged[key] = united;
  }
  return merged;
}

/** `value` as JSON, or `undefined` when it cannot be (nested too deep). */
function jsonOf(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

function concatLogprobs(previous: AnyRecord, next: AnyRecord, fold: FieldFold): AnyRecord {
  const merged = withoutNulls(previous, next);
  for (const key of ['chosenCandidates', 'topCandidates']) {
    const before = previous[key];
    const after = next[key];
    if (Array.isArray(before) && Array.isArray(after)) {
      let list = fold.lists[key];
      // Not this fold's own (a chunk's list, or one a response handed out holds): grown in a copy.
      if (list !== before) list = fold.lists[key] = [...before];
      for (const entry of after) list.push(entry);
      merged[key] = list;
    }
  }
  const { logProbabilitySum: beforeSum } = previous;
  const { logProbabilitySum: afterSum } = next;
  if (typeof beforeSum === 'number' && typeof afterSum === 'number') {
    merged['logProbabilitySum'] = beforeSum + afterSum;
  }
  fold.logprobs = merged;
  return merged;
}

/**
 * `avgLogprobs` as the mean of the chosen tokens' log probabilities, when there are any. The sum
 * runs on from the tokens summed before (added in the same order, so the same double): each
 * token is read once.
 */
function refreshAverage(target: AnyRecord, fold: FieldFold): void {
  const result = fold.logprobs;
  const chosen = result?.['chosenCandidates'];
  if (target['logprobsResult'] !== result || !Array.isArray(chosen)) return;
  // Summed anew when the list is another (copied, replaced).
  let { summed = 0, sum = 0 } = fold.sumOf === chosen ? fold : {};
  for (; summed < chosen.length; summed++) {
    // A token that is no object (null, a string) has no such field: undefined.
    const value: unknown = (chosen[summed] as AnyRecord | null | undefined)?.['logProbability'];
    // A token without one: the average stays the server's (checked again with the next chunk).
    if (typeof value !== 'number') break;
    sum += value;
  }
  fold.sumOf = chosen;
  fold.summed = summed;
  fold.sum = sum;
  // No tokens (an empty list): no mean.
  if (summed > 0 && summed === chosen.length && target['avgLogprobs'] !== undefined) {
    target['avgLogprobs'] = sum / summed;
  }
}

/** `{ ...previous, ...next }`, except that a `null` of `next` keeps what `previous` had. */
function withoutNulls(previous: AnyRecord, next: AnyRecord): AnyRecord {
  const merged: AnyRecord = { ...previous };
  for (const key of Object.keys(next)) {
    const value = next[key];
    if (value !== null || !Object.hasOwn(previous, key)) setOwnKey(merged, key, value);
  }
  return merged;
}

function isRecord(value: unknown): value is AnyRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmptyRecord(value: AnyRecord): boolean {
  for (const _key in value) return false;
  return true;
}
