// Longer renderings of a thrown object are cut: they go into one-line messages.
const MAX_LENGTH = 500;

/**
 * A short text for anything a user's code may throw or reject with, for error messages. Never
 * throws itself: `String()` throws on an object without a prototype, a `message` getter may throw,
 * and `JSON.stringify` throws on cycles and BigInt. An error is its `message` (or its name when
 * the message is empty); a string is itself; a plain object is its `message` field when it has a
 * string one, else its JSON (`{"code":5}` says more than `[object Object]`).
 * @internal
 */
export function describeThrown(value: unknown): string {
  try {
    if (typeof value === 'string') return value;
    if (typeof value !== 'object' || value === null) return String(value);
    const message = (value as { message?: unknown }).message;
    if (typeof message === 'string' && message !== '') return message;
    if (value instanceof Error) return typeof value.name === 'string' ? value.name : 'Error';
    const json = JSON.stringify(value);
    if (json !== undefined)
      // Without a first half of an emoji left at the cut: a strict JSON or UTF-8 reader of the
      // message (a page, a span exporter) refuses a lone surrogate.
      return json.length > MAX_LENGTH
        ? `${json.slice(0, MAX_LENGTH).replace(/[\ud800-\udbff]$/, '')}...`
        : json;
  } catch {
    // Fall through to the tag.
  }
  try {
    return Object.prototype.toString.call(value);
  } catch {
    // A revoked proxy, or one whose traps throw.
    return 'a value that cannot be described';
  }
}
