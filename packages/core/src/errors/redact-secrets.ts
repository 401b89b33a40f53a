/** What a scrubbed secret is replaced with. */
export const REDACTED = '[redacted]';

const CREDENTIAL_HEADER_NAMES: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
]);

/**
 * Whether a header name looks like it carries a credential: `authorization`,
 * `proxy-authorization`, `cookie`, `set-cookie`, any name containing `api-key` (`apikey`,
 * `api_key`: `x-goog-api-key`, a gateway's `x-api-key`), `x-goog-*-key`, a part ending in `token`
 * (`x-auth-token`, not `x-ratelimit-remaining-tokens`), `secret` or `password`.
 * @internal
 */
export function isCredentialHeader(name: string): boolean {
  const lower = name.toLowerCase();
  if (CREDENTIAL_HEADER_NAMES.has(lower)) return true;
  if (/api[-_]?key|secret|password/.test(lower)) return true;
  if (lower.startsWith('x-goog-') && lower.endsWith('-key')) return true;
  return lower.split(/[-_]/).some((part) => part.endsWith('token'));
}

/**
 * The secrets a set of request headers carries, to redact wherever they might be quoted: the
 * whole value of each header whose name looks like a credential ({@link isCredentialHeader}),
 * the credential after an auth scheme (`Bearer <token>`, `Basic <token>`), and each cookie's
 * value. Values shorter than {@link MIN_SECRET_LENGTH} are left out (see there).
 * @internal
 */
export function secretsOfHeaders(headers: Record<string, string> | undefined): string[] {
  const secrets: string[] = [];
  if (headers === undefined) return secrets;
  for (const [name, value] of Object.entries(headers)) {
    if (!isCredentialHeader(name)) continue;
    const candidates = [value.trim()];
    const scheme = /^[A-Za-z][\w.+-]*\s+(\S.*)$/.exec(value.trim());
    if (scheme?.[1] !== undefined) candidates.push(scheme[1]);
    if (name.toLowerCase() === 'cookie') {
      for (const pair of value.split(';')) {
        const equals = pair.indexOf('=');
        if (equals !== -1) candidates.push(pair.slice(equals + 1).trim());
      }
    }
    for (const candidate of candidates) {
      if (candidate.length >= MIN_SECRET_LENGTH && !secrets.includes(candidate)) {
        secrets.push(candidate);
      }
    }
  }
  return secrets;
}

/**
 * The shortest value treated as a secret. Real keys are far longer (Google's 39 characters,
 * gateways' `sk-...` longer still); a stand-in such as `'demo'` or `'k'` in tests and offline
 * demos would otherwise be cut out of every word that contains it, mangling messages.
 * @internal
 */
export const MIN_SECRET_LENGTH = 8;

/**
 * Replaces every occurrence of each secret in `text` with `[redacted]` (secrets shorter than
 * {@link MIN_SECRET_LENGTH} are left: see there).
 * @internal
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH && result.includes(secret)) {
      result = result.split(secret).join(REDACTED);
    }
  }
  return result;
}

/**
 * Copies response headers into a plain object with lower-case names, without credentials or
 * cookies, and with any of `secrets` scrubbed from the values.
 * @internal
 */
export function toSafeHeaders(
  headers: Headers | Record<string, string> | undefined,
  secrets: readonly string[] = [],
): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  const result: Record<string, string> = {};
  // Duck-typed: a Headers object from another realm or fetch implementation fails `instanceof`.
  const entries: Iterable<[string, string]> =
    typeof (headers as Headers).get === 'function' && typeof headers.entries === 'function'
      ? (headers as Headers).entries()
      : Object.entries(headers);
  for (const [name, value] of entries) {
    const lower = name.toLowerCase();
    if (isCredentialHeader(lower) || typeof value !== 'string') continue;
    result[lower] = secrets.length > 0 ? redactSecrets(value, secrets) : value;
  }
  return result;
}
