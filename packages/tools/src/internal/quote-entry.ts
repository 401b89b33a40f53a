import { quoteText } from '@gemloop/core/internal';

/**
 * An option's list entry as an error quotes it: a string escaped and cut ({@link quoteText}),
 * anything else by its kind. Never JSON.stringify: it throws for a bigint or a cyclic object, and
 * the app would get that TypeError instead of the error naming its option.
 * @internal
 */
export function quoteEntry(entry: unknown): string {
  if (typeof entry === 'string') return quoteText(entry);
  if (entry === null) return 'null';
  if (Array.isArray(entry)) return 'an array';
  return `a ${typeof entry}`;
}
