// Formatting run data for the page: times, durations, counts, JSON. Run files are hostile bytes,
// so each helper takes any value and never throws.

/** A date and time in the reader's locale. */
export function formatWhen(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return 'unknown time';
  const date = new Date(ms);
  return `${date.toLocaleDateString()} ${date.toLocaleTimeString()}`;
}

/** `850 ms`, `1.25 s`, `12.5 s`. */
export function formatDuration(ms) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '?';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** A whole number with the locale's grouping, `0` for anything that is not a number. */
export function formatCount(value) {
  return (typeof value === 'number' && Number.isFinite(value) ? value : 0).toLocaleString();
}

/** A string field of a run file, or `undefined` when it holds something else. */
export function asText(value) {
  return typeof value === 'string' ? value : undefined;
}

/** A number field of a run file, or `undefined` when it holds something else. */
export function asNumber(value) {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A field of an object, `undefined` for anything that is not one. */
export function field(value, key) {
  return typeof value === 'object' && value !== null ? value[key] : undefined;
}

/** Pretty JSON of a recorded value (2-space indent); a string is shown as it is. */
export function prettyJson(value) {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value, null, 2) ?? 'undefined';
  } catch {
    return String(value);
  }
}

/**
 * A name of a run file (a tool's, a model's, a guardrail's): text on one line, cut at `max`
 * characters; `undefined` for anything that is not text. A file from elsewhere can hold a megabyte
 * where a name belongs.
 */
export function asName(value, max = 200) {
  return oneLine(asText(value), max);
}

/** The first `max` characters of `text` on one line, `…` when cut. */
export function oneLine(text, max) {
  if (typeof text !== 'string') return undefined;
  const line = text
    .slice(0, max * 4)
    .replace(/\s+/g, ' ')
    .trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
