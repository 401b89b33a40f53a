import { buildJsonAnswer } from './build-json-answer.ts';
import { findPlaces, maskNonProse } from './find-places.ts';
import { findUnits, matchEnum, type UnitConversion } from './find-units.ts';
import {
  findDateTimes,
  findExpression,
  findNumbers,
  findTimeZones,
  globPattern,
  withoutDateTimes,
} from './find-values.ts';
import { knownCities } from './known-places.ts';
import type { DemoParameter } from './read-parameters.ts';

const placeWords = /city|location|place|country|region|destination|town|where|address|area/i;
const expressionWords = /expression|expr|formula|equation|calculation|math/i;
const fromUnitWords = /^(from|source|unit_?from|from_?unit|source_?unit|input_?unit)$/i;
const toUnitWords = /^(to|target|unit_?to|to_?unit|target_?unit|output_?unit)$/i;
const queryWords = /query|search|question|topic|keyword|term|prompt|subject|text|^q$/i;
const timeZoneName = /time_?zone|^tz$|zone$/i;
const dateTimeName = /date|time|^when$|^(from|to|start|end|since|until|begin)$/i;
const dateTimeHint = /date|time|iso ?8601|day/i;
const genericNumberName = /^(value|amount|number|num|n|x|y|a|b|count|quantity|qty|total|price)$/i;

/** Where a parameter's value comes from: the clause, and a place the planner assigned. @internal */
export type ExtractionInput = {
  clause: string;
  /** The place of this call when the planner makes one call per place. */
  place: string | undefined;
};

/** What the clause offers, read once per call. */
type Evidence = {
  clause: string;
  place: string | undefined;
  units: UnitConversion | undefined;
  numbers: number[];
  claimed: Set<number>;
  places: string[];
  zones: string[];
  dateTimes: string[];
  cursor: { place: number; zone: number; dateTime: number };
};

/**
 * Arguments for `parameters` from a clause, by what each parameter's name and description ask
 * for: places, time zones, dates, numbers (by name first: "90 days" fills `days`), units,
 * arithmetic, URLs, e-mails, ids, paths, glob patterns, quoted text, search queries. An optional
 * parameter without evidence is left out; a required one gets a plausible default so the call is
 * still made.
 * @internal
 */
export function extractArguments(
  parameters: readonly DemoParameter[],
  { clause, place }: ExtractionInput,
): Record<string, unknown> {
  const prose = maskNonProse(withoutDateTimes(clause));
  const evidence: Evidence = {
    clause,
    place,
    units: findUnits(clause),
    numbers: findNumbers(prose),
    claimed: new Set(),
    places: findPlaces(clause),
    zones: findTimeZones(clause),
    dateTimes: findDateTimes(clause),
    cursor: { place: 0, zone: 0, dateTime: 0 },
  };
  const args: Record<string, unknown> = {};
  // Numbers named in the text ("90 days", "depth 2") go to their parameters before any number
  // is handed out by position.
  for (const parameter of parameters) {
    if (parameter.type !== 'number' && parameter.type !== 'integer') continue;
    const value = namedNumber(parameter.name, prose, evidence.claimed);
    if (value !== undefined) setArgument(args, parameter.name, asType(parameter, value));
  }
  for (const parameter of parameters) {
    if (Object.hasOwn(args, parameter.name)) continue;
    const value = extractOne(parameter, evidence);
    if (value !== undefined) setArgument(args, parameter.name, value);
  }
  return args;
}

/**
 * An own key whatever the name: `args.constructor` is inherited (it read as already filled) and
 * `args.__proto__ = value` sets the prototype, so those parameters were never filled.
 */
function setArgument(args: Record<string, unknown>, name: string, value: unknown): void {
  Object.defineProperty(args, name, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function extractOne(parameter: DemoParameter, evidence: Evidence): unknown {
  const { name, type, enumValues, required, description } = parameter;
  const hint = `${name} ${description}`;
  const { clause, units } = evidence;
  if (type === 'number' || type === 'integer') {
    if (units?.value !== undefined && /value|amount|quantity|number/i.test(name)) {
      claim(evidence, units.value);
      return asType(parameter, units.value);
    }
    const positional = required || genericNumberName.test(name);
    const value = positional ? nextNumber(evidence) : undefined;
    return value !== undefined
      ? asType(parameter, value)
      : required
        ? asType(parameter, 0)
        : undefined;
  }
  if (type === 'object') {
    // A string (the question, as for a text parameter) fails every object schema: the tool was
    // never called. A value built from the schema fits it, filled from the text where it can be.
    return required
      ? buildJsonAnswer(parameter.schema, { question: clause, exchanges: [], summary: '' })
      : undefined;
  }
  if (type === 'boolean') {
    const mentioned = new RegExp(`\\b${words(name).map(escapeRegExp).join('.?')}\\b`, 'i').test(
      clause,
    );
    return mentioned ? true : required ? false : undefined;
  }
  if (type === 'array') {
    const item =
      typeof parameter.items?.['type'] === 'string'
        ? parameter.items['type'].toLowerCase()
        : 'string';
    if (item === 'number' || item === 'integer') {
      return evidence.numbers.length > 0 || required ? evidence.numbers : undefined;
    }
    const itemEnum = parameter.items?.['enum'];
    if (Array.isArray(itemEnum)) {
      // `units: ["days"]` for "how many days until ...": the enum values the text names.
      const values = itemEnum.filter((value): value is string => typeof value === 'string');
      const named = values.filter((value) =>
        new RegExp(`\\b${escapeRegExp(value.replace(/s$/, ''))}s?\\b`, 'i').test(clause),
      );
      return named.length > 0 ? named : required ? values.slice(0, 1) : undefined;
    }
    return required || queryWords.test(name) ? [cleanQuery(clause)] : undefined;
  }
  if (units !== undefined && fromUnitWords.test(name)) {
    return enumValues === undefined ? units.from : matchEnum(enumValues, units.from);
  }
  if (units !== undefined && toUnitWords.test(name)) {
    return enumValues === undefined ? units.to : matchEnum(enumValues, units.to);
  }
  if (enumValues !== undefined) {
    for (const word of clause.split(/[^\p{L}\d°/]+/u)) {
      const found = matchEnum(enumValues, word);
      if (found !== undefined) return found;
    }
    return required ? enumValues[0] : undefined;
  }
  if (timeZoneName.test(name)) return timeZoneOf(evidence) ?? (required ? 'UTC' : undefined);
  if (dateTimeName.test(name) && dateTimeHint.test(hint)) {
    return dateTimeOf(name, evidence) ?? (required ? 'now' : undefined);
  }
  if (placeWords.test(name) || (placeWords.test(hint) && !queryWords.test(name))) {
    return placeOf(evidence) ?? (required ? 'London' : undefined);
  }
  if (
    expressionWords.test(name) ||
    /arithmetic|math(?:ematical)? expression|formula|equation/i.test(description)
  ) {
    return findExpression(clause) ?? (required ? cleanQuery(clause) : undefined);
  }
  if (/url|link|uri|href|website/i.test(name)) {
    return (
      clause.match(/https?:\/\/[^\s"'<>)]+/)?.[0] ?? (required ? 'https://example.com' : undefined)
    );
  }
  if (/email/i.test(name)) {
    return (
      clause.match(/[\w.+-]+@[\w-]+\.[\w.]+/)?.[0] ?? (required ? 'someone@example.com' : undefined)
    );
  }
  if (/(^|_)id$|Id$/.test(name)) {
    const id = clause.match(/\b[a-z]+-\d+\b|#\d+|\b\d{3,}\b/i)?.[0]?.replace(/^#/, '');
    return id ?? (required ? '1' : undefined);
  }
  if (/pattern|glob/i.test(name)) {
    return findGlob(clause) ?? (required ? (findPath(clause) ?? cleanQuery(clause)) : undefined);
  }
  if (/path|file|folder|dir(ectory)?$/i.test(name)) {
    return findPath(clause) ?? (required ? (quotedText(clause) ?? cleanQuery(clause)) : undefined);
  }
  if (queryWords.test(name) || required) return quotedText(clause) ?? cleanQuery(clause);
  return undefined;
}

function quotedText(clause: string): string | undefined {
  return clause.match(/["“'`]([^"”'`]+)["”'`]/)?.[1];
}

/** The number as the parameter takes it: whole for an integer, inside its bounds. */
function asType(parameter: DemoParameter, value: number): number {
  const { schema } = parameter;
  const integer = parameter.type === 'integer';
  let result = integer ? Math.round(value) : value;
  // Without this, a required `days` (minimum 1) the text gives no number for got 0: the tool's
  // argument check refused it, and the tool was never called.
  const step = integer ? 1 : Number.EPSILON;
  const low = bound(schema['minimum']) ?? plus(bound(schema['exclusiveMinimum']), step);
  const high = bound(schema['maximum']) ?? plus(bound(schema['exclusiveMaximum']), -step);
  if (low !== undefined && result < low) result = integer ? Math.ceil(low) : low;
  if (high !== undefined && result > high) result = integer ? Math.floor(high) : high;
  return result;
}

function bound(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function plus(value: number | undefined, step: number): number | undefined {
  return value === undefined ? undefined : value + Math.max(step, Math.abs(value) * step);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[_\s.-]+/)
    .filter((word) => word !== '');
}

/** "90 days", "days: 90", "depth 2": a number written next to the parameter's name. */
function namedNumber(name: string, prose: string, claimed: Set<number>): number | undefined {
  // Escaped: a property may be named `c++` or `price($)`, which threw building the pattern.
  const stem = words(name).map(escapeRegExp).join('[ _-]?').replace(/s$/i, '');
  if (stem.length < 3) return undefined;
  const number = String.raw`(-?\d[\d,]*(?:\.\d+)?)`;
  const after = new RegExp(String.raw`${number}\s*${stem}s?\b`, 'i').exec(prose);
  const before = new RegExp(String.raw`\b${stem}s?\s*(?:[:=]|of|is)?\s*${number}`, 'i').exec(prose);
  const found = after ?? before;
  if (found === null) return undefined;
  const value = Number((found[1] as string).replace(/,/g, ''));
  if (!Number.isFinite(value)) return undefined;
  claimed.add(value);
  return value;
}

function claim(evidence: Evidence, value: number): void {
  evidence.claimed.add(value);
}

function nextNumber(evidence: Evidence): number | undefined {
  const value = evidence.numbers.find((number) => !evidence.claimed.has(number));
  if (value !== undefined) evidence.claimed.add(value);
  return value;
}

function placeOf(evidence: Evidence): string | undefined {
  if (evidence.place !== undefined && evidence.cursor.place === 0) {
    evidence.cursor.place++;
    return evidence.place;
  }
  return evidence.places[evidence.cursor.place++];
}

/** An explicit zone first (`America/New_York`, `PST`), else a place's zone, in order. */
function timeZoneOf(evidence: Evidence): string | undefined {
  const zone = evidence.zones[evidence.cursor.zone];
  if (zone !== undefined) {
    evidence.cursor.zone++;
    return zone;
  }
  const place = placeOf(evidence);
  if (place === undefined) return undefined;
  const city = place.split(',')[0]?.trim().toLowerCase() ?? '';
  return knownCities.get(city)?.timeZone ?? place;
}

/** The next date in the text; a lone "until X" date is the end of a span that starts today. */
function dateTimeOf(name: string, evidence: Evidence): string | undefined {
  const { dateTimes, clause } = evidence;
  const isEnd = /^(to|end|until)$/i.test(name);
  const isStart = /^(from|start|since|begin)$/i.test(name);
  if (dateTimes.length === 1 && (isStart || isEnd)) {
    const only = dateTimes[0] as string;
    // "since X" starts at X; "until X" (or a bare date: countdowns are the common case) ends there.
    const since = /\b(since|from|after)\s*$/i.test(clause.slice(0, clause.indexOf(only)));
    if (isStart) return since ? only : 'today';
    return since ? 'today' : only;
  }
  return dateTimes[evidence.cursor.dateTime++];
}

/** `*.md`, `test-*.ts`: a word with a wildcard. */
function findGlob(clause: string): string | undefined {
  return clause.match(globPattern)?.[0];
}

/**
 * A path or file name: a quoted one, `notes.md`, `docs/api`, `./src`; else the word after "in"
 * or before "folder" ("list the files in docs", "the src folder").
 */
function findPath(clause: string): string | undefined {
  const quoted = [...clause.matchAll(/["“'`]([^"”'`]+)["”'`]/g)].map((match) => match[1] as string);
  const quotedPath = quoted.find((text) => /[./]/.test(text) && !/\s/.test(text));
  if (quotedPath !== undefined) return quotedPath;
  const unquoted = clause.replace(/["“'`][^"”'`]+["”'`]/g, (found) => ' '.repeat(found.length));
  const explicit = unquoted.match(
    /(?:^|\s)((?:\.{1,2}\/|\/)?[\w.-]+(?:\/[\w.-]+)+\/?|[\w-]+\.[a-z][a-z0-9]{0,4})(?=$|[\s,;?!)])/i,
  );
  if (explicit !== null) return explicit[1];
  const folder =
    /\b(?:in|under|inside|within)\s+(?:the\s+|my\s+)?([\w.-]+)(?:\s+(?:folder|directory|dir))?/i.exec(
      unquoted,
    ) ?? /\b([\w.-]+)\s+(?:folder|directory|dir)\b/i.exec(unquoted);
  const word = folder?.[1];
  if (word === undefined || /^(the|my|a|this|that|it|here|there|all|files?)$/i.test(word)) {
    return undefined;
  }
  return word;
}

/** A clause without its polite frame: "please search the files for X" → "X". @internal */
export function cleanQuery(clause: string): string {
  const cleaned = clause
    .replace(/^\s*(?:please\s+)?(?:can you\s+|could you\s+)?/i, '')
    .replace(/^(?:search|look|grep)\b.*?\bfor\s+/i, '')
    .replace(
      /^(?:search(?: the web)?|look up|find|tell me(?: about)?|what(?:'s| is| are)|who(?:'s| is)|show me)\s+/i,
      '',
    )
    .replace(/[?!.\s]+$/, '')
    .replace(/^["“'](.*)["”']$/, '$1')
    .trim();
  return cleaned === '' ? clause.trim() : cleaned;
}
