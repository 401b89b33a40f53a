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
 * `united` records the united lists' entries (see {@link UnitedLists}), kept by the caller from
 * chunk to chunk.
 * @internal
 */
export function mergeCandidateField(
  target: AnyRecord,
  key: string,
  value: unknown,
  united: UnitedLists,
): void {
  if (value == null) return;
  const previous = target[key];
  if (isRecord(value) && previous !== undefined && isEmptyRecord(value)) return;
  if (isRecord(previous) && isRecord(value)) {
    switch (key) {
      case 'citationMetadata':
        target[key] = uniteLists(previous, value, CITATION_LISTS, united);
        return;
      case 'urlContextMetadata':
        target[key] = uniteLists(previous, value, URL_CONTEXT_LISTS, united);
        return;
      case 'groundingMetadata':
        target[key] = withoutNulls(previous, value);
        return;
      case 'logprobsResult':
        target[key] = concatLogprobs(previous, value);
        refreshAverage(target);
        return;
    }
  }
  setOwnKey(target, key, value);
  if (key === 'avgLogprobs') refreshAverage(target);
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
export type UnitedLists = WeakMap<readonly unknown[], Set<string>>;

const CITATION_LISTS = ['citations', 'citationSources'] as const;
const URL_CONTEXT_LISTS = ['urlMetadata'] as const;

/** `previous` with the lists under `keys` united with `next`'s, other keys from `next`. */
function uniteLists(
  previous: AnyRecord,
  next: AnyRecord,
  keys: readonly string[],
  lists: UnitedLists,
): AnyRecord {
  const merged = withoutNulls(previous, next);
  for (const key of keys) {
    const before = previous[key];
    const after = next[key];
    if (!Array.isArray(before) || !Array.isArray(after)) continue;
    // A WeakMap: the lists replaced by later chunks are let go with their keys.
    const seen = lists.get(before) ?? new Set(before.map((entry) => JSON.stringify(entry)));
    // A copy: a response already handed out keeps the list it had.
    const united = [...before];
    for (const entry of after) {
      const text = JSON.stringify(entry);
      if (seen.has(text)) continue;
      seen.add(text);
      united.push(entry);
    }
    lists.set(united, seen);
    merged[key] = united;
  }
  return merged;
}

function concatLogprobs(previous: AnyRecord, next: AnyRecord): AnyRecord {
  const merged = withoutNulls(previous, next);
  for (const key of ['chosenCandidates', 'topCandidates']) {
    const before = previous[key];
    const after = next[key];
    if (Array.isArray(before) && Array.isArray(after)) merged[key] = [...before, ...after];
  }
  const { logProbabilitySum: beforeSum } = previous;
  const { logProbabilitySum: afterSum } = next;
  if (typeof beforeSum === 'number' && typeof afterSum === 'number') {
    merged['logProbabilitySum'] = beforeSum + afterSum;
  }
  concatenated.add(merged);
  return merged;
}

/**
 * Results made of more than one chunk: only their average needs recomputing (a one-chunk answer
 * keeps the server's own `avgLogprobs` to the last bit).
 */
const concatenated = new WeakSet<object>();

/** `avgLogprobs` as the mean of the chosen tokens' log probabilities, when there are any. */
function refreshAverage(target: AnyRecord): void {
  const result = target['logprobsResult'];
  if (!isRecord(result) || !concatenated.has(result)) return;
  const chosen = result['chosenCandidates'];
  if (!Array.isArray(chosen) || chosen.length === 0) return;
  let sum = 0;
  for (const token of chosen) {
    const value = isRecord(token) ? token['logProbability'] : undefined;
    if (typeof value !== 'number') return;
    sum += value;
  }
  if (target['avgLogprobs'] !== undefined) target['avgLogprobs'] = sum / chosen.length;
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
