import { zoneAbbreviations } from './known-places.ts';

/**
 * Values the demo model reads out of the user's words: numbers, arithmetic expressions, dates
 * and times, time zones. Plain text heuristics, deterministic.
 * @internal
 */

const isoDateTime = String.raw`\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?`;
const clockTime = String.raw`\b\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?`;
const dateTimePattern = new RegExp(
  String.raw`${isoDateTime}|${clockTime}|\b(?:now|today|tomorrow|yesterday)\b`,
  'gi',
);

/** Dates and times written in a text, in order: ISO dates, clock times, "today", "now". @internal */
export function findDateTimes(text: string): string[] {
  return [...text.matchAll(dateTimePattern)].map((match) =>
    /^[a-z]+$/i.test(match[0]) ? match[0].toLowerCase() : match[0],
  );
}

/** The text with its dates and times blanked, so their digits are not read as numbers. @internal */
export function withoutDateTimes(text: string): string {
  return text.replace(new RegExp(`${isoDateTime}|${clockTime}`, 'gi'), (found) =>
    ' '.repeat(found.length),
  );
}

const zoneIdPattern =
  /\b(?:Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)\/[A-Za-z_]+(?:\/[A-Za-z_]+)?|\b(?:UTC|GMT)\s?[+-]\s?\d{1,2}(?::?\d{2})?\b/g;

/**
 * Time zones written as such, in order: IANA ids (`America/New_York`), offsets (`UTC+05:30`) and
 * the usual abbreviations (`PST` → `America/Los_Angeles`).
 * @internal
 */
export function findTimeZones(text: string): string[] {
  const found: { at: number; zone: string }[] = [];
  for (const match of text.matchAll(zoneIdPattern)) {
    found.push({ at: match.index, zone: match[0].replace(/\s/g, '').replace(/^GMT/, 'UTC') });
  }
  for (const match of text.matchAll(/\b[A-Z]{3,4}\b/g)) {
    const zone = zoneAbbreviations.get(match[0].toLowerCase());
    if (zone === undefined) continue;
    if (found.some(({ at }) => at <= match.index && match.index < at + 9)) continue;
    found.push({ at: match.index, zone });
  }
  return found.sort((left, right) => left.at - right.at).map(({ zone }) => zone);
}

/** A word with a wildcard: `*.md`, `report-202?.csv` (a `?` ending a question is not one). @internal */
export const globPattern: RegExp = /(?<![\w/])[\w./-]*(?:\*|\?(?=[\w.*]))[\w.*?/-]*/;

/** The numbers of a text, in order (`20`, `-3.5`, `1,000` → 1000). @internal */
export function findNumbers(text: string): number[] {
  // A comma groups thousands only before exactly three digits: "1,000" is 1000, while "1,2,3"
  // is three numbers (read as one, it was NaN).
  return [...text.matchAll(/(?<![\w.])-?(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?/g)].map(
    (match) => Number(match[0].replaceAll(',', '')),
  );
}

/** Names an expression may use: the calculator's functions and constants. */
const mathNames = new Set(
  (
    'sqrt cbrt abs sign floor ceil trunc round min max hypot exp ln log log10 log2 sin cos tan ' +
    'asin acos atan atan2 sinh cosh tanh deg rad pow factorial pi tau'
  ).split(' '),
);

/**
 * The longest arithmetic expression of a text, normalised for a calculator: `23 × 19` and
 * `23 times 19` become `23 * 19`, `15% of 80` becomes `15 / 100 * 80`. It needs an operator:
 * a bare number is not an expression; dates (`2024-05-17`) are not subtractions.
 * @internal
 */
export function findExpression(text: string): string | undefined {
  const normalized = withoutDateTimes(text)
    .replace(/[×✕]/g, '*')
    .replace(/÷/g, '/')
    .replace(/−/g, '-')
    .replace(/(\d(?:\.\d+)?)\s*%\s+of\s+(?=[\d(])/gi, '$1 / 100 * ')
    .replace(/(\d|\))\s*x\s*(?=[\d(])/gi, '$1 * ')
    .replace(
      /(\d|\))\s+(times|multiplied by|divided by|over|plus|minus|to the power of)\s+(?=[-\d(])/gi,
      (_, left: string, word: string) => `${left} ${operatorWord(word)} `,
    )
    .replace(/(\d|\))\s+squared\b/gi, '$1^2')
    .replace(/(\d|\))\s+cubed\b/gi, '$1^3')
    // Words other than math names end a candidate.
    .replace(/[A-Za-z_]\w*/g, (word) => (mathNames.has(word.toLowerCase()) ? word : '\u0000'));
  // Each run of expression characters once, cut after its last digit, ")" or "!": the pattern
  // that ended in [\d)!] itself backtracked from every start in a run of "- - - ..." to its end,
  // quadratic in the run (0.6 s for 16 KB, minutes for a long prompt).
  const candidates: string[] = [];
  for (const [, prefix = '', body = ''] of normalized.matchAll(
    /((?:[a-z]\w*\()?)([-(\d.][\w\s.+\-*/^%()!,]*)/gi,
  )) {
    let end = body.length - 1;
    while (end >= 1 && !/[\d)!]/.test(body[end] as string)) end--;
    if (end >= 1) candidates.push(prefix + body.slice(0, end + 1));
  }
  const expressions = candidates
    .map((candidate) => balance(candidate.trim().replace(/\s+/g, ' ')))
    .filter((candidate) => /\d/.test(candidate) && /[+\-*/^%!]|\w\(/.test(candidate.slice(1)));
  return expressions.sort((left, right) => right.length - left.length)[0];
}

/** An expression as people write it: `23 * 19` → `23 × 19`, `2 ** 3` → `2^3`. @internal */
export function prettyExpression(expression: string): string {
  return expression
    .replace(/\s*\*\*\s*/g, '^')
    .replace(/\s*\*\s*/g, ' × ')
    .replace(/\s+/g, ' ')
    .trim();
}

function operatorWord(word: string): string {
  switch (word.toLowerCase()) {
    case 'plus':
      return '+';
    case 'minus':
      return '-';
    case 'divided by':
    case 'over':
      return '/';
    case 'to the power of':
      return '^';
    default:
      return '*';
  }
}

/** Drops unmatched parentheses at the ends: "(2 + 3) * 4)" → "(2 + 3) * 4". */
function balance(expression: string): string {
  let open = 0;
  let close = 0;
  for (const char of expression) {
    if (char === '(') open++;
    else if (char === ')') close++;
  }
  let start = 0;
  let end = expression.length;
  while (start < end && expression[start] === '(' && open > close) {
    start++;
    open--;
  }
  while (end > start && expression[end - 1] === ')' && close > open) {
    end--;
    close--;
  }
  return expression.slice(start, end).trim();
}
