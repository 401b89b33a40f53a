import { Agent, type Dispatcher } from 'undici';
import type { ByteReader } from '../streaming/byte-reader.ts';
import type { Transport, TransportRequest, TransportResponse } from './transport.ts';

/**
 * The dispatcher of every client that uses the node transport: one keep-alive pool per origin,
 * shared as Node's fetch shares its global one. No time limits of its own (0): every attempt
 * already has its own (`timeoutMs`, per attempt and between chunks), and a stream's consumer may
 * hold a chunk as long as it likes. Its idle sockets do not keep the process alive.
 */
let shared: Agent | undefined;

function sharedAgent(): Agent {
  shared ??= new Agent({ headersTimeout: 0, bodyTimeout: 0 });
  return shared;
}

/**
 * The node transport: undici's `request` API on a keep-alive pool. It never follows a redirect
 * (a 3xx comes back as a response, which the client refuses), so the key never goes to another
 * host. Over loopback it costs a fraction of `fetch`: no `Request`/`Response` objects, no
 * WHATWG streams, no per-request signal bookkeeping held until a full GC.
 *
 * Loaded only by dynamic `import()` (from `select-transport.ts`), so importing `@gemloop/core`
 * neither loads undici nor needs Node.
 * @internal
 */
export function createNodeTransport({
  dispatcher,
}: {
  /** Another dispatcher than the shared pool (tests route requests to a local server). */
  dispatcher?: Dispatcher | undefined;
} = {}): Transport {
  return {
    name: 'node',
    async send(request: TransportRequest): Promise<TransportResponse> {
      const { origin, path } = splitUrl(request.url);
      const response = await (dispatcher ?? sharedAgent()).request({
        origin,
        path,
        method: request.method,
        headers: request.headers,
        body: request.body ?? null,
        signal: request.signal,
      });
      // A body that fails or is destroyed while no one reads it emits 'error': with no listener
      // that would be an uncaught exception. Readers see the failure through their own read.
      response.body.on('error', ignore);
      const encoding = response.headers['content-encoding'];
      if (encoding !== undefined && String(encoding).trim().toLowerCase() !== 'identity') {
        // undici's request API hands over the bytes as sent; fetch would decode them.
        response.body.destroy();
        throw new TypeError(
          `The response is compressed (content-encoding: ${String(encoding)}), which the node transport does not decode. It asks for no compression; remove the accept-encoding header you set, or use transport: 'fetch'.`,
        );
      }
      return new NodeResponse(response.statusCode, response.headers, response.body);
    },
  };
}

function ignore(): void {}

/** `https://host:port` and `/path?query` of an absolute URL (the client only makes those). */
function splitUrl(url: string): { origin: string; path: string } {
  const slash = url.indexOf('/', url.indexOf('//') + 2);
  if (slash === -1) return { origin: url, path: '/' };
  return { origin: url.slice(0, slash), path: url.slice(slash) };
}

type RawHeaders = Dispatcher.ResponseData['headers'];
type Body = Dispatcher.ResponseData['body'];

/** undici's response seen through {@link TransportResponse}. */
class NodeResponse implements TransportResponse {
  readonly status: number;
  readonly isOpaqueRedirect = false;
  readonly #raw: RawHeaders;
  readonly #body: Body;
  #headers: Headers | undefined;

  constructor(status: number, headers: RawHeaders, body: Body) {
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
    return this.#body.text();
  }

  reader(): ByteReader {
    return new BodyReader(this.#body);
  }
}

/**
 * The body's async iterator as a {@link ByteReader}. `cancel` destroys the body, which releases
 * (closes) the connection; a pending `read` then settles (done, or rejected as a premature close,
 * which the client reports as the abort that caused it).
 */
class BodyReader implements ByteReader {
  readonly #body: Body;
  readonly #iterator: AsyncIterator<Buffer>;

  constructor(body: Body) {
    this.#body = body;
    this.#iterator = body[Symbol.asyncIterator]();
  }

  read(): Promise<ReadableStreamReadResult<Uint8Array>> {
    return this.#iterator.next() as Promise<ReadableStreamReadResult<Uint8Array>>;
  }

  cancel(): Promise<void> {
    if (!this.#body.destroyed) this.#body.destroy();
    return Promise.resolve();
  }
}
