import { editDistance } from '../shared/edit-distance.ts';

/** The options of `closestNames`. */
export type ClosestNamesOptions = {
  /** What the model wrote. */
  input: string;
  /** The valid names to choose from. */
  candidates: Iterable<string>;
  /** How many suggestions at most. @defaultValue 3 */
  limit?: number | undefined;
  /** Longest edit distance still worth suggesting. @defaultValue a third of the input, at least 2 */
  maxDistance?: number | undefined;
};

// Inputs come from the model, so the quadratic distance runs on bounded strings only.
const MAX_COMPARED_LENGTH = 64;

/**
 * The valid names closest to a mistyped one (case-insensitive edit distance, then a shared
 * substring), for "did you mean ...?" hints in error messages.
 * @internal
 */
export function closestNames({
  input,
  candidates,
  limit = 3,
  maxDistance,
}: ClosestNamesOptions): string[] {
  const needle = input.toLowerCase().slice(0, MAX_COMPARED_LENGTH);
  if (needle.length === 0) return [];
  const threshold = maxDistance ?? Math.max(2, Math.floor(needle.length / 3));
  const scored: { name: string; score: number }[] = [];
  for (const name of candidates) {
    const hay = name.toLowerCase();
    let score = editDistance(needle, hay.slice(0, MAX_COMPARED_LENGTH), threshold);
    // "york" should find "America/New_York" although the whole names are far apart.
    if (score > threshold && needle.length >= 3 && hay.includes(needle)) score = threshold;
    if (score <= threshold) scored.push({ name, score });
  }
  scored.sort((a, b) => a.score - b.score || a.name.length - b.name.length);
  return scored.slice(0, limit).map((entry) => entry.name);
}
