import { ClientError } from './client-error.ts';

/**
 * Refuses an options object that is not one, or holds a key `known` does not list, as a
 * `ClientError` (`invalid-option`) naming it and, when one is close (`cancelURL`, `header`), the
 * option meant. A misspelt option was ignored without a word (attack13): `cancelURL` left a Stop
 * that never reached the server, the run spending on. `known` is a record so that a key added to
 * the options type without a line there is a compile error (`satisfies`). Exported for
 * `@gemloop/react`'s `useAgentChat`, whose near-copy answered non-objects and near misses
 * otherwise (attack14). @internal
 */
export function checkOptionKeys(options: unknown, known: object, fn: string): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ClientError({
      code: 'invalid-option',
      option: 'options',
      message: `${fn} takes an options object; got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : `a ${typeof options}`}.`,
    });
  }
  for (const key of Object.keys(options)) {
    if (Object.hasOwn(known, key)) continue;
    const meant = Object.keys(known).find((name) => isClose(key, name));
    throw new ClientError({
      code: 'invalid-option',
      option: key.slice(0, 100),
      message: `${fn} has no option ${JSON.stringify(key.slice(0, 100))}.${meant === undefined ? '' : ` Did you mean ${meant}?`} Its options are ${Object.keys(known).join(', ')}.`,
    });
  }
}

/**
 * The same letters but for case and `_`/`-`, or at most two edits apart (a typo). Written here,
 * not core's `closestNames`: `@gemloop/client` loads nothing of core at run time (its core imports
 * are types), so a page that streams a run does not load core's options module for a hint.
 */
function isClose(given: string, name: string): boolean {
  const plain = (text: string) => text.replace(/[-_]/g, '').toLowerCase();
  const a = plain(given);
  const b = plain(name);
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 2 || a.length > 64) return false;
  // Levenshtein distance, one row at a time.
  let row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(
        (row[j] as number) + 1,
        (next[j - 1] as number) + 1,
        (row[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    row = next;
  }
  return (row[b.length] as number) <= 2;
}
