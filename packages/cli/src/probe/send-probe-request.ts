import type { CheckedProbeOptions } from './check-probe-options.ts';
import type { ProbeAuth } from './probe-types.ts';
import { readBoundedBody } from './read-bounded-body.ts';
import type { Answer } from './read-probe-answer.ts';

/**
 * One POST of the probe, read whole within its bounds: `timeoutMs` for the whole answer (headers
 * and body), `maxAnswerBytes` for its body. A network failure or a bound crossed comes back as an
 * answer with status 0 and a `failure` that names the bound. The body and the failure are
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
  const timedOut = `no complete answer within ${options.timeoutMs} ms (timeoutMs, the body included)`;
  try {
    const response = await fetch(`${options.baseUrl}/${options.apiVersion}/${path}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal,
      redirect: 'error',
    });
    const read = await readBoundedBody(response, { maxBytes: options.maxAnswerBytes, signal });
    if (read.failure !== undefined) {
      options.signal?.throwIfAborted();
      return failed(
        read.failure === 'timed-out'
          ? timedOut
          : `the answer passed ${options.maxAnswerBytes} bytes (maxAnswerBytes); the probe stopped reading it`,
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
    };
  } catch (error) {
    options.signal?.throwIfAborted();
    if (timeout.aborted) return failed(timedOut);
    // fetch errors can quote the URL or a header a gateway echoed: redacted like the body.
    return failed(redact(error instanceof Error ? error.message : String(error)));
  }
}

function failed(failure: string): Answer {
  return {
    status: 0,
    contentType: '',
    headers: new Headers(),
    text: '',
    json: undefined,
    failure,
  };
}
