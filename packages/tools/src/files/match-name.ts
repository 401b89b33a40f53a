import { foldCase } from './fold-case.ts';

/**
 * Matches a file name against a pattern from the model, case-insensitively (`foldCase`: İ and I
 * match i, locale-independent): with `*` (any run of
 * characters) or `?` (one character) it is a wildcard pattern over the whole name (`*.ts`,
 * `README*`, `report-202?.csv`); without them it matches any name containing it (`config`).
 *
 * A greedy two-pointer match with one backtrack point, so it is O(name × pattern) at worst and
 * cannot blow up the way a regular expression built from the pattern could.
 * @internal
 */
export function matchName(pattern: string, name: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) {
    return foldCase(name).includes(foldCase(pattern));
  }
  // By code point: `?` is one character, and an emoji or a CJK extension character is two
  // UTF-16 units.
  const loweredPattern = Array.from(foldCase(pattern));
  const loweredName = Array.from(foldCase(name));
  let patternIndex = 0;
  let nameIndex = 0;
  let starIndex = -1;
  let starName = 0;
  while (nameIndex < loweredName.length) {
    const expected = loweredPattern[patternIndex];
    if (
      expected === '?' ||
      (expected !== undefined && expected !== '*' && expected === loweredName[nameIndex])
    ) {
      patternIndex++;
      nameIndex++;
    } else if (expected === '*') {
      starIndex = patternIndex++;
      starName = nameIndex;
    } else if (starIndex !== -1) {
      patternIndex = starIndex + 1;
      nameIndex = ++starName;
    } else {
      return false;
    }
  }
  while (loweredPattern[patternIndex] === '*') patternIndex++;
  return patternIndex === loweredPattern.length;
}

/**
 * The name part of a pattern the model wrote with a folder in it: names hold no `/`, so
 * "src/*.ts" would match none; it is read as "*.ts" (and "src/" as "*"). The tools that take a
 * name pattern use this and tell the model they did (attack59b: search_text's filePattern
 * matched nothing, silently).
 * @internal
 */
export function toNamePattern(pattern: string): string {
  return pattern.includes('/') ? pattern.slice(pattern.lastIndexOf('/') + 1) || '*' : pattern;
}
