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
    for (let index = 0; index < length; index++) copy[index] = list[index] as T;
    return copy;
  } catch {
    throw new InvalidHistoryError({ issues: [unreadableList()] });
  }
}
