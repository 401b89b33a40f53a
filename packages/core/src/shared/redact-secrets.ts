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
 * `api_key`: `x-goog-api-key`, a gateway's `x-api-key`), any name ending in `-key` (`x-goog-*-key`,
 * Portkey's `x-portkey-virtual-key`), a part ending in `token` (`x-auth-token`, not
 * `x-ratelimit-remaining-tokens`) or `authorization` (Cloudflare AI Gateway's
 * `cf-aig-authorization`), a part `auth` (Helicone's `Helicone-Auth`), `secret` or `password`.
 * @internal
 */
export function isCredentialHeader(name: string): boolean {
  const lower = name.toLowerCase();
  if (CREDENTIAL_HEADER_NAMES.has(lower)) return true;
  if (/api[-_]?key|secret|password/.test(lower)) return true;
  if (/[-_]key$/.test(lower)) return true;
  return lower
    .split(/[-_]/)
    .some((part) => part.endsWith('token') || part.endsWith('authorization') || part === 'auth');
}

/**
 * The secrets a set of request headers carries, to redact wherever they might be quoted: the
 * whole value of each header whose name looks like a credential ({@link isCredentialHeader}),
 * the credential after an auth scheme (`Bearer <token>`, `Basic <token>`), and each cookie's
 * value. This is the automatic key rule: values shorter than {@link MIN_KEY_LENGTH} are left out
 * (see there).
 * @internal
 */
export function secretsOfHeaders(headers: Record<string, string> | undefined): string[] {
  const secrets: string[] = [];
  if (headers === undefined) return secrets;
  for (const [name, value] of Object.entries(headers)) {
    if (!isCredentialHeader(name)) continue;
    const candidates = credentialsOf(value);
    if (name.toLowerCase() === 'cookie') {
      for (const pair of value.split(';')) {
        const equals = pair.indexOf('=');
        if (equals !== -1) candidates.push(pair.slice(equals + 1).trim());
      }
    }
    for (const candidate of candidates) {
      if (candidate.length >= MIN_KEY_LENGTH && !secrets.includes(candidate)) {
        secrets.push(candidate);
      }
    }
  }
  return secrets;
}

/** A credential value, trimmed, and after an auth scheme (`Bearer <token>`) the token alone. */
function credentialsOf(value: string): string[] {
  const trimmed = value.trim();
  const token = /^[A-Za-z][\w.+-]*\s+(\S.*)$/.exec(trimmed)?.[1];
  return token === undefined ? [trimmed] : [trimmed, token];
}

/**
 * The shortest value the automatic key rule redacts: the client's API key and the credentials
 * {@link secretsOfHeaders} picks out by header name, scrubbed from every error and log line of
 * every call without the caller asking. Real keys are far longer (Google's 39 characters,
 * gateways' `sk-...` longer still), while stand-ins such as `'demo'` or `'k'` fill tests and
 * offline demos: redacting those would cut `demo` out of every message that mentions the demo.
 * @internal
 */
export const MIN_KEY_LENGTH = 8;

/**
 * The shortest secret redacted when the caller names it as one ({@link createSecretRedactor}:
 * an MCP server's `env` values, its headers, the credentials in its URL). The caller said it is
 * secret, so a 4 to 7 character token or password is still scrubbed; below 4 (`1`, `on`, `no`)
 * a value protects nothing and replacing it would garble every message.
 * @internal
 */
export const MIN_SECRET_LENGTH = 4;

/**
 * Replaces every occurrence of each secret in `text` with `[redacted]`, skipping secrets shorter
 * than `minLength` (by default {@link MIN_KEY_LENGTH}, the key rule; {@link createSecretRedactor}
 * passes {@link MIN_SECRET_LENGTH}). Give the secrets longest first, so a credential that
 * contains another (`Bearer <key>`) is replaced whole.
 * @internal
 */
export function redactSecrets(
  text: string,
  secrets: readonly string[],
  minLength: number = MIN_KEY_LENGTH,
): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= minLength && result.includes(secret)) {
      result = result.split(secret).join(REDACTED);
    }
  }
  return result;
}

/**
 * Makes a function that replaces every occurrence of the given secrets with `[redacted]`: each
 * value, trimmed, and for `Bearer <token>`-style values the token alone. It is for values the
 * caller names as secret (an MCP server's `env` values, its headers, URL credentials), so the
 * floor is {@link MIN_SECRET_LENGTH}, not the key rule's {@link MIN_KEY_LENGTH}. Error texts from
 * servers and SDKs can echo what was sent (a server printing its token, a proxy quoting a
 * header); they go through this before they reach an error message or a log line.
 * @internal
 */
export function createSecretRedactor(values: Iterable<string>): (text: string) => string {
  const secrets = new Set<string>();
  for (const value of values) {
    for (const candidate of credentialsOf(value)) {
      if (candidate.length >= MIN_SECRET_LENGTH) secrets.add(candidate);
    }
  }
  if (secrets.size === 0) return (text) => text;
  // Longest first, so a token inside a longer value is not replaced before the value itself.
  const sorted = [...secrets].sort((left, right) => right.length - left.length);
  return (text) => redactSecrets(text, sorted, MIN_SECRET_LENGTH);
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

/**
 * `text` with a key of `secrets` cut off at its end (the text stopped mid-key: a live turn that
 * ended or was interrupted, a recorder's bound) replaced by {@link REDACTED}: the longest tail of
 * {@link MIN_KEY_LENGTH} characters or more that starts one of them. A shorter tail stays (as the
 * doors' hold-back lets it leave at a stream's end, `web/key-hold.ts`' `keyAt`). Itself when none.
 * @internal
 */
export function withoutCutKey(text: string, secrets: readonly string[]): string {
  const longest = Math.max(0, ...secrets.map((secret) => secret.length));
  for (let at = Math.max(0, text.length - longest + 1); at + MIN_KEY_LENGTH <= text.length; at++) {
    for (const secret of secrets) {
      const rest = text.length - at;
      if (rest < secret.length && text.charCodeAt(at) === secret.charCodeAt(0)) {
        if (secret.startsWith(text.slice(at))) return `${text.slice(0, at)}${REDACTED}`;
      }
    }
  }
  return text;
}
