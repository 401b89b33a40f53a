/**
 * `value` as an Error, for onError and the chat's `error`: an Error as it is, anything else
 * wrapped (the value as `cause`). Never throws itself: `String()` throws on an object without a
 * prototype (`Object.create(null)`) or with a `toString` that throws, and `instanceof` on a
 * revoked proxy. A throw here would leave the chat streaming for good and the send rejected,
 * where it promises to report. @internal
 */
export function toError(value: unknown): Error {
  try {
    if (value instanceof Error) return value;
  } catch {
    // A revoked proxy: wrapped below.
  }
  return new Error(describe(value), { cause: value });
}

function describe(value: unknown): string {
  try {
    return String(value);
  } catch {
    // Fall through to the tag.
  }
  try {
    return Object.prototype.toString.call(value);
  } catch {
    return 'a value that cannot be described';
  }
}
