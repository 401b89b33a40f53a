import { cutText, UNPRINTABLE } from '@gemloop/core/internal';

/**
 * The message of an error and of the causes it wraps (Node's `fetch failed` hides the reason in
 * `cause`), with error codes, e.g. `fetch failed: connect ECONNREFUSED 127.0.0.1:1 (ECONNREFUSED)`.
 * @internal
 */
export function describeErrorChain(error: unknown): string {
  const texts: string[] = [];
  let current: unknown = error;
  // Bounded: hand-made cause chains can be cyclic.
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    if (current instanceof Error) {
      const code = (current as { code?: unknown }).code;
      const codeText =
        typeof code === 'string' && !current.message.includes(code) ? ` (${code})` : '';
      const message = current.message;
      if (message !== '' && !texts.some((text) => text.includes(message))) {
        texts.push(`${message}${codeText}`);
      }
      current = current.cause;
    } else {
      texts.push(toText(current));
      break;
    }
  }
  return texts.join(': ') || 'unknown error';
}

/** `String(value)`, which throws for an object without a prototype or with a throwing toString. */
function toText(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * The first string `code` along the cause chain (`ENOENT`, `ECONNREFUSED`, ...).
 * @internal
 */
export function findErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { code, cause, errors } = current as {
      code?: unknown;
      cause?: unknown;
      errors?: unknown;
    };
    if (typeof code === 'string' && code !== '') return code;
    if (Array.isArray(errors) && errors.length > 0) {
      const inner = findErrorCode(errors[0]);
      if (inner !== undefined) return inner;
    }
    current = cause;
  }
  return undefined;
}

/**
 * `error` itself when its messages hold no secret and are not longer than
 * {@link MAX_MCP_ERROR_DETAIL_LENGTH}; otherwise a plain `Error` with the redacted message chain,
 * cut (and the same `name` and `code`), so neither a secret nor a server's megabytes leave
 * through `cause` (`GemloopError.toJSON` includes the cause's message).
 * @internal
 */
export function redactError(error: unknown, redact: (text: string) => string): unknown {
  const text = describeErrorChain(error);
  const redacted = boundErrorDetail(text, redact);
  if (redacted === text) return error;
  const copy = new Error(redacted);
  if (error instanceof Error) copy.name = error.name;
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== undefined) (copy as Error & { code?: unknown }).code = code;
  return copy;
}

/**
 * The most characters of a server's or a transport's error text an MCP error message quotes. A
 * server chooses its JSON-RPC error messages (and their causes), so one may send megabytes; the
 * message is read by the model, logged and shown in events, and 500 characters name any real
 * failure (a stack or an HTML error page is cut).
 */
export const MAX_MCP_ERROR_DETAIL_LENGTH = 500;

/**
 * `text` with the known secrets removed, then cut at `maxLength` characters (by default
 * {@link MAX_MCP_ERROR_DETAIL_LENGTH}; never inside an emoji) and marked as cut. Redacted before it is cut: a cut
 * through a secret would leave its first part, which `redact` no longer recognises.
 * @internal
 */
export function boundErrorDetail(
  text: string,
  redact: (text: string) => string,
  maxLength: number = MAX_MCP_ERROR_DETAIL_LENGTH,
): string {
  const redacted = redact(text);
  if (redacted.length <= maxLength) return redacted;
  return `${cutText(redacted, maxLength)} [... ${redacted.length - maxLength} more characters cut]`;
}

/**
 * `text` with control, line-breaking and bidi characters taken out, then redacted and cut as
 * {@link boundErrorDetail} does: for a detail that quotes the server's own words where a single
 * line is expected (a check naming a schema's property, its pattern, its `$ref`). @internal
 */
export function plainErrorDetail(text: string, redact: (text: string) => string): string {
  return boundErrorDetail(withoutControls(text), redact);
}

/** `text` without control, line-breaking and bidi characters. @internal */
export function withoutControls(text: string): string {
  return text.replace(UNPRINTABLE, '');
}

/** The most characters of a server's own name an error or a log line shows. @internal */
export const MAX_MCP_SERVER_NAME_LENGTH = 100;

/**
 * The most characters of an MCP tool's own name an error or a log line shows: the spec's names
 * are 1 to 128 characters (https://modelcontextprotocol.io/specification/2025-06-18/server/tools). @internal
 */
export const MAX_MCP_TOOL_NAME_LENGTH = 128;

/**
 * A server's own name (its `serverInfo.name`: the server's word) as errors and logs show it:
 * control, line-breaking and bidi characters taken out (they reached terminals and log lines
 * whole), the connection's secrets taken out (a server that names itself after the token in its
 * environment), at most {@link MAX_MCP_SERVER_NAME_LENGTH} characters. Taken out before the
 * secrets are, so a secret split by one is found whole. @internal
 */
export function plainServerName(name: string, redact: (text: string) => string): string {
  return plainServerText(name, redact, MAX_MCP_SERVER_NAME_LENGTH);
}

/**
 * A tool's name as the server listed it, as errors and logs show it: made plain as
 * {@link plainServerName} makes the server's, at most {@link MAX_MCP_TOOL_NAME_LENGTH} characters.
 * The server chooses it as it chooses its own name: a megabyte of it with terminal escapes went
 * whole into every error and `warn` line naming the tool (attack43b). Calls still use the name
 * the server listed. @internal
 */
export function plainToolName(name: string, redact: (text: string) => string): string {
  return plainServerText(name, redact, MAX_MCP_TOOL_NAME_LENGTH);
}

function plainServerText(
  text: string,
  redact: (text: string) => string,
  maxLength: number,
): string {
  const plain = redact(withoutControls(text)).trim();
  return plain.length <= maxLength ? plain : `${cutText(plain, maxLength)}…`;
}
