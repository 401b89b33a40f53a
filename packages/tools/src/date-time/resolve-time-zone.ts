import { closestNames, quoteText } from '@gemloop/core/internal';
import type * as Luxon from 'luxon';
import { DateTimeError } from './date-time-error.ts';

/** The luxon module, loaded on first use. @internal */
export type LuxonModule = typeof Luxon;

// Abbreviations are ambiguous, and Intl resolves some of them surprisingly ("BST" is Asia/Dhaka
// there, not British Summer Time; "IST" is Asia/Calcutta, not Israel or Ireland; "EST" is a fixed
// -05:00 without daylight saving). So they are refused, and these steer the suggestions.
const abbreviationHints: ReadonlyMap<string, readonly string[]> = new Map([
  ['pst', ['America/Los_Angeles']],
  ['pdt', ['America/Los_Angeles']],
  ['pt', ['America/Los_Angeles']],
  ['mst', ['America/Denver', 'America/Phoenix']],
  ['mdt', ['America/Denver']],
  ['cst', ['America/Chicago', 'Asia/Shanghai']],
  ['cdt', ['America/Chicago']],
  ['est', ['America/New_York']],
  ['edt', ['America/New_York']],
  ['et', ['America/New_York']],
  ['gmt', ['Europe/London', 'UTC']],
  ['bst', ['Europe/London', 'Asia/Dhaka']],
  ['wet', ['Europe/Lisbon']],
  ['cet', ['Europe/Paris', 'Europe/Berlin']],
  ['cest', ['Europe/Paris', 'Europe/Berlin']],
  ['eet', ['Europe/Athens', 'Europe/Helsinki']],
  ['msk', ['Europe/Moscow']],
  ['ist', ['Asia/Kolkata', 'Asia/Jerusalem', 'Europe/Dublin']],
  ['jst', ['Asia/Tokyo']],
  ['kst', ['Asia/Seoul']],
  ['hkt', ['Asia/Hong_Kong']],
  ['sgt', ['Asia/Singapore']],
  ['aest', ['Australia/Sydney', 'Australia/Brisbane']],
  ['aedt', ['Australia/Sydney']],
  ['awst', ['Australia/Perth']],
  ['nzst', ['Pacific/Auckland']],
  ['nzdt', ['Pacific/Auckland']],
  ['hst', ['Pacific/Honolulu']],
  ['akst', ['America/Anchorage']],
  ['brt', ['America/Sao_Paulo']],
]);

const ABBREVIATION_PATTERN = /^[A-Z]{2,5}$/;

const MAX_ZONE_LENGTH = 64;

/**
 * Checks a time zone from the model and returns its canonical name: an IANA name in its
 * canonical case (`america/new_york` → `America/New_York`), `UTC`, or a fixed offset
 * (`UTC+5`, `UTC-03:30`; a bare `+05:30` is read as `UTC+05:30`).
 *
 * @throws {@link DateTimeError} `invalid-time-zone` with the closest valid names.
 * @internal
 */
export function resolveTimeZone(luxon: LuxonModule, input: string, argument: string): string {
  const trimmed = input.trim();
  const upper = trimmed.toUpperCase();
  if (upper === 'UTC' || upper === 'Z' || upper === 'GMT' || upper === 'UCT' || upper === 'ETC/UTC')
    return 'UTC';
  if (/^[+-]\d{1,2}(?::?\d{2})?$/.test(trimmed))
    return resolveTimeZone(luxon, `UTC${trimmed}`, argument);
  const offset = /^(?:UTC|GMT)([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(trimmed);
  if (offset !== null) {
    const [, sign, hours, minutes] = offset;
    // Luxon reads only `+5:30` of the offset forms: `+0530` (ISO 8601's basic form) it calls
    // invalid, and `+5:75` it turns into +6:15. Minutes past 59 are refused below instead.
    const zone =
      minutes === undefined || Number(minutes) < 60
        ? luxon.Info.normalizeZone(
            `UTC${sign}${hours}${minutes === undefined ? '' : `:${minutes}`}`,
          )
        : undefined;
    if (zone?.isValid === true && Math.abs(zone.offset(0)) <= 14 * 60) return zone.name;
  } else if (upper === 'LOCAL' || upper === 'SYSTEM') {
    throw new DateTimeError({
      reason: 'invalid-time-zone',
      argument,
      message: `${argument} ${quoteText(trimmed)} is not usable: the server's zone says nothing about the user. Leave ${argument} out to use the default zone, or give an IANA name such as "Europe/Paris".`,
    });
  } else if (ABBREVIATION_PATTERN.test(trimmed) || abbreviationHints.has(trimmed.toLowerCase())) {
    const suggestions = suggestTimeZones(trimmed);
    const hint =
      suggestions.length > 0
        ? ` such as ${suggestions.map((name) => `"${name}"`).join(' or ')}`
        : '';
    throw new DateTimeError({
      reason: 'invalid-time-zone',
      argument,
      suggestions,
      message: `Time zone abbreviations like ${quoteText(trimmed)} are ambiguous and ignore daylight saving. Use an IANA name${hint}, "UTC", or a fixed offset such as "UTC-05:00".`,
    });
  } else if (trimmed.length <= MAX_ZONE_LENGTH && luxon.IANAZone.isValidZone(trimmed)) {
    return canonicalZoneName(trimmed);
  }
  const suggestions = suggestTimeZones(trimmed.slice(0, MAX_ZONE_LENGTH));
  const hint =
    suggestions.length > 0
      ? ` Did you mean ${suggestions.map((name) => `"${name}"`).join(', ')}?`
      : '';
  throw new DateTimeError({
    reason: 'invalid-time-zone',
    argument,
    suggestions,
    message: `Unknown time zone ${quoteText(trimmed, MAX_ZONE_LENGTH)} in ${argument}.${hint} Use an IANA name such as "Europe/Paris", "America/New_York" or "Asia/Tokyo", "UTC", or a fixed offset such as "UTC+05:30".`,
  });
}

/**
 * Intl knows the canonical spelling, but Node 20's ICU data canonicalises to old names
 * (Asia/Kolkata → Asia/Calcutta, Europe/Kyiv → Europe/Kiev). Keep the model's spelling when only
 * that differs, and take Intl's when the case was wrong ("america/new_york").
 */
function canonicalZoneName(name: string): string {
  const canonical = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  if (canonical.toLowerCase() === name.toLowerCase()) return canonical;
  return /[A-Z]/.test(name) ? name : canonical;
}

function suggestTimeZones(input: string): string[] {
  const hinted = abbreviationHints.get(input.toLowerCase());
  if (hinted !== undefined) return [...hinted];
  // "new york" and "New-York" should find America/New_York.
  const normalized = input.replace(/[\s-]+/g, '_');
  const zones = ['UTC', ...Intl.supportedValuesOf('timeZone')];
  const byName = closestNames({ input: normalized, candidates: zones });
  if (byName.length > 0) return byName;
  const city = normalized.includes('/')
    ? normalized.slice(normalized.lastIndexOf('/') + 1)
    : normalized;
  const byCity = new Map<string, string>();
  for (const zone of zones) byCity.set(zone.slice(zone.lastIndexOf('/') + 1), zone);
  return closestNames({ input: city, candidates: byCity.keys() }).map(
    (name) => byCity.get(name) as string,
  );
}
