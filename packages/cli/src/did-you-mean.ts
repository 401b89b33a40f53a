/**
 * The hint for a mistyped name: ` Did you mean <name>?` with the first of `candidates` that
 * `typed` is one slip away from (see {@link isOneSlipAway}), written by `show` (`--until`,
 * `'eval'`), or `''` when none is. Only a candidate is ever printed, never what was typed, so
 * the hint cannot carry a terminal escape from the command line.
 *
 * Not core's `closestNames`: `gemloop nope` names the unknown command without loading
 * `@gemloop/core` (bin.test.ts holds it), and a linear check of one slip fits names a person
 * typed, where an edit distance is for names a model made up.
 */
export function didYouMean(
  typed: string,
  candidates: Iterable<string>,
  show: (name: string) => string,
): string {
  const names = [...candidates];
  const near =
    names.find((name) => name.toLowerCase() === typed.toLowerCase()) ??
    names.find((name) => isOneSlipAway(typed.toLowerCase(), name.toLowerCase()));
  return near === undefined ? '' : ` Did you mean ${show(near)}?`;
}

/**
 * Whether `typed` is `name` with one slip of the keyboard: a letter left out, one too many, one
 * wrong, or two side by side swapped. Linear, so a 128 KiB argument costs one pass.
 */
export function isOneSlipAway(typed: string, name: string): boolean {
  if (typed === name || Math.abs(typed.length - name.length) > 1) return false;
  let start = 0;
  while (start < typed.length && typed[start] === name[start]) start++;
  // The same tail after the slip: what is left once the first difference is stepped over.
  const tailsMatch = (typedFrom: number, nameFrom: number): boolean =>
    typed.length - typedFrom === name.length - nameFrom &&
    typed.slice(typedFrom) === name.slice(nameFrom);
  if (typed.length > name.length) return tailsMatch(start + 1, start);
  if (typed.length < name.length) return tailsMatch(start, start + 1);
  const swapped =
    typed[start] === name[start + 1] &&
    typed[start + 1] === name[start] &&
    tailsMatch(start + 2, start + 2);
  return swapped || tailsMatch(start + 1, start + 1);
}
