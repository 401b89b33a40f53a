import { describeThrown } from '../../shared/describe-thrown.ts';
import { untilAborted } from '../../shared/until-aborted.ts';
import type { ByteReader, ByteReadResult } from '../../streaming/byte-reader.ts';
import { readReaderText } from './read-reader-text.ts';
import { REDIRECT_MODE } from './redirect-mode.ts';
import type { RequestSignal, Transport, TransportRequest, TransportResponse } from './transport.ts';

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
        // statusError (attempts/status-error.ts) refuses the 3xx that comes back.
        redirect: REDIRECT_MODE,
      };
      // A Uint8Array (an upload chunk) is a valid BodyInit; lib.dom's generic Uint8Array type lags.
      if (request.body !== undefined) init.body = request.body as BodyInit;
      // Promise.resolve: a custom fetch may return its Response as it is, not in a promise.
      const sent = Promise.resolve<unknown>((fetch ?? globalThis.fetch)(request.url, init));
      // Rejects with the signal's reason as soon as it aborts; a response that comes after that
      // has its body cancelled, so the connection is let go.
      const response = await untilAborted(sent, request.signal, () => {
        sent.then(cancelBody, ignore);
      });
      checkResponse(response);
      return new FetchResponse(response, request.signal);
    },
  };
}

/*
 * Why the attempt's own signal ends the wait and the body, and not only fetch's: Node's fetch
 * (undici) follows the signal it is given through a WeakRef to the Request's own controller
 * (lib/web/fetch/request.js; nodejs/node#55428, fixed upstream by nodejs/undici#4984). Once that
 * Request is garbage-collected, which a full GC does while a slow body drips in (at once for an
 * injected fetch that makes its own Request, or msw's copy), aborting the signal no longer
 * reaches the fetch: the time limit fired and a read of the body waited forever. The attempt
 * signal is held strongly for as long as the attempt lives (its timer holds it), and its
 * listeners here settle the wait and cancel the body, which ends the fetch.
 */

function cancelBody(response: unknown): void {
  const body = (response as { body?: ReadableStream | null } | null)?.body;
  if (body != null && !body.locked) body.cancel().catch(ignore);
}

function ignore(): void {}

/** A fetch `Response` seen through {@link TransportResponse}. */
class FetchResponse implements TransportResponse {
  readonly #response: Response;
  readonly #signal: RequestSignal;
  constructor(response: Response, signal: RequestSignal) {
    this.#response = response;
    this.#signal = signal;
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
  /** Read through {@link reader}, not `response.text()`, so the attempt's signal can end it. */
  text(): Promise<string> {
    const reader = this.reader();
    return reader === undefined ? this.#response.text() : readReaderText(reader);
  }
  reader(watched?: boolean): ByteReader | undefined {
    const body = this.#response.body as ReadableStream<Uint8Array> | null | undefined;
    if (body == null) return undefined;
    // Watched (the stream's parser, which cancels on the attempt's abort itself): no listener and
    // no promise a read on top, which `d5ff9c8` did not pay either. 1.3-1.4 us less CPU a 4-chunk
    // body (paired median of 40 ABBA rounds, load 34-42; helper stream-path, bench/RESULTS.md).
    const reader = body.getReader();
    return watched ? reader : new SignalledReader(reader, this.#signal);
  }
}

/**
 * A fetch body's reader that the attempt's signal cancels (see {@link untilAborted} for why
 * fetch's own signal is not enough): a pending read then settles, and rejects with the signal's
 * reason, as it would had fetch seen the abort.
 */
class SignalledReader implements ByteReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #signal: RequestSignal;
  readonly #onAbort = (): void => {
    this.#reader.cancel(this.#signal.reason).catch(ignore);
  };
  readonly #settle = (result: ByteReadResult): ByteReadResult => {
    if (result.done) {
      this.#signal.removeEventListener('abort', this.#onAbort);
      // Cancelled by the abort: the read ended because of it, not because the body did.
      this.#signal.throwIfAborted();
    }
    return result;
  };

  constructor(reader: ReadableStreamDefaultReader<Uint8Array>, signal: RequestSignal) {
    this.#reader = reader;
    this.#signal = signal;
    if (signal.aborted) this.#onAbort();
    else signal.addEventListener('abort', this.#onAbort);
  }

  read(): Promise<ByteReadResult> {
    return this.#reader.read().then(this.#settle);
  }

  cancel(reason?: unknown): Promise<void> {
    this.#signal.removeEventListener('abort', this.#onAbort);
    return this.#reader.cancel(reason);
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
