import { ApiCallError, ResponseTooLargeError } from '@gemloop/core/errors';
import {
  capResponseBody,
  checkHeaders,
  isRedirectResponse,
  redirectTarget,
} from '@gemloop/core/internal';
import type { A2AAgentOptions } from './a2a-agent-options.ts';
import { A2ACardUrlError } from './a2a-card-url-error.ts';

/**
 * The most bytes of one answer by default: 16 MiB. Gemini's largest context window is 1,048,576
 * tokens, about 4 MB of text (https://ai.google.dev/gemini-api/docs/models, "Input token
 * limit"; https://ai.google.dev/gemini-api/docs/tokens: a token is about four characters), so an
 * answer four times that could not be handed on to the parent model whole.
 */
const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/**
 * The fetch every request of an `a2aAgent` (its card and its JSON-RPC calls) goes through: to
 * the remote's own origin and those `allowCardOrigins` allows only, with the `headers` option,
 * never following a redirect, and with each answer capped at `maxResponseBytes`.
 * @throws {@link InvalidArgumentError} for a record of `headers` Headers would refuse.
 */
export function createA2AFetch(options: A2AAgentOptions): typeof fetch {
  const { name, url } = options;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const baseFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  // The calls go to the remote's own origin only (and those the user allows). Its card names
  // where the JSON-RPC calls go, and a card (a compromised remote, a poisoned cache) that named
  // another host had this server call it, credentials and all: an internal address, say.
  const origin = new URL(url).origin;
  const allowed = new Set([origin, ...(options.allowCardOrigins ?? []).map(originOf)]);
  // Checked here (a record) or per request (a function), never echoing a value: a value Headers
  // refuses (a line break inside a token read from a file) threw undici's TypeError, which
  // quotes the value, token and all, into the tool error the model, the spans and the
  // recording get (attack17).
  const headersOption = options.headers;
  const fixedHeaders =
    typeof headersOption === 'function' ? undefined : checkHeaders(headersOption, 'headers');
  const fetchImpl: typeof fetch = async (input, init) => {
    const target = input instanceof Request ? input.url : String(input);
    if (!allowed.has(originOf(target))) {
      throw new A2ACardUrlError({ agent: name, cardUrl: target, origin });
    }
    const extra =
      typeof headersOption === 'function'
        ? checkHeaders(await headersOption(), 'headers')
        : fixedHeaders;
    const headers = new Headers(init?.headers);
    for (const [key, value] of Object.entries(extra ?? {})) headers.set(key, value);
    // The SDK reads a unary answer whole (`response.json()`) and bounds a stream's events, not the
    // stream: every response is counted, so a remote that answers without end costs the cap.
    // Never followed: fetch drops only `Authorization` on a redirect to another origin
    // (https://fetch.spec.whatwg.org/#http-redirect-fetch), so the rest of `headers` went on to
    // whatever host the Location named, past the origins allowed above (attack12).
    const response = await baseFetch(input, { ...init, headers, redirect: 'manual' });
    if (isRedirectResponse(response)) {
      await response.body?.cancel().catch(() => {});
      throw redirectError(response, target, name);
    }
    return capResponseBody(response, {
      maxBytes,
      tooLarge: (receivedBytes) => {
        const method = methodOf(init?.body);
        return new ResponseTooLargeError({
          message: `The remote A2A agent ${name} (${origin}) answered ${method === undefined ? 'its card' : method} with more than ${maxBytes} bytes: the rest was not read. Raise maxResponseBytes in a2aAgent if its answers are genuinely that large.`,
          url: `${origin}${new URL(target).pathname}`,
          method: `a2a ${method ?? 'agent card'}`,
          status: response.status,
          maxBytes,
          receivedBytes,
        });
      },
    });
  };
  return fetchImpl;
}

/** The JSON-RPC method of a request body the SDK made, or `undefined` (a card's `GET`). */
function methodOf(body: unknown): string | undefined {
  if (typeof body !== 'string') return undefined;
  try {
    const method = (JSON.parse(body) as { method?: unknown }).method;
    return typeof method === 'string' ? method.slice(0, 64) : undefined;
  } catch {
    return undefined;
  }
}

/** The origin of `url`; `undefined` for a URL that does not parse. */
function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** A redirect, refused: where it pointed (origin and path; the query may hold a token). */
function redirectError(response: Response, target: string, agent: string): ApiCallError {
  const location = response.headers.get('location');
  const where = location === null ? 'another URL' : redirectTarget(location, target);
  const from = new URL(target);
  return new ApiCallError({
    message: `The remote A2A agent ${agent} answered HTTP ${response.status}, a redirect to ${where}. gemloop does not follow redirects, because your headers would go with it: use that address as url if you trust it.`,
    url: `${from.origin}${from.pathname}`,
    method: 'a2a',
    status: response.status,
    isRetryable: false,
  });
}
