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
  // The client's own secrets first, then the shapes: a secret holding a key's shape inside it (a
  // gateway's key longer than Google's 39 characters, `AIza…` and more) had the shape cut out
  // first, and then no longer matched whole, so its other characters stayed (attack62c).
  return redactKeyShapes(redactSecretValues(text, secrets, minLength));
}

/**
 * {@link redactSecrets} without the key shapes: each secret's own text replaced, nothing else.
 * For a media part's base64 `data`, where a key's shape is a coincidence (below).
 * @internal
 */
export function redactSecretValues(
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
 * Whether `holder[key]` is a media part's base64 (`inlineData.data`: a holder with a `mimeType`).
 * Key shapes are not looked for there: a key's text base64-encoded never reads `AIza…`, and
 * random base64 holds that shape about once in 7 MB, so a recorded 5 MB photo came out about
 * one time in seven 29 characters short, a replay sending another image (media55b). A secret's
 * own text is still replaced there, as anywhere.
 * @internal
 */
export function isMediaData(holder: object, key: PropertyKey): boolean {
  return key === 'data' && typeof (holder as { mimeType?: unknown }).mimeType === 'string';
}

/**
 * Makes a function that replaces every occurrence of the given secrets with `[redacted]`: each
 * value, trimmed, and for `Bearer <token>`-style values the token alone; one of 8 characters or
 * more in the encoded forms too ({@link secretForms}). It is for values the
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
      // One of the key rule's length comes with the forms a server may echo it in.
      if (candidate.length >= MIN_KEY_LENGTH)
        for (const form of secretForms(candidate)) secrets.add(form);
      else if (candidate.length >= MIN_SECRET_LENGTH) secrets.add(candidate);
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

/**
 * `text` with a key of `secrets` cut off at its start (a kept tail of a process's output that began
 * mid-key: the stdio MCP client's stderr, attack43b) replaced by {@link REDACTED}: the longest head
 * of {@link MIN_KEY_LENGTH} characters or more that ends one of them. {@link withoutCutKey}'s mirror;
 * a shorter head stays as a shorter tail does there. Itself when none.
 * @internal
 */
export function withoutCutKeyAtStart(text: string, secrets: readonly string[]): string {
  let longest = 0;
  for (const secret of secrets) {
    for (let length = Math.min(secret.length - 1, text.length); length > longest; length--) {
      if (length < MIN_KEY_LENGTH) break;
      if (text.startsWith(secret.slice(secret.length - length))) {
        longest = length;
        break;
      }
    }
  }
  return longest === 0 ? text : `${REDACTED}${text.slice(longest)}`;
}

// A URL with its scheme (`https://weather.internal:8443/v1`, `file:///srv/app/x.ts`), query and
// all (a `[redacted]` key inside it too), not the punctuation after it. The scheme is at most 32
// characters (IANA's longest registered is 26): unbounded, each word of `a.a.a.…` scanned to the
// end for a `:`, 2.6 s for 40,000 characters, hours for a megabyte of tool error (attack17).
const URL_PATTERN = /\b[a-z][a-z0-9+.-]{0,31}:\/\/[^\s"'<>(){}]*[^\s"'<>(){},.;:!?]/gi;
// A Windows path with its drive (`C:\app\src\tool.ts`) or a share's server (`\\fs01\share\x`:
// not a doubled backslash inside a word, as in escaped text).
const WINDOWS_PATH = /(?:\b[a-z]:|(?<![\w\\])\\\\[\w.$-]+)\\[^\s"'<>()[\]{}]+/gi;
// Credentials before a host outside a URL (`app:S3cret@db-primary`, a driver's connection
// string), with the host and port: starting only after a space, a quote, `(` or `=`, so one scan.
const CREDENTIALS_AT_HOST = /(?<=^|[\s"'(=])[\w.%+-]+:[^\s"'<>]*@[^\s"'<>)]+/g;
// An absolute POSIX path of two segments or more (`/srv/app/tools/weather.ts`), not the slash of
// a relative one (`a/b`) nor a fraction.
const POSIX_PATH = /(?<![\w.~-])\/[\w.@+~-]+(?:\/[\w.@+~-]*)+/g;
// An IPv6 address without brackets, as Node writes one (`connect ECONNREFUSED ::1:5432`), with
// its `::` (a port after it is taken too) and zone (`%eth0`): not a time of day (attack14).
// Eight groups without `::` are one too (`2001:db8:0:0:1:0:0:1`; a time has three at most).
const IPV6_ADDRESS =
  /(?<![\w:.%[])(?=[\d.:a-f]*::|(?:[\da-f]{1,4}:){7}[\da-f]{1,4}(?::\d{1,5})?(?![\w:]))[\d.:a-f]{3,}(?:%[\w.-]+)?(?![\w:%])/gi;
// An IPv4 or bracketed IPv6 address, with its port when there is one, before a full stop too
// (`reach 10.0.0.5.`, attack16), not before `.` and more (`1.2.3.4.5`, `db:5432.json`). The
// bracketed one has a colon: without it `rows[0][1]`, `[1]` and `[cafe]` read `<host>` (attack43b).
const IP_ADDRESS =
  /(?<![\w.])(?:\d{1,3}(?:\.\d{1,3}){3}|\[(?=[\d.a-f]*:)[0-9a-f:.]+\])(?::\d{1,5})?(?!\.?\w)/gi;
// A host name whatever its shape, after the words that name one: Node's failed DNS lookup
// (`getaddrinfo ENOTFOUND db-primary`, `querySrv ENOTFOUND _mongodb._tcp.x.internal`, attack16);
// Java's `UnknownHostException: db.internal`; Go's `lookup db.internal on ...` and `lookup db:`
// (a name then `:` or ` on `, so `lookup is not a function` stays; an alternative of its own:
// inside the lookbehind, V8 tried the lookahead first at every position, quadratic);
// Python's `host='db.internal'`, MySQL's `host 'db'`, urllib3's `Failed to resolve 'db'`;
// libpq's `server at "db"` and `host name "db"`; MySQL's `server on 'db'` and the host of
// `'user'@'db'` (leftovers80); Node's TLS check (`Host: db.internal. is not in
// the cert's altnames: DNS:*.corp`, `cert's CN: db`); ADO.NET's `Server=tcp:db,1433` and
// `Data Source=db` (attack17, attack20). And a credential the tool held, after the word that
// names it and `=` or `:` (attack20; an alternative here, not a pattern of its own: 30 B less of
// the agent app, for a `<host>` where `[redacted]` would read better): a connection string's
// `Password=`/`Pwd=`, libpq's `password=`, Azure's `AccountKey=`/`SharedAccessKey=`,
// `x-goog-api-key: AIza...`, `aws_secret_access_key=`, `token=`, a `Bearer` token. The client
// redacts the keys it knows; these it never saw. The word alone stays (`token expired`), and so
// do counts (Google's `total_token_count=1024`, `maxOutputTokens: 8192`). Without its last `:` or
// `.`: the sentence's.
// And a host after the words of a failed connection, quoted or not (leftovers82): a quote after a
// Node error code (`connect ECONNREFUSED on "db"`, `ETIMEDOUT "db"`, with `on`, `to` or `at`
// between) or after `reach`, `connect to`, `connecting to`, `dial`; undici's ConnectTimeoutError (`Connect Timeout Error (attempted
// address: db:443, timeout: 10000ms)`, its `attempted addresses:` for several); curl's `Could not
// resolve host: db` (curl's libcurl-errors.html, CURLE_COULDNT_RESOLVE_HOST). A single-label name
// (`db-host-7`, a Compose or Kubernetes service) has no shape of its own: only these words tell it
// from a tool's or a field's name, which a quote after any other word stays (`Tool "get-weather"`).
// Never `failed` or `error(s)` after `lookup` (the whole word: `error-db` is a host): a tool named
// `lookup` fails as `lookup failed: ...` (the loop's own words), and a second pass over that (a
// subagent's error, the recorder) took `failed` for the host of Go's `lookup db: no such host`
// (redact39); a tool's own `lookup error: not found` became `lookup <host>: not found`
// (leftovers40), and so did `lookup Error: x` (leftovers41: the words capitalised too). Words,
// not what Go's resolver writes after the `:` (`no such host`, `server misbehaving`, ...
// net/dnsclient_unix.go, then cgo's and Windows' own texts): a list of those that missed one
// would let a host through; a word missed here costs a `<host>` too many.
const NAMED_HOST =
  /(?<=(?:addrinfo|query\w+) E[A-Z_]+ |UnknownHostException: |host(?: name)?[= ]?['"]|resolve '|server at "|server on '|'@'|Host: |DNS:|CN: |Server=|Source=|(?:[Pp]ass|[Pp]wd|[Kk]ey|[Tt]oken)(?![Ss]\b|\w*[Cc]ount)\w*[=:] ?|Bearer |(?:\bE[A-Z]{4,}(?: on| to| at)?|reach|connect\w* to|dial) ["']|attempted address\w*: |resolve host: )[^\s"'<>(),;]*[^\s"'<>(),;:.]|(?<=lookup )(?!(?:[Ff]ailed|[Ee]rrors?)[: ])[\w.-]+(?=:| on )/g;
// A database's user name in the quotes its driver writes it in: libpq's `for user "app"` and
// `role "app" does not exist`, MySQL's `for user 'app'@...`, SQL Server's `Login failed for user
// 'sa'.` (leftovers80). Quoted after those words only: `user not found` and `the user "Ana"`
// stay.
const DB_USER = /(?<=for user ["'])[^\s"'<>]+(?=["'])|(?<=\brole ")[^\s"<>]+(?=" does not)/g;
// A host name with a port (`weather.internal:8443`, `localhost:5432`). A dotted name without a
// port is kept: it cannot be told from a file or field name (`config.json`, `result.handler`).
// And a quoted host that needs no word before it (leftovers82): a name with a port (`"db-host-7:5432"`:
// a single label too, bounded by its quotes; two digits at least, so `"step:3"` stays), or a name
// in a domain kept for private networks: `.internal` (ICANN, 2024:
// https://www.icann.org/en/board-activities-and-meetings/materials/approved-resolutions-special-meeting-of-the-icann-board-29-07-2024-en),
// `.home.arpa` (RFC 8375), `.lan`, `.corp`, and Kubernetes' service
// names (`.svc`, `.svc.cluster.local`). Not a bare `.local` (mDNS, RFC 6762): `"settings.local"`
// is as likely a file. Here, in the pattern without case (`i`), not in NAMED_HOST, whose words
// are matched in their case: host names are case-insensitive (RFC 4343), and `"DB.INTERNAL"`, as
// a config typed it and a driver quoted it back, was kept (leftovers83).
const HOST_AND_PORT =
  /(?<![\w.-])(?:localhost|[a-z0-9-]+(?:\.[a-z0-9-]+)+):\d{1,5}(?!\.?\w)|(?<=["'])[\w.-]+(?::\d{2,5}|\.(?:internal|home\.arpa|lan|corp|svc(?:\.cluster\.local)?))(?=["'])/gi;

// A Google API key by its shape, whoever's it is: `AIza` and 35 of `[0-9A-Za-z_-]` (Microsoft
// Purview's "Google API key" definition; the NDSS 2019 "How Bad Can It Git?" table), and a Google
// OAuth access token (`ya29.` and its base64url body). The client's own key is redacted by value;
// these are the ones it never saw (a tool's error quoting another key, a gateway's echo).
//
// Then other vendors' keys by the prefixes they document, each starting a word (not `task-`,
// `disk-`, `mask_`) and followed by key material, with the rest of the word (leftovers73):
// - `sk-`: OpenAI (`sk-`, `sk-proj-`, `sk-svcacct-`, `sk-admin-`: its API keys page), Anthropic
//   (`sk-ant-api03-`), OpenRouter (`sk-or-v1-`), DeepSeek and the gateways that copied the shape;
//   a run of 20 letters and digits somewhere in the word, which a kebab-case name (`sk-learn`,
//   `sk-2024-annual-report`) or a UUID (runs of 12 at most) does not have.
// - GitHub (its "Behind GitHub's new authentication token formats", 2021): `ghp_`, `gho_`, `ghu_`,
//   `ghs_`, `ghr_` and 36 base62 characters (30 asked here), `github_pat_` (fine-grained).
// - Slack ("Token types"): `xoxb-`, `xoxp-`, `xoxa-`, `xoxe-`, `xoxr-`, `xoxs-`, `xoxo-`
//   and app-level `xapp-`; a run of 10 letters and digits in the word (its numbered parts are
//   shorter, its secret part 24 or 32).
// - Stripe ("API keys"): `sk_live_`, `sk_test_`, `rk_live_`, `rk_test_`.
// - Webhook signing secrets, `whsec_` and base64 (Standard Webhooks, which Stripe's and the
//   Interactions API's webhooks follow: docs/interactions-api.md).
// - GitLab ("Token prefixes"): `glpat-`; Hugging Face ("User access tokens"): `hf_`; npm (access
//   tokens since 2021): `npm_`.
// - AWS access key ids ("Understanding unique ID prefixes"): `AKIA` (long-term) and `ASIA`
//   (temporary) and 16 capitals and digits, as one word.
// - JSON Web Tokens (RFC 7519, compact form): a base64url header and payload that both start
//   `eyJ` (`{"`), and a signature, dot-separated: a bearer token whoever issued it.
// - PEM private keys (RFC 7468 §10, and OpenSSH's, PKCS #1's and SEC 1's labels): from `-----BEGIN
//   ... PRIVATE KEY-----` to its `-----END` line, at most 16 KiB of body (a 16384-bit RSA key's
//   PEM is about 12 KB); a key cut before its END line is redacted to where it was cut.
// Bounded: each word is scanned from one start at most (the look-behind refuses a start inside a
// word), and a start's lazy search tries at most 20 characters at each place; a PEM body stops
// at the first run of five dashes.
const KEY_SHAPE =
  /-----BEGIN [A-Z ]{0,24}PRIVATE KEY-----(?:[^-]|-(?!----)){0,16384}(?:-----END [A-Z ]{0,24}PRIVATE KEY-----)?|(?<![A-Z0-9])A[KS]IA[A-Z0-9]{16}(?![A-Za-z0-9])|(?<![\w-])eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{16,}|AIza[\w-]{35}|ya29\.[\w-]{16,}|(?<![\w-])(?:sk-[\w-]*?[A-Za-z0-9]{20}|gh[pousr]_[A-Za-z0-9]{30}|github_pat_\w{30}|xox[abeoprs]-[\w-]*?[A-Za-z0-9]{10}|xapp-[\w-]*?[A-Za-z0-9]{10}|[rs]k_(?:live|test)_[A-Za-z0-9]{16}|glpat-[\w-]{20}|hf_[A-Za-z0-9]{30}|npm_[A-Za-z0-9]{36})[\w-]*|(?<![\w-])whsec_[A-Za-z0-9+/]{24,}={0,2}/g;

// The prefixes every key shape starts with (a PEM key's is its label's end): a text holding none
// of them skips KEY_SHAPE. A short text is searched for all of them at once (KEY_PREFIX); a long
// one for each in turn (`includes`), which is the faster of the two there: measured per call,
// 8-128 characters of prose or JSON 300-700 ns with the 21 `includes` against 30-350 ns with the
// one expression, about even at 2-16 KB, and the expression 10 times slower on a long run of one
// of its first letters (issue 53, speed-profile). Every string and property name of an observed
// run's events passes here (redact-key-observation.ts), most of them a few characters long.
const KEY_PREFIXES: readonly string[] = [
  'PRIVATE KEY-----',
  'AKIA',
  'ASIA',
  'eyJ',
  'AIza',
  'ya29.',
  'sk-',
  'ghp_',
  'gho_',
  'ghu_',
  'ghs_',
  'ghr_',
  'github_pat_',
  'xox',
  'xapp-',
  'k_live_',
  'k_test_',
  'whsec_',
  'glpat-',
  'hf_',
  'npm_',
];
// Made from the list, so the two searches cannot disagree on which texts may hold a key.
const KEY_PREFIX = new RegExp(
  KEY_PREFIXES.map((prefix) => prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
);
const SHORT_TEXT = 512;

function holdsKeyPrefix(text: string): boolean {
  if (text.length <= SHORT_TEXT) return KEY_PREFIX.test(text);
  for (const prefix of KEY_PREFIXES) if (text.includes(prefix)) return true;
  return false;
}

/**
 * `text` with every key of a well-known shape replaced by {@link REDACTED}, whoever's key it is:
 * a Google API key (`AIza...`, 39 characters) or OAuth access token (`ya29.`), and the keys other
 * vendors mark with a documented prefix (OpenAI's and Anthropic's `sk-...`, GitHub's `ghp_...`
 * and `github_pat_...`, Slack's `xoxb-...`, Stripe's `sk_live_...`, GitLab's `glpat-...`,
 * Hugging Face's `hf_...`, npm's `npm_...`) followed by key material, AWS access key ids, JSON Web
 * Tokens and PEM private keys. Itself when none (no copy).
 * @internal
 */
export function redactKeyShapes(text: string): string {
  // The prefixes first: most texts hold none, and the regular expression's scan of a megabyte
  // error body is what describe-api-error.attacks.test.ts bounds.
  return holdsKeyPrefix(text) ? text.replace(KEY_SHAPE, REDACTED) : text;
}

/**
 * Removes what a tool's error, or a gateway's error text (attack29), may tell about the machine it
 * ran on: URLs, absolute paths (Windows
 * shares too), IP addresses, `host:port` pairs, `user:password@host`, host names the words
 * before them name (`UnknownHostException: db`, `lookup db`, `host='db'`, TLS altnames,
 * `ECONNREFUSED on "db"`, `attempted address: db:443`) and quoted hosts with a port or in a
 * private-network domain, in any case (`"db:5432"`, `"db.internal"`, `"DB.INTERNAL"`) become
 * `<url>`, `<path>`, `<host>`. The error's own words stay
 * (`ECONNREFUSED`, `upstream weather API down`), so the model can still decide what to do.
 * @internal
 */
export function redactLocalDetails(text: string): string {
  return redactKeyShapes(text)
    .replace(URL_PATTERN, '<url>')
    .replace(CREDENTIALS_AT_HOST, '<host>')
    .replace(WINDOWS_PATH, '<path>')
    .replace(POSIX_PATH, '<path>')
    .replace(IPV6_ADDRESS, '<host>')
    .replace(IP_ADDRESS, '<host>')
    .replace(HOST_AND_PORT, '<host>')
    .replace(NAMED_HOST, '<host>')
    .replace(DB_USER, '<user>');
}

/**
 * The shortest secret whose other-case forms are redacted too: a folded 8-character secret may
 * be a word (`Password` → `password`), which would be cut from every message; 16 characters of a
 * key, lower-cased, are not (Google's keys have 39, gateways' `sk-...` more).
 */
const MIN_FOLDED_LENGTH = 16;

/**
 * `secret` and the forms a server may quote it in, each to be redacted like the secret itself: a
 * proxy's log lower- or upper-cases it (secrets of 16 characters and more),
 * a gateway that read it from a query URL-encodes it, and one that reports the `Authorization:
 * Basic` it built quotes it in base64 inside `user:key`. For base64 (and base64url) the forms are
 * the characters that encode the secret's bytes alone, at each of the three byte offsets it can
 * start at, whatever surrounds it; the one or two characters at each end mix in its neighbours'
 * bits and stay (at most 12 bits of the key, as the `[redacted]` of a cut key leaves none).
 * Forms shorter than the key rule's minimum are left out. Made once per secret, when the list
 * learns it: redaction then searches a few more strings (each `includes` is a linear scan).
 * @internal
 */
export function secretForms(secret: string): string[] {
  const forms = [secret, encodeURIComponent(secret)];
  if (secret.length >= MIN_FOLDED_LENGTH) forms.push(secret.toLowerCase(), secret.toUpperCase());
  // Its UTF-8 bytes as a binary string, what `btoa` encodes (a loop: a spread of a huge secret's
  // bytes would pass the arguments limit).
  let bytes = '';
  for (const byte of new TextEncoder().encode(secret)) bytes += String.fromCharCode(byte);
  for (let offset = 0; offset < 3; offset++) {
    // `offset` bytes before it: 4 characters per 3 bytes, its own from the first that starts at or
    // after its first byte to the last that ends at or before its last.
    const own = btoa('\0'.repeat(offset) + bytes).slice(
      Math.ceil((offset * 4) / 3),
      Math.floor(((offset + bytes.length) * 4) / 3),
    );
    forms.push(own, own.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...new Set(forms)].filter((form) => form.length >= MIN_KEY_LENGTH);
}
