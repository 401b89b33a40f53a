import type { ByteReader } from '../../streaming/byte-reader.ts';
import type { AbortSignalLike } from '../../streaming/parse-generate-content-stream.ts';

/**
 * How the client sends its HTTP requests: `'fetch'` (`globalThis.fetch`, or the `fetch` option),
 * `'node'` (undici's `request` API on a keep-alive pool, Node only), or `'auto'`: `'node'` on Node
 * unless `fetch` is injected, patched (msw, a spy) or configured (a global undici dispatcher),
 * else `'fetch'`.
 */
export type TransportOption = 'auto' | 'fetch' | 'node';

/** One HTTP request, as every transport receives it. @internal */
export type TransportRequest = {
  url: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  headers: Record<string, string>;
  /** JSON text, or raw bytes (a Files API upload chunk). */
  body?: string | Uint8Array | undefined;
  /** Aborting it ends the request, or the reading of its body, with `signal.reason`. */
  signal: RequestSignal;
};

/**
 * The abort signal of a request: the attempt's. Enough of an `AbortSignal` for undici's request
 * API (it adds one `abort` listener), which the node transport passes as it is; `signal` is a real
 * `AbortSignal` following it, made on first use, for `fetch`.
 * @internal
 */
export type RequestSignal = AbortSignalLike & { readonly signal: AbortSignal };

/**
 * A response with its body unread: status, headers and two ways to read the body (take one).
 * @internal
 */
export type TransportResponse = {
  readonly status: number;
  /**
   * The headers, for errors and `onResponse` (the node transport builds them on first use; the
   * client's own reads go through {@link TransportResponse.header}).
   */
  readonly headers: Headers;
  /** One header by its lower-case name, `null` when absent. */
  header(name: string): string | null;
  /** A browser fetch's opaque redirect (`redirect: 'manual'`, status 0). */
  readonly isOpaqueRedirect: boolean;
  /** The whole body as UTF-8 text. */
  text(): Promise<string>;
  /**
   * The body a read at a time; `undefined` when there is no stream (a stand-in Response). A read
   * settles when the request's signal aborts, unless `watched`: the caller cancels the reader
   * itself on that abort and checks the signal after each read (the stream parser with
   * `watchAbort`), so the fetch transport hands over the body's own reader.
   */
  reader(watched?: boolean): ByteReader | undefined;
};

/**
 * Sends one request and resolves when the response headers arrive. Rejections are left as they
 * are (the caller classifies abort, time-out and network failures).
 * @internal
 */
export type Transport = {
  readonly name: 'fetch' | 'node';
  send(request: TransportRequest): Promise<TransportResponse>;
};
