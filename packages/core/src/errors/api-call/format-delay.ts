/**
 * `58000` -> `58 s`, `34400` -> `34.4 s`, `500` -> `500 ms`; the most a server delay is read as
 * (`Number.MAX_SAFE_INTEGER`, what RetryInfo's `1e308s` becomes) -> `285,000 years or more`.
 * @internal
 */
export function formatDelay(milliseconds: number): string {
  if (milliseconds >= Number.MAX_SAFE_INTEGER) return '285,000 years or more';
  if (milliseconds < 1000) return `${milliseconds} ms`;
  return `${Number((milliseconds / 1000).toFixed(1))} s`;
}
