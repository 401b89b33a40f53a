/**
 * The most characters of paths and text one listing or search returns: about 250,000 tokens at 4
 * characters a token, a quarter of a 1,000,000-token input
 * (https://ai.google.dev/gemini-api/docs/tokens). The tools' counts (`maxEntries`, `maxResults`)
 * bound how many entries or matches, not how long they are: nine folders of 250-character names
 * put 2,500 characters in every path below them (attack66, leftovers82).
 * @internal
 */
export const MAX_RESULT_CHARACTERS = 1_000_000;

/**
 * The longest prefix of `items` whose characters (`measure` of each) stay within
 * {@link MAX_RESULT_CHARACTERS}: a prefix of a sorted list, so the model can go on from the last
 * item it saw. `note` is set when items were left out: it says how many `noun` were kept, that
 * their `measured` reached the bound, and ends with `narrow` (how to ask for the rest).
 * @internal
 */
export function keepWithinCharacters<T>(
  items: readonly T[],
  measure: (item: T) => number,
  { noun, measured, narrow }: { noun: string; measured: string; narrow: string },
): { kept: T[]; note?: string | undefined } {
  let characters = 0;
  for (let index = 0; index < items.length; index++) {
    characters += measure(items[index] as T);
    if (characters > MAX_RESULT_CHARACTERS) {
      return {
        kept: items.slice(0, index),
        note: `Stopped after ${index} ${noun}: their ${measured} reached ${MAX_RESULT_CHARACTERS} characters; ${narrow} to see the rest.`,
      };
    }
  }
  return { kept: [...items] };
}
