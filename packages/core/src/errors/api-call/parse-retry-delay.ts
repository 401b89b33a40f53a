/**
 * A non-negative decimal number of seconds or milliseconds, as both delay fields write it; an
 * exponent is read too (`1e308`), so a huge delay is seen as one, whichever field said it.
 */
const DECIMAL = /^\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i;

/**
 * `text` (a {@link DECIMAL}) times `scale`, rounded, in milliseconds, at most
 * `Number.MAX_SAFE_INTEGER` (285,000 years: past any `retry.maxServerDelayMs`, and a number JSON
 * keeps, where `1e308s` would be `Infinity`). `undefined` for anything else.
 */
function toMilliseconds(text: string, scale: number): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  return Math.min(Math.round(Number(text) * scale), Number.MAX_SAFE_INTEGER);
}

/**
 * Reads a protobuf `Duration` in its JSON form (`"58s"`, `"34.4s"`, `"0.5s"`, `"1e308s"`) as
 * milliseconds, as {@link parseRetryAfterMs} reads the same number in `Retry-After`: a delay past
 * `retry.maxServerDelayMs` is refused alike from either. Returns `undefined` for anything else,
 * a negative, `NaN` or `Infinity` delay included (the call then backs off as usual).
 * @internal
 */
export function parseDurationMs(duration: unknown): number | undefined {
  if (typeof duration !== 'string') return undefined;
  const text = duration.trim();
  if (!text.endsWith('s')) return undefined;
  return toMilliseconds(text.slice(0, -1), 1000);
}

/**
 * Reads the `Retry-After` header (delay seconds or an HTTP date, RFC 9110 §10.2.3) and the
 * non-standard `retry-after-ms` some gateways send, as milliseconds from now. A date in the past
 * gives 0. The number may have a fraction or an exponent, as {@link parseDurationMs} reads it.
 * Returns `undefined` when neither header is usable (negative, `NaN`, not a number or a date).
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
  const milliseconds = retryAfterMs == null ? undefined : toMilliseconds(retryAfterMs.trim(), 1);
  if (milliseconds !== undefined) return milliseconds;
  if (retryAfter == null) return undefined;
  const value = retryAfter.trim();
  const seconds = toMilliseconds(value, 1000);
  if (seconds !== undefined) return seconds;
  // Only try a date when it looks like one: Date.parse accepts odd strings such as "1".
  if (!/[a-z]/i.test(value)) return undefined;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now());
}
