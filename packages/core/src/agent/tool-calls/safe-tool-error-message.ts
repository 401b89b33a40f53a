import { GemloopError } from '../../errors/gemloop-error.ts';
import { describeThrown } from '../../shared/describe-thrown.ts';

/**
 * The longest text of a thrown tool error the model gets by default; longer ones are cut (a tool
 * may throw a whole upstream error page).
 */
export const MAX_TOOL_ERROR_MESSAGE_LENGTH = 1_000;

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
// (`reach 10.0.0.5.`, attack16), not before `.` and more (`1.2.3.4.5`, `db:5432.json`).
const IP_ADDRESS = /(?<![\w.])(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:.]+\])(?::\d{1,5})?(?!\.?\w)/gi;
// A host name whatever its shape, after the words that name one: Node's failed DNS lookup
// (`getaddrinfo ENOTFOUND db-primary`, `querySrv ENOTFOUND _mongodb._tcp.x.internal`, attack16);
// Java's `UnknownHostException: db.internal`; Go's `lookup db.internal on ...` and `lookup db:`
// (a name then `:` or ` on `, so `lookup is not a function` stays; an alternative of its own:
// inside the lookbehind, V8 tried the lookahead first at every position, quadratic);
// Python's `host='db.internal'`, MySQL's `host 'db'`, urllib3's `Failed to resolve 'db'`;
// libpq's `server at "db"` and `host name "db"`; Node's TLS check (`Host: db.internal. is not in
// the cert's altnames: DNS:*.corp`, `cert's CN: db`); ADO.NET's `Server=tcp:db,1433` and
// `Data Source=db` (attack17, attack20). And a credential the tool held, after the word that
// names it and `=` or `:` (attack20; an alternative here, not a pattern of its own: 30 B less of
// the agent app, for a `<host>` where `[redacted]` would read better): a connection string's
// `Password=`/`Pwd=`, libpq's `password=`, Azure's `AccountKey=`/`SharedAccessKey=`,
// `x-goog-api-key: AIza...`, `aws_secret_access_key=`, `token=`, a `Bearer` token. The client
// redacts the keys it knows; these it never saw. The word alone stays (`token expired`). Without
// its last `:` or `.`: the sentence's.
const NAMED_HOST =
  /(?<=(?:addrinfo|query\w+) E[A-Z_]+ |UnknownHostException: |host(?: name)?[= ]?['"]|resolve '|server at "|Host: |DNS:|CN: |Server=|Source=|(?:[Pp]ass|[Pp]wd|[Kk]ey|[Tt]oken)\w*[=:] ?|Bearer )[^\s"'<>(),;]*[^\s"'<>(),;:.]|(?<=lookup )[\w.-]+(?=:| on )/g;
// A host name with a port (`weather.internal:8443`, `localhost:5432`). A dotted name without a
// port is kept: it cannot be told from a file or field name (`config.json`, `result.handler`).
const HOST_AND_PORT = /(?<![\w.-])(?:localhost|[a-z0-9-]+(?:\.[a-z0-9-]+)+):\d{1,5}(?!\.?\w)/gi;

/**
 * Removes what a tool's error may tell about the machine it ran on: URLs, absolute paths (Windows
 * shares too), IP addresses, `host:port` pairs, `user:password@host` and host names the words
 * before them name (`UnknownHostException: db`, `lookup db`, `host='db'`, TLS altnames) become
 * `<url>`, `<path>`, `<host>`. The error's own words stay
 * (`ECONNREFUSED`, `upstream weather API down`), so the model can still decide what to do.
 * @internal
 */
export function redactLocalDetails(text: string): string {
  return text
    .replace(URL_PATTERN, '<url>')
    .replace(CREDENTIALS_AT_HOST, '<host>')
    .replace(WINDOWS_PATH, '<path>')
    .replace(POSIX_PATH, '<path>')
    .replace(IPV6_ADDRESS, '<host>')
    .replace(IP_ADDRESS, '<host>')
    .replace(HOST_AND_PORT, '<host>')
    .replace(NAMED_HOST, '<host>');
}

/**
 * The message the model gets by default for a tool that threw: `<tool> failed: <Class>: <message>`
 * (the class only when it is not plain `Error` nor one of gemloop's errors, whose messages the
 * ready-made tools and MCP servers write for the model already), never the stack or the cause chain, with URLs,
 * absolute paths, IP addresses and `host:port` pairs redacted (`redactLocalDetails`) and the
 * text cut at {@link MAX_TOOL_ERROR_MESSAGE_LENGTH}. Before this default the message went to the
 * model word for word, internal host names included (issue 32).
 *
 * Replace it with the guardrails' `onToolError`, which may call this for the cases it leaves.
 */
export function safeToolErrorMessage(toolName: string, error: unknown): string {
  let text = describeThrown(error);
  const name = errorClassOf(error);
  if (name !== undefined && name !== 'Error' && !text.startsWith(name)) text = `${name}: ${text}`;
  text = redactLocalDetails(text);
  if (text.length > MAX_TOOL_ERROR_MESSAGE_LENGTH)
    // Without a first half of an emoji left at the cut: Gemini's JSON reader (and a span
    // exporter's) refuses a lone surrogate.
    text = `${text.slice(0, MAX_TOOL_ERROR_MESSAGE_LENGTH).replace(/[\ud800-\udbff]$/, '')}...`;
  return `${toolName} failed: ${text}`;
}

function errorClassOf(error: unknown): string | undefined {
  try {
    if (!(error instanceof Error) || GemloopError.isInstance(error)) return undefined;
    const name = error.name;
    return typeof name === 'string' && /^[A-Za-z_$][\w$]{0,63}$/.test(name) ? name : undefined;
  } catch {
    // A getter that throws: no class shown.
    return undefined;
  }
}
