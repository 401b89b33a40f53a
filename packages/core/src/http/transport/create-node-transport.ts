import { type Duplex, pipeline, type Readable } from 'node:stream';
import type { Agent, Dispatcher } from 'undici';
import type { ByteReader, ByteReadResult } from '../../streaming/byte-reader.ts';
import { readReaderText } from './read-reader-text.ts';
import { RefusedResponse } from './refused-response.ts';
import type { Transport, TransportRequest, TransportResponse } from './transport.ts';

/** What the node transport uses of undici: its keep-alive `Agent` and its `request` API. */
export type UndiciParts = {
  Agent: new (options: Agent.Options) => Dispatcher;
  /** `Dispatcher.prototype.request`, called with the dispatcher as `this`. */
  request: (
    this: Dispatcher,
    options: Dispatcher.RequestOptions,
  ) => Promise<Dispatcher.ResponseData>;
  /** Where they came from: undici's own files, or its package root (the fallback). */
  from: 'files' | 'package root';
};

// Variables, not literals: a bundler follows the literal fallback below (the package root) and
// leaves these alone; TypeScript has no types for undici's files, only for its root.
const AGENT_MODULE = 'undici/lib/dispatcher/agent.js';
const REQUEST_MODULE = 'undici/lib/api/api-request.js';

/**
 * Loads the two parts of undici the transport uses from their own files: 25 modules, where the
 * package root loads 110 (fetch, WebSocket, caches, mocks, interceptors) for 126 ms against 47 ms
 * and 22 MB of RSS against 12.5 MB on Node 20 (measured here; see bench/README.md). When an
 * undici release moves those files, the package root is loaded instead, so a newer undici still
 * works (a test checks that the files load from the undici this package installs).
 * @internal
 */
export async function loadUndici(): Promise<UndiciParts> {
  try {
    const [agent, api] = await Promise.all([import(AGENT_MODULE), import(REQUEST_MODULE)]);
    const parts = { Agent: agent.default, request: api.default, from: 'files' } as UndiciParts;
    if (typeof parts.Agent === 'function' && typeof parts.request === 'function') return parts;
  } catch {
    // Fall through to the package root.
  }
  return loadUndiciRoot();
}

/** The same parts from undici's package root (what {@link loadUndici} falls back to). @internal */
export async function loadUndiciRoot(): Promise<UndiciParts> {
  const undici = await import('undici');
  return {
    Agent: undici.Agent,
    request: undici.Dispatcher.prototype.request as UndiciParts['request'],
    from: 'package root',
  };
}

// why (pool): one keep-alive connection pool per process, as Node's fetch shares its global one; no
// run data.
/**
 * The dispatcher of every client that uses the node transport: one keep-alive pool per origin,
 * shared as Node's fetch shares its global one. No time limits of its own (0): every attempt
 * already has its own (`timeoutMs`, per attempt and between chunks), and a stream's consumer may
 * hold a chunk as long as it likes. Its idle sockets do not keep the process alive.
 */
let shared: Dispatcher | undefined;

/**
 * The node transport: undici's `request` API on a keep-alive pool. It never follows a redirect
 * (a 3xx comes back as a response, which the client refuses), so the key never goes to another
 * host. Over loopback it costs a fraction of `fetch`: no `Request`/`Response` objects, no
 * WHATWG streams, no per-request signal bookkeeping held until a full GC.
 *
 * Loaded only by dynamic `import()` (from `select-transport.ts`), with undici's parts from
 * {@link loadUndici}, so importing `@gemloop/core` neither loads undici nor needs Node.
 * @internal
 */
export function createNodeTransport(
  undici: UndiciParts,
  {
    dispatcher,
  }: {
    /** Another dispatcher than the shared pool (tests route requests to a local server). */
    dispatcher?: Dispatcher | undefined;
  } = {},
): Transport {
  const { request } = undici;
  if (dispatcher === undefined) shared ??= new undici.Agent({ headersTimeout: 0, bodyTimeout: 0 });
  const target = dispatcher ?? (shared as Dispatcher);
  // A client sends to a handful of URLs, an agent to one: the last split is kept.
  let lastUrl = '';
  let last = { origin: '', path: '/' };
  return {
    name: 'node',
    async send(transportRequest: TransportRequest): Promise<TransportResponse> {
      if (transportRequest.url !== lastUrl) {
        last = splitUrl(transportRequest.url);
        lastUrl = transportRequest.url;
      }
      const { origin, path } = last;
      const response = await request.call(target, {
        origin,
        path,
        method: transportRequest.method,
        headers: transportRequest.headers,
        body: transportRequest.body ?? null,
        signal: transportRequest.signal,
      });
      // A body that fails or is destroyed while no one reads it emits 'error': with no listener
      // that would be an uncaught exception. Readers see the failure through their own read.
      response.body.on('error', ignore);
      const encoding = response.headers['content-encoding'];
      const body =
        encoding === undefined
          ? response.body
          : await decodeBody(response.body, encoding, response.statusCode);
      return new NodeResponse(response.statusCode, response.headers, body);
    },
  };
}

function ignore(): void {}

type Zlib = typeof import('node:zlib');

// why (lazy): node:zlib loaded by the first compressed response.
/** node:zlib, loaded by the first compressed response (most never see one). */
let zlib: Promise<Zlib> | undefined;

/**
 * A `content-encoding` body decoded as fetch would decode it, whatever was asked: undici's
 * request API hands over the bytes as sent, and a gateway or proxy may compress regardless of
 * `accept-encoding` (the transport asks for none). gzip (`x-gzip`), deflate (the zlib format, RFC
 * 9110 8.4.1.2) and br, each with node:zlib's streaming decoder, in the reverse order of the
 * header (the last one listed was applied last); `identity` is no coding, and more than
 * {@link MAX_CODINGS} are refused, as fetch refuses them. The decoders respect
 * backpressure (a read takes what they have made), so a body that expands enormously is read
 * only as far as the caller's byte cap, which counts the decoded bytes: a gzip bomb meets the
 * cap, not the heap. `pipeline` ties them together: destroying the last (a cancel) destroys the
 * socket's body, releasing the connection, and a failure of either ends the other.
 */
async function decodeBody(
  body: Body,
  header: string | string[],
  status: number,
): Promise<Readable> {
  const codings = (Array.isArray(header) ? header.join(',') : header)
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  if (codings.length === 0) return body;
  if (codings.length > MAX_CODINGS) {
    body.destroy();
    throw new RefusedResponse(
      `the response lists ${codings.length} content-codings in its content-encoding header, more than the ${MAX_CODINGS} gemloop decodes (as Node's fetch and curl, each coding being a decoder of its own), so it was not read. Have the proxy or gateway compress its answer once, or not at all`,
      status,
    );
  }
  const unknown = codings.find((coding) => !(coding in DECODERS));
  if (unknown !== undefined) {
    body.destroy();
    throw new RefusedResponse(
      `the response is encoded with ${unknown} (content-encoding: ${String(header)}), which gemloop does not decode (it decodes gzip, deflate and br). It asks for no compression: remove the accept-encoding header you set, or have the proxy send gzip or no encoding`,
      status,
    );
  }
  zlib ??= import('node:zlib');
  const loaded = await zlib;
  const decoders = codings.reverse().map((coding) => DECODERS[coding as Coding](loaded));
  for (const decoder of decoders) decoder.on('error', ignore);
  return pipeline([body, ...decoders], ignore) as unknown as Readable;
}

/**
 * The most content-codings a response may list: one decoder each, and a header lists 3,000 in
 * 15 KB (the call spent its whole time limit building and running them, attack62b). Five, as
 * undici's fetch (`maxContentEncodings`) and curl (CVE-2022-32206) allow.
 */
const MAX_CODINGS = 5;

type Coding = 'gzip' | 'x-gzip' | 'deflate' | 'br';

// As lenient as fetch (undici's lib/web/fetch decodes gzip with these, after cURL): a slightly
// invalid ending that browsers accept is accepted. A body cut short is still caught: undici's
// own body fails when the connection ends before the response does.
const lenient = (loaded: Zlib) => ({
  flush: loaded.constants.Z_SYNC_FLUSH,
  finishFlush: loaded.constants.Z_SYNC_FLUSH,
});

const DECODERS: Record<Coding, (zlib: Zlib) => Duplex> = {
  gzip: (loaded) => loaded.createGunzip(lenient(loaded)),
  'x-gzip': (loaded) => loaded.createGunzip(lenient(loaded)),
  deflate: (loaded) => loaded.createInflate(lenient(loaded)),
  br: (loaded) => loaded.createBrotliDecompress(),
};

/** `https://host:port` and `/path?query` of an absolute URL (the client only makes those). */
function splitUrl(url: string): { origin: string; path: string } {
  const slash = url.indexOf('/', url.indexOf('//') + 2);
  if (slash === -1) return { origin: url, path: '/' };
  return { origin: url.slice(0, slash), path: url.slice(slash) };
}

type RawHeaders = Dispatcher.ResponseData['headers'];
type Body = Dispatcher.ResponseData['body'];
/** What {@link NodeResponse} reads: undici's body, or a decoder of it (see `decodeBody`). */
type BodyStream = Body | Readable;

/** undici's response seen through {@link TransportResponse}. */
class NodeResponse implements TransportResponse {
  readonly status: number;
  readonly isOpaqueRedirect = false;
  readonly #raw: RawHeaders;
  readonly #body: BodyStream;
  #headers: Headers | undefined;

  constructor(status: number, headers: RawHeaders, body: BodyStream) {
    this.status = status;
    this.#raw = headers;
    this.#body = body;
  }

  /** Built on first use (errors, `onResponse`): names are already lower-case. */
  get headers(): Headers {
    if (this.#headers === undefined) {
      const headers = new Headers();
      for (const [name, value] of Object.entries(this.#raw)) {
        if (value === undefined) continue;
        if (typeof value === 'string') headers.append(name, value);
        else for (const item of value) headers.append(name, item);
      }
      this.#headers = headers;
    }
    return this.#headers;
  }

  header(name: string): string | null {
    const value = this.#raw[name];
    if (value === undefined) return null;
    return typeof value === 'string' ? value : value.join(', ');
  }

  text(): Promise<string> {
    // Not undici's `body.text()`: it keeps every chunk undici hands over (a socket read each), a
    // million for a gateway that sends its answer a byte at a time; readReaderText joins them as
    // they come (and BodyReader takes all a body has buffered at each read).
    return readReaderText(new BodyReader(this.#body));
  }

  reader(): ByteReader {
    return new BodyReader(this.#body);
  }
}

type Pending = {
  resolve: (result: ByteReadResult) => void;
  reject: (error: unknown) => void;
};

const DONE: ByteReadResult = { done: true, value: undefined };

/**
 * undici's body as a {@link ByteReader}, read with `read()` on its `'readable'` event: each read
 * takes everything buffered since the last one. The body's async iterator did the same through a
 * generator, an end-of-stream watcher and four listeners per stream, 15 us of every streamed
 * step in the bench's profile. `cancel` destroys the body, which releases (closes) the
 * connection; a pending `read` then settles (rejected as a premature close, which the client
 * reports as the abort that caused it). A failure of the body (a reset connection) rejects the
 * pending and every later `read` with undici's error, as the iterator did.
 */
class BodyReader implements ByteReader {
  readonly #body: BodyStream;
  #pending: Pending | undefined = undefined;
  #ended = false;
  #failure: { error: unknown } | undefined = undefined;

  constructor(body: BodyStream) {
    this.#body = body;
    // A body can fail, end or be destroyed before anyone reads it (a reset while the reader was
    // still being set up): its events are gone then, its state is not.
    if (body.errored !== null) this.#failure = { error: body.errored };
    else if (body.readableEnded) this.#ended = true;
    else if (body.destroyed) this.#failure = { error: prematureClose() };
    body.on('readable', this.#onReadable);
    body.on('end', this.#onEnd);
    body.on('error', this.#onError);
    body.on('close', this.#onClose);
  }

  read(): Promise<ByteReadResult> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure.error);
    const chunk = this.#take();
    if (chunk !== null) return Promise.resolve({ done: false, value: chunk });
    if (this.#ended) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
    });
  }

  cancel(): Promise<void> {
    if (!this.#body.destroyed) this.#body.destroy();
    return Promise.resolve();
  }

  /** What the body has buffered, or null (also once it was destroyed). */
  #take(): Buffer | null {
    const body = this.#body;
    return body.destroyed ? null : (body.read() as Buffer | null);
  }

  readonly #onReadable = (): void => {
    const pending = this.#pending;
    if (pending === undefined) return;
    const chunk = this.#take();
    if (chunk === null) return;
    this.#pending = undefined;
    pending.resolve({ done: false, value: chunk });
  };

  readonly #onEnd = (): void => {
    this.#ended = true;
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.resolve(DONE);
  };

  readonly #onError = (error: unknown): void => {
    this.#fail(error);
  };

  readonly #onClose = (): void => {
    // Closed before its end and without an error: destroyed (cancelled, or aborted).
    if (this.#ended || this.#failure !== undefined) return;
    this.#fail(prematureClose());
  };

  #fail(error: unknown): void {
    if (this.#failure !== undefined) return;
    this.#failure = { error };
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(error);
  }
}

/** What Node's own stream utilities reject with for a stream closed before its end. */
function prematureClose(): Error {
  const error = new Error('Premature close') as Error & { code: string };
  error.code = 'ERR_STREAM_PREMATURE_CLOSE';
  return error;
}
