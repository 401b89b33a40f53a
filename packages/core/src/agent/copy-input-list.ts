import { unreadableList } from '../history/check-content.ts';
import { InvalidHistoryError } from './errors/invalid-history-error.ts';

/**
 * A plain copy of a list given as a run's input or `history` (contents, turns or parts), or as a
 * chat message's parts, read once here. A list whose reading throws (a Proxy over a database
 * cursor whose trap throws, an array whose `length` or index getter throws) is refused as the
 * history check refuses a content whose getter throws: its own error came out of `run()`, its
 * message with it (a connection string, say). Everything after reads the copy, which cannot throw
 * and cannot change between two reads.
 *
 * A loop rather than `slice`: `slice` creates its result through the list's `constructor`
 * (species), which a Proxy decides.
 * @throws {@link InvalidHistoryError} with one `invalid-contents` issue; the thrown message is
 *   never copied.
 * @internal
 */
export function copyInputList<T>(list: readonly T[]): T[] {
  try {
    const { length } = list;
    const copy = new Array<T>(length);
    for (let index = 0; index < length; index++) {
      const item = list[index] as T;
      // A revoked Proxy among the items throws here, where it is refused as unreadable, and not
      // at the first `Array.isArray` of the checks after, as V8's TypeError (attack60d).
      if (typeof item === 'object' && item !== null) Array.isArray(item);
      copy[index] = item;
    }
    return copy;
  } catch {
    throw new InvalidHistoryError({ issues: [unreadableList()] });
  }
}

/**
 * Whether a run's input or `history` is a list: `Array.isArray`, but a revoked Proxy (for which it
 * throws V8's TypeError, naming nothing) is refused as an unreadable list, as {@link copyInputList}
 * refuses a list whose reading throws.
 * @throws {@link InvalidHistoryError} with one `invalid-contents` issue.
 * @internal
 */
// biome-ignore lint/suspicious/noExplicitAny: narrows as Array.isArray does, at its call sites
export function isInputList(value: unknown): value is any[] {
  try {
    return Array.isArray(value);
  } catch {
    throw new InvalidHistoryError({ issues: [unreadableList()] });
  }
}
