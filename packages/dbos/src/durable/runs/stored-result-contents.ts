/**
 * A run's `contents` are its history (its input's `history`, turns flattened) followed by its
 * `newContents`, as the agent read them: a chat turn's run stored the whole thread in its output
 * again beside the input's copy of it, so each turn of a conversation wrote the thread twice to
 * DBOS's tables (quadratic over a conversation, issue 53: 590 KB written in 20 turns for a thread
 * of 38 KB). The worker stores such a result without `contents`, with the number of history
 * contents they start with under {@link CONTENTS_FROM_KEY}; whoever reads the result puts them
 * back from the run's input ({@link rebuildStoredContents}), which DBOS keeps as long as the
 * output. A result whose contents are anything else (the agent rewrote its history: another
 * model's signatures dropped, a plugin's compaction; input given as contents) is stored whole, as
 * before, and so is every result of an older version: read as stored.
 *
 * A client older than this shape knows no {@link CONTENTS_FROM_KEY}: it returned such a result
 * without `contents`, as if whole (attack55, a rolling upgrade against 122e6ef9). So the worker
 * also stores {@link OLDER_READER_GUARD} first among the result's shared strings' places, which
 * every older reader refuses with its typed `DurableRunDataError`, and this version takes out.
 */

/**
 * The key of a stored result that stands for its `contents`: how many contents of the run's
 * history they start with (the rest are its `newContents`). No agent result has it.
 * @internal
 */
export const CONTENTS_FROM_KEY = 'contentsFrom';

/**
 * The first of a stored result's shared strings' places (`sharedStrings.at`) when its contents
 * were left out: not a path, so a reader of gemloop before this shape (whose `restoreLongStrings`
 * refuses a place that is not a list) fails with `DurableRunDataError` ("names a shared string’s
 * place that is not a path") instead of returning a result without `contents`. Taken out by
 * {@link dropOlderReaderGuard} before the shared strings are put back.
 * @internal
 */
export const OLDER_READER_GUARD =
  'contents left out: read with @gemloop/dbos of this version or newer';

/** The shared strings of a stored result, as the worker writes them (`shareLongStrings`). */
type SharedPlaces = { strings: string[]; at: unknown[] };

/**
 * The shared strings to store with `stored` (`shared`, or none): when its contents were left out
 * ({@link leaveOutHistoryContents}), with {@link OLDER_READER_GUARD} first among their places, an
 * empty list of strings made for it when none repeats.
 * @internal
 */
export function guardAgainstOlderReaders(
  stored: object,
  shared: SharedPlaces | undefined,
): SharedPlaces | undefined {
  if (!Object.hasOwn(stored, CONTENTS_FROM_KEY)) return shared;
  const guarded: SharedPlaces = shared ?? { strings: [], at: [] };
  guarded.at.unshift(OLDER_READER_GUARD);
  return guarded;
}

/**
 * Takes {@link OLDER_READER_GUARD} out of a stored result's shared strings (`shared`, as read) when
 * it is their first place and the result's contents were left out; anything else is left for
 * `restoreLongStrings` to judge (a guard elsewhere, or without {@link CONTENTS_FROM_KEY}, is a
 * place that is not a path: refused). A result of durable-chat54's first shape (left out, no
 * guard) reads as before.
 * @internal
 */
export function dropOlderReaderGuard(result: object, shared: unknown): void {
  if (!Object.hasOwn(result, CONTENTS_FROM_KEY)) return;
  const at = (shared as { at?: unknown } | null | undefined)?.at;
  if (Array.isArray(at) && at[0] === OLDER_READER_GUARD) at.shift();
}

/**
 * The contents of a run's `history` option as the agent reads them (contents, or turns
 * `{ contents }` flattened), or `undefined` for a history that is not a list (a row edited).
 * @internal
 */
export function historyContentsOf(history: unknown): unknown[] | undefined {
  if (history === undefined) return [];
  if (!Array.isArray(history)) return undefined;
  const contents: unknown[] = [];
  for (const item of history) {
    const turn = (item as { contents?: unknown } | null)?.contents;
    // One by one: `push(...turn)` passes each content as an argument, and a turn of ~120,000
    // contents overflowed the stack (a RangeError from every reader and from the worker's store
    // of the result, after its run: attack55).
    if (Array.isArray(turn)) for (const content of turn) contents.push(content);
    else contents.push(item);
  }
  return contents;
}

/**
 * Takes `contents` out of `stored` (a result as its workflow returns it: JSON-safe, before its
 * long strings are shared) when they are exactly the run's `history` followed by its
 * `newContents`, compared as JSON, and puts their count of history contents under
 * {@link CONTENTS_FROM_KEY} in their place. Any difference keeps `contents` as they are.
 * @internal
 */
export function leaveOutHistoryContents(stored: object, history: unknown): void {
  const result = stored as { contents?: unknown; newContents?: unknown };
  const { contents, newContents } = result;
  const old = historyContentsOf(history);
  if (!Array.isArray(contents) || !Array.isArray(newContents) || old === undefined) return;
  if (contents.length !== old.length + newContents.length) return;
  if (!sameJson(contents.slice(0, old.length), old)) return;
  if (!sameJson(contents.slice(old.length), newContents)) return;
  delete result.contents;
  (stored as Record<string, unknown>)[CONTENTS_FROM_KEY] = old.length;
}

/**
 * How many history contents a stored result's `contents` start with, when the worker left them
 * out ({@link leaveOutHistoryContents}), or `undefined` for a result stored whole (an older
 * version's too). Read before `contents` are put back.
 * @internal
 */
export function historyContentsCount(result: object): unknown {
  return Object.hasOwn(result, CONTENTS_FROM_KEY)
    ? (result as Record<string, unknown>)[CONTENTS_FROM_KEY]
    : undefined;
}

/**
 * Puts back the `contents` the worker left out of `result` (its shared strings already put
 * back): the first {@link CONTENTS_FROM_KEY} contents of the run's `history` (from its stored
 * input), then a copy of its `newContents`. A result stored whole is left as it is. What is wrong
 * with a forged one, or `undefined`.
 * @internal
 */
export function rebuildStoredContents(result: object, history: unknown): string | undefined {
  const count = historyContentsCount(result);
  if (count === undefined) return undefined;
  const stored = result as Record<string, unknown>;
  delete stored[CONTENTS_FROM_KEY];
  if (!Number.isSafeInteger(count) || (count as number) < 0) {
    return `names ${JSON.stringify(count)} as its count of history contents (a whole number)`;
  }
  const { newContents } = stored;
  if (!Array.isArray(newContents)) return 'has no newContents to rebuild its contents from';
  const old = (count as number) === 0 ? [] : historyContentsOf(history);
  if (old?.length !== count) {
    return `starts its contents with ${count as number} contents of the run's history, which its input does not hold`;
  }
  // A copy: `contents` and `newContents` were two objects, as read from JSON before.
  stored['contents'] = [...old, ...structuredClone(newContents)];
  return undefined;
}

/** Whether two lists of JSON values are the same JSON. */
function sameJson(left: readonly unknown[], right: readonly unknown[]): boolean {
  try {
    return JSON.stringify(left) === JSON.stringify(right);
  } catch {
    // A history value JSON cannot write (a bigint): stored whole.
    return false;
  }
}
