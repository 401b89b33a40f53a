import type { CheckedProbeOptions } from './check-probe-options.ts';
import type { ProbeAuth } from './probe-types.ts';
import { readBoundedBody } from './read-bounded-body.ts';
import type { Answer } from './read-probe-answer.ts';

/**
 * One POST of the probe, read whole within its bounds: `timeoutMs` for the whole answer (headers
 * and body), `maxAnswerBytes` for its body. A network failure or a bound crossed comes back as an
 * answer with status 0 and a `failure` that names the bound (the time limit by `timeoutName`). The body and the failure are
 * redacted as soon as they are read (see `ProbeSanitizer.redact`).
 * @internal
 */
export async function sendProbeRequest(
  options: CheckedProbeOptions,
  redact: (text: string) => string,
  path: string,
  body: unknown,
  auth: ProbeAuth,
): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth === 'bearer') headers['authorization'] = `Bearer ${options.apiKey}`;
  else headers['x-goog-api-key'] = options.apiKey;
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal =
    options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout]);
  const fetch = options.fetch ?? globalThis.fetch;
  const timedOut = `no complete answer within ${options.timeoutMs} ms (${options.timeoutName}, the body included)`;
  try {
    const response = await fetch(`${options.baseUrl}/${options.apiVersion}/${path}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal,
      // Never followed (the key would go along to wherever it points), but read, so the line can
      // say where the gateway sends its clients.
      redirect: 'manual',
    });
    const redirect = redirectOf(response, redact);
    if (redirect !== undefined) {
      await response.body?.cancel().catch(() => {});
      return failed(redirect);
    }
    const read = await readBoundedBody(response, { maxBytes: options.maxAnswerBytes, signal });
    if (read.failure !== undefined) {
      options.signal?.throwIfAborted();
      return read.failure === 'timed-out'
        ? failed(timedOut, true)
        : failed(
            `the answer passed ${options.maxAnswerBytes} bytes (maxAnswerBytes); the probe stopped reading it`,
          );
    }
    const text = redact(read.text);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      headers: response.headers,
      text,
      json,
      failure: undefined,
      unanswered: false,
    };
  } catch (error) {
    options.signal?.throwIfAborted();
    if (timeout.aborted) return failed(timedOut, true);
    // fetch errors can quote the URL or a header a gateway echoed: redacted like the body.
    return failed(redact(fetchErrorText(error)), true);
  }
}

function failed(failure: string, unanswered = false): Answer {
  return {
    status: 0,
    contentType: '',
    headers: new Headers(),
    text: '',
    json: undefined,
    failure,
    unanswered,
  };
}

/** The longest redirect target a line quotes. */
const MAX_LOCATION_CHARS = 200;

/**
 * What a redirect answer says, or `undefined` for any other answer. Node's fetch gives a manual
 * redirect with its status and Location; a browser-like fetch gives an `opaqueredirect` without
 * either. The Location is redacted before it is clipped, so a key in it is never cut in half.
 */
function redirectOf(response: Response, redact: (text: string) => string): string | undefined {
  const advice =
    'the probe does not follow redirects, which would take the key along: if that is the gateway, give it as --base-url';
  if (response.type === 'opaqueredirect') return `redirected; ${advice}`;
  if (response.status < 300 || response.status > 399) return undefined;
  const header = response.headers.get('location');
  if (header === null) return undefined;
  const location = redact(header);
  const shown =
    location.length > MAX_LOCATION_CHARS ? `${location.slice(0, MAX_LOCATION_CHARS)}...` : location;
  return `redirected (HTTP ${response.status}) to ${shown}; ${advice}`;
}

/**
 * A fetch failure's message with its cause: Node's fetch says only "fetch failed", and the cause
 * (a refused or reset connection, an unknown host, a bad certificate) is what the user can fix.
 */
function fetchErrorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  const detail =
    cause instanceof Error
      ? cause.message || ((cause as { code?: unknown }).code as string | undefined)
      : undefined;
  return detail === undefined || detail === '' || detail === error.message
    ? error.message
    : `${error.message}: ${detail}`;
}
