import { boundErrorDetail } from './describe-error-chain.ts';

/**
 * The one key of what a failed tool's `structuredContent` becomes on its `McpToolCallError` when
 * its JSON is longer than the bound: that JSON, redacted, cut, and said to be cut. Cut JSON is no
 * object, so it is kept as the text it is, under a key that says whose words these are.
 */
export const STRUCTURED_CONTENT_CUT_KEY = 'gemloopCut';

/** A failed tool's `structuredContent` as its error carries it, and its JSON as the message quotes it. */
export type BoundStructuredContent = {
  /** The object as it came when nothing in it was a secret and it was short enough; else a copy. */
  value: Record<string, unknown>;
  /** Its JSON: redacted, and cut past the bound (the cut said at its end). */
  json: string;
};

/**
 * A failed tool's `structuredContent` with the connection's secrets taken out of every string in
 * it (keys too) and bounded at `maxLength` characters of JSON, through the same
 * {@link boundErrorDetail} its text goes through: it rode on the `McpToolCallError` as it came, so
 * a token of the server's `env` and megabytes went into the error's `toJSON` and every log line of
 * it (leftovers47). Each string is redacted before it is written as JSON, so a secret JSON would
 * escape (a quote, a backslash in it) is still found.
 * @internal
 */
export function boundStructuredContent(
  structuredContent: Record<string, unknown>,
  redact: (text: string) => string,
  maxLength: number,
): BoundStructuredContent {
  let changed = false;
  let json: string;
  try {
    json = JSON.stringify(structuredContent, (_key, value: unknown) => {
      if (typeof value === 'string') {
        const redacted = redact(value);
        if (redacted !== value) changed = true;
        return redacted;
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
      const entries = Object.entries(value);
      if (entries.every(([key]) => redact(key) === key)) return value;
      changed = true;
      // fromEntries defines each key as an own property: a `__proto__` key stays data.
      return Object.fromEntries(entries.map(([key, each]) => [redact(key), each]));
    });
  } catch (error) {
    // Nested deeper than JSON.stringify goes, or a value JSON has no form for: not data an app
    // can read either, so it is said instead of carried.
    const reason = error instanceof Error ? error.message : String(error);
    const text = boundErrorDetail(
      `The structuredContent could not be written as JSON: ${reason}`,
      redact,
    );
    return { value: { [STRUCTURED_CONTENT_CUT_KEY]: text }, json: text };
  }
  if (json.length > maxLength) {
    const cut = boundErrorDetail(json, redact, maxLength);
    return { value: { [STRUCTURED_CONTENT_CUT_KEY]: cut }, json: cut };
  }
  // Nothing to hide: the object as it came, every key (`__proto__` among them) as it was.
  if (!changed) return { value: structuredContent, json };
  // JSON.parse defines keys as own properties, as the tool's answer was read.
  return { value: JSON.parse(json) as Record<string, unknown>, json };
}
