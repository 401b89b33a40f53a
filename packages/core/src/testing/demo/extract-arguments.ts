import type { DemoParameter } from './read-parameters.ts';
import { isStopword } from './read-words.ts';

/**
 * Argument values found in a piece of the user's question, by what a parameter's name and
 * description suggest it wants: places, numbers, units, arithmetic expressions, URLs, emails,
 * ids, quoted text, time zones. Deterministic text heuristics, nothing more.
 * @internal
 */

const placeWords = /city|location|place|country|region|destination|town|where|address|area/i;
const expressionWords = /expression|expr|formula|equation|calculation|math/i;
const fromUnitWords = /^(from|source|unit_?from|from_?unit|source_?unit|input_?unit)$/i;
const toUnitWords = /^(to|target|unit_?to|to_?unit|target_?unit|output_?unit)$/i;
const queryWords = /query|search|question|topic|keyword|term|prompt|subject|q$/i;
const timeZoneWords = /time_?zone|tz|zone/i;

/** Common cities and their IANA time zones, for `timeZone` parameters. */
const timeZones: Readonly<Record<string, string>> = {
  paris: 'Europe/Paris',
  london: 'Europe/London',
  berlin: 'Europe/Berlin',
  madrid: 'Europe/Madrid',
  rome: 'Europe/Rome',
  tokyo: 'Asia/Tokyo',
  'new york': 'America/New_York',
  'san francisco': 'America/Los_Angeles',
  'los angeles': 'America/Los_Angeles',
  chicago: 'America/Chicago',
  sydney: 'Australia/Sydney',
  singapore: 'Asia/Singapore',
  'hong kong': 'Asia/Hong_Kong',
  mumbai: 'Asia/Kolkata',
  delhi: 'Asia/Kolkata',
  beijing: 'Asia/Shanghai',
  shanghai: 'Asia/Shanghai',
  dubai: 'Asia/Dubai',
  moscow: 'Europe/Moscow',
  toronto: 'America/Toronto',
  'são paulo': 'America/Sao_Paulo',
  'sao paulo': 'America/Sao_Paulo',
  utc: 'UTC',
};

const unitAliases: Readonly<Record<string, readonly string[]>> = {
  c: ['c', 'celsius', '°c', 'centigrade'],
  f: ['f', 'fahrenheit', '°f'],
  k: ['k', 'kelvin'],
  km: ['km', 'kilometer', 'kilometers', 'kilometre', 'kilometres'],
  mi: ['mi', 'mile', 'miles'],
  kg: ['kg', 'kilogram', 'kilograms', 'kilo', 'kilos'],
  lb: ['lb', 'lbs', 'pound', 'pounds'],
  m: ['m', 'meter', 'meters', 'metre', 'metres'],
  ft: ['ft', 'foot', 'feet'],
};

/**
 * Proper names in a text: `Paris`, `New York`, `Rio de Janeiro`; never a stopword, a unit, or the
 * capitalised first word of a sentence ("Rate Paris" gives Paris) unless the text is only that
 * name ("Tokyo"). Names after "in", "for", "at", ... come first.
 * @internal
 */
export function findPlaces(text: string): string[] {
  const pattern =
    /\b([A-ZÀ-Ý][\p{L}'’-]+(?:\s+(?:de|da|do|del|la|le|of|upon)?\s*[A-ZÀ-Ý][\p{L}'’-]+)*)/gu;
  const preferred: string[] = [];
  const others: string[] = [];
  const initial: string[] = [];
  for (const match of text.matchAll(pattern)) {
    const before = text.slice(0, match.index).trimEnd();
    const sentenceStart = before === '' || /[.!?:]$/.test(before);
    const words = (match[1] as string).replace(/['’]s\b/g, '').split(/\s+/);
    // The first word of a sentence is capitalised anyway: it is a name only if nothing else is.
    if (sentenceStart && words.length > 1) words.shift();
    while (words.length > 0 && isCommonWord(words[0] as string)) words.shift();
    const name = words.join(' ');
    if (name.length < 2 || isUnit(name) || isCommonWord(name)) continue;
    const previousWord = /(\S+)$/.exec(before)?.[1]?.toLowerCase();
    const bucket =
      previousWord !== undefined && prepositions.has(previousWord)
        ? preferred
        : sentenceStart && words.length === (match[1] as string).split(/\s+/).length
          ? initial
          : others;
    if (!bucket.includes(name)) bucket.push(name);
  }
  const found = [...preferred, ...others.filter((name) => !preferred.includes(name))];
  if (found.length > 0) return found;
  const whole = text.replace(/[?!.,\s]+$/, '').trim();
  return initial.filter((name) => name === whole);
}

const prepositions = new Set(['in', 'for', 'at', 'to', 'from', 'near', 'of', 'around', 'about']);

const commonWords = new Set(
  'convert calculate compute search find send read fetch translate check look show list weather forecast rate give tell get what whats please'.split(
    ' ',
  ),
);

function isCommonWord(word: string): boolean {
  const plain = word.replace(/['’]/g, '').toLowerCase();
  return isStopword(plain) || commonWords.has(plain);
}

function isUnit(word: string): boolean {
  const lower = word.toLowerCase();
  return Object.values(unitAliases).some((aliases) => aliases.includes(lower));
}

/** The numbers of a text, in order (`20`, `-3.5`, `1,000` → 1000). @internal */
export function findNumbers(text: string): number[] {
  return [...text.matchAll(/-?\d[\d,]*(?:\.\d+)?/g)].map((match) =>
    Number(match[0].replace(/,/g, '')),
  );
}

/** The longest arithmetic expression of a text (`2 + 2`, `(3*4)/2`, `sqrt(16)`), if any. @internal */
export function findExpression(text: string): string | undefined {
  const candidates = text.match(/(?:[a-z]+\()?[-(\d.][\d\s.+\-*/^%()!,a-z]*[\d)!]/gi) ?? [];
  const withOperator = candidates
    .map((candidate) => candidate.trim())
    .filter(
      (candidate) => /\d/.test(candidate) && /[+\-*/^%!]|\w\(/.test(candidate.replace(/^-/, '')),
    );
  return withOperator.sort((left, right) => right.length - left.length)[0];
}

/** `20 C to F` → `{ from: 'C', to: 'F' }` (as written), or undefined. @internal */
export function findUnits(text: string): { from: string; to: string } | undefined {
  const match = /\d(?:[\d.,]*)\s*°?\s*([A-Za-z°]+)\s+(?:to|in|into|as)\s+°?([A-Za-z°]+)/i.exec(
    text,
  );
  if (match === null) return undefined;
  return { from: match[1] as string, to: match[2] as string };
}

/** The value of an enum that a word of the text names (directly or by unit alias). @internal */
export function matchEnum(values: readonly string[], word: string | undefined): string | undefined {
  if (word === undefined) return undefined;
  const lower = word.toLowerCase().replace(/^°/, '');
  const direct = values.find((value) => value.toLowerCase() === lower);
  if (direct !== undefined) return direct;
  for (const aliases of Object.values(unitAliases)) {
    if (!aliases.includes(lower)) continue;
    const found = values.find((value) => aliases.includes(value.toLowerCase()));
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Context for extraction: the clause, and a place carried over from a sibling clause. @internal */
export type ExtractionInput = { clause: string; place: string | undefined };

/**
 * Arguments for `parameters` from a clause. Returns the values found; a required parameter with
 * no evidence gets a plausible default so the call is still made.
 * @internal
 */
export function extractArguments(
  parameters: readonly DemoParameter[],
  { clause, place }: ExtractionInput,
): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  const numbers = findNumbers(clause);
  const units = findUnits(clause);
  let numberIndex = 0;
  for (const parameter of parameters) {
    const hint = `${parameter.name} ${parameter.description}`;
    const value = extractOne(parameter, hint, clause, place, units, () => numbers[numberIndex++]);
    if (value !== undefined) args[parameter.name] = value;
  }
  return args;
}

function extractOne(
  parameter: DemoParameter,
  hint: string,
  clause: string,
  place: string | undefined,
  units: { from: string; to: string } | undefined,
  nextNumber: () => number | undefined,
): unknown {
  const { name, type, enumValues, required } = parameter;
  if (type === 'number' || type === 'integer') {
    const value = nextNumber();
    if (value !== undefined) return type === 'integer' ? Math.round(value) : value;
    return required ? 0 : undefined;
  }
  if (type === 'boolean') {
    return new RegExp(`\\b${name.replace(/[_-]/g, '.?')}\\b`, 'i').test(clause)
      ? true
      : required
        ? false
        : undefined;
  }
  if (type === 'array') {
    const item =
      typeof parameter.items?.['type'] === 'string'
        ? parameter.items['type'].toLowerCase()
        : 'string';
    if (item === 'number' || item === 'integer') return findNumbers(clause);
    return [cleanQuery(clause)];
  }
  if (fromUnitWords.test(name) && units !== undefined) {
    return enumValues === undefined ? units.from : matchEnum(enumValues, units.from);
  }
  if (toUnitWords.test(name) && units !== undefined) {
    return enumValues === undefined ? units.to : matchEnum(enumValues, units.to);
  }
  if (enumValues !== undefined) {
    const words = clause.split(/[^\p{L}\d°]+/u);
    for (const word of words) {
      const found = matchEnum(enumValues, word);
      if (found !== undefined) return found;
    }
    return required ? enumValues[0] : undefined;
  }
  if (timeZoneWords.test(hint)) {
    const city = place ?? findPlaces(clause)[0];
    if (city !== undefined) return timeZones[city.toLowerCase()] ?? city;
    return required ? 'UTC' : undefined;
  }
  if (placeWords.test(name) || (placeWords.test(hint) && !queryWords.test(name))) {
    return place ?? findPlaces(clause)[0] ?? (required ? 'London' : undefined);
  }
  if (expressionWords.test(hint))
    return findExpression(clause) ?? (required ? cleanQuery(clause) : undefined);
  if (/url|link|uri|href|website/i.test(name)) {
    return (
      clause.match(/https?:\/\/[^\s"'<>)]+/)?.[0] ?? (required ? 'https://example.com' : undefined)
    );
  }
  if (/email/i.test(name))
    return (
      clause.match(/[\w.+-]+@[\w-]+\.[\w.]+/)?.[0] ?? (required ? 'someone@example.com' : undefined)
    );
  if (/(^|_)id$|Id$/.test(name)) {
    return (
      clause.match(/\b[a-z]+-\d+\b|#\d+|\b\d{3,}\b/i)?.[0]?.replace(/^#/, '') ??
      (required ? '1' : undefined)
    );
  }
  const quoted = clause.match(/["“']([^"”']+)["”']/)?.[1];
  if (quoted !== undefined) return quoted;
  if (queryWords.test(name) || required) return cleanQuery(clause);
  return undefined;
}

/** A clause without its polite frame: "please search for X" → "X". @internal */
export function cleanQuery(clause: string): string {
  const cleaned = clause
    .replace(
      /^\s*(?:please\s+)?(?:can you\s+|could you\s+)?(?:search(?: the web)?(?: for)?|look up|find|tell me|what(?:'s| is| are)|who(?:'s| is)|show me)\s+/i,
      '',
    )
    .replace(/[?!.\s]+$/, '')
    .trim();
  return cleaned === '' ? clause.trim() : cleaned;
}
