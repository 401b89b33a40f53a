/**
 * Reads a protobuf `Duration` in its JSON form (`"58s"`, `"34.4s"`, `"0.5s"`) as milliseconds.
 * Returns `undefined` for anything else, including negative values.
 * @internal
 */
export function parseDurationMs(duration: unknown): number | undefined {
  if (typeof duration !== 'string') return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)s\s*$/.exec(duration);
  if (match === null) return undefined;
  return Math.round(Number(match[1]) * 1000);
}

/**
 * Reads the `Retry-After` header (delay seconds or an HTTP date, RFC 9110 §10.2.3) and the
 * non-standard `retry-after-ms` some gateways send, as milliseconds from now. A date in the past
 * gives 0. Returns `undefined` when neither header is usable.
 * @internal
 */
export function parseRetryAfterMs({
  retryAfter,
  retryAfterMs,
  now,
}: {
  retryAfter?: string | null | undefined;
  retryAfterMs?: string | null | undefined;
  now: () => number;
}): number | undefined {
  if (retryAfterMs != null && /^\s*\d+(?:\.\d+)?\s*$/.test(retryAfterMs)) {
    return Math.round(Number(retryAfterMs));
  }
  if (retryAfter == null) return undefined;
  const value = retryAfter.trim();
  if (/^\d+(?:\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  // Only try a date when it looks like one: Date.parse accepts odd strings such as "1".
  if (!/[a-z]/i.test(value)) return undefined;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now());
}
