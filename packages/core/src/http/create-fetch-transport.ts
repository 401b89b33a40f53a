import { describeThrown } from '../errors/describe-thrown.ts';
import type { ByteReader } from '../streaming/byte-reader.ts';
import { REDIRECT_MODE } from './redirect-mode.ts';
import type { Transport, TransportRequest, TransportResponse } from './transport.ts';

/**
 * What a custom `fetch` resolved to when it is not a usable Response; the client turns it into an
 * `ApiCallError` naming the `fetch` option.
 * @internal
 */
export class InvalidFetchResponse extends Error {
  override readonly name = 'InvalidFetchResponse';
  readonly status: number | undefined;
  constructor(problem: string, status: number | undefined) {
    super(problem);
    this.status = status;
  }
}

/**
 * The `fetch` transport: `fetch` (or `globalThis.fetch`, looked up at every request, so a spy or
 * msw installed after `createGemini` still applies) with redirects refused.
 * @internal
 */
export function createFetchTransport(fetch: typeof globalThis.fetch | undefined): Transport {
  return {
    name: 'fetch',
    async send(request: TransportRequest): Promise<TransportResponse> {
      const init: RequestInit = {
        method: request.method,
        headers: request.headers,
        signal: request.signal.signal,
        // fetch strips Authorization on a cross-origin redirect but not x-goog-api-key: following
        // one would hand the key to whatever host the Location names. The API never redirects.
        // 'error' rather than 'manual': Node's fetch clones every request (and tees its body)
        // unless the mode is 'error', which cost 45 to 90 us per request over loopback (measured
        // on Node 20.20). Cloudflare Workers reject 'error': 'manual' there (REDIRECT_MODE), and
        // sendRequest refuses the 3xx that comes back.
        redirect: REDIRECT_MODE,
      };
      if (request.body !== undefined) init.body = request.body;
      const response: unknown = await (fetch ?? globalThis.fetch)(request.url, init);
      checkResponse(response);
      return new FetchResponse(response);
    },
  };
}

/** A fetch `Response` seen through {@link TransportResponse}. */
class FetchResponse implements TransportResponse {
  readonly #response: Response;
  constructor(response: Response) {
    this.#response = response;
  }
  get status(): number {
    return this.#response.status;
  }
  get headers(): Headers {
    return this.#response.headers;
  }
  get isOpaqueRedirect(): boolean {
    return this.#response.type === 'opaqueredirect';
  }
  header(name: string): string | null {
    // A custom fetch may return plain-object headers: then none is trusted.
    const headers = this.#response.headers as Headers | Record<string, string>;
    return typeof headers.get === 'function' ? (headers as Headers).get(name) : null;
  }
  text(): Promise<string> {
    return this.#response.text();
  }
  reader(): ByteReader | undefined {
    return (this.#response.body as ReadableStream<Uint8Array> | null | undefined)?.getReader();
  }
}

/**
 * A custom `fetch` (a polyfill, a test double, a wrapper) must resolve to a Response with an
 * unread body; anything else fails here, instead of as a TypeError deep in the body reading,
 * reported as a network failure.
 */
function checkResponse(response: unknown): asserts response is Response {
  const candidate = response as Partial<Response> | null | undefined;
  const isResponse =
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.status === 'number' &&
    typeof candidate.ok === 'boolean' &&
    typeof candidate.text === 'function' &&
    typeof candidate.headers === 'object' &&
    candidate.headers !== null;
  let problem: string | undefined;
  if (!isResponse) {
    const got =
      typeof response === 'object' && response !== null
        ? 'an object that is not a Response'
        : describeThrown(response);
    problem = `the fetch function resolved to ${got}, not a Response. Pass a fetch with the signature of globalThis.fetch (or leave the fetch option out)`;
  } else if (candidate.bodyUsed === true || candidate.body?.locked === true) {
    problem =
      'the fetch function returned a Response whose body was already read or locked. Return a new Response for every call';
  }
  if (problem !== undefined) {
    throw new InvalidFetchResponse(problem, isResponse ? candidate.status : undefined);
  }
}
