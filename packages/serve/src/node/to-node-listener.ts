import type { IncomingMessage, ServerResponse } from 'node:http';
import { discardRequestRest, hostLines } from '@gemloop/core/internal';
import type { DoorConnection } from '../door/host-policy.ts';

/**
 * A Fetch-API handler, as every door of `@gemloop/serve` is; its second argument names the
 * server's address the request arrived on (a door's Host check reads it: `allowedHosts`).
 */
export type FetchHandler = (request: Request, connection?: DoorConnection) => Promise<Response>;

/**
 * A Fetch-API handler as a `node:http` request listener: `http.createServer(toNodeListener(handler))`.
 * The request's signal aborts when the client goes away before the response is over (a closed
 * connection mid-stream), so a door stops the run it was making; a response body is written with
 * backpressure (a slow reader holds the run's stream, not the server's memory). A request with two
 * lines of a field that holds one value and that Node would read only the first of (`Host`,
 * `Authorization`, `Proxy-Authorization`, `Content-Type`) is answered 400 before the handler sees it,
 * and one whose body has a transfer coding besides `chunked` (which Node leaves undone) 501.
 */
export function toNodeListener(
  handler: FetchHandler,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (incoming, outgoing) => {
    const abort = new AbortController();
    outgoing.on('close', () => {
      if (!outgoing.writableFinished) abort.abort();
    });
    void serve(handler, incoming, outgoing, abort).catch(() => {
      // A body that failed half-way is dropped, not ended: a clean end would tell the client
      // the answer was whole (a chunked body's last chunk, an event stream's end).
      if (outgoing.headersSent) outgoing.destroy();
      else outgoing.writeHead(500, { 'content-type': 'application/json' }).end();
    });
  };
}

async function serve(
  handler: FetchHandler,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  abort: AbortController,
): Promise<void> {
  const twice =
    hostLines(incoming.rawHeaders) > 1 ? 'Host' : singleFieldSentTwice(incoming.rawHeaders);
  if (twice !== undefined) {
    // Two Host lines (RFC 9112 section 3.2: a server MUST answer 400): Node keeps the first, a
    // proxy or cache in front may have read the last, so the name a door checked would not be
    // the one the request was routed by. The same for the credentials and the body's type.
    outgoing
      .writeHead(400, { 'content-type': 'application/json', connection: 'close' })
      .end(JSON.stringify({ error: `The request has more than one ${twice} header.` }));
    return;
  }
  if (hasTransferCoding(incoming.headers['transfer-encoding'])) {
    // Node takes the chunked framing off and hands the rest over still coded, with nothing to
    // say so: read as the body, plain JSON labelled `br` ran the model (attack44a), and a proxy
    // in front that decodes the coding would read another body than the door. RFC 9112 section
    // 6.1: a transfer coding the server does not know is answered 501. Closed, its body read
    // and dropped (up to a bound) first, as for a door's early answer below.
    outgoing.writeHead(501, { 'content-type': 'application/json', connection: 'close' });
    await discardRequestRest(incoming);
    outgoing.end(
      JSON.stringify({
        error:
          'The request has a Transfer-Encoding besides chunked, which this server does not decode: send the body chunked alone or with a Content-Length.',
      }),
    );
    return;
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (Array.isArray(value)) for (const each of value) headers.append(name, each);
    else if (value !== undefined) headers.set(name, value);
  }
  const url = requestUrl(incoming);
  if (url === undefined) {
    // A request line whose target no URL parser reads (`GET http://[::1/x`): the client's
    // mistake, told as one, before any door sees it.
    outgoing
      .writeHead(400, { 'content-type': 'application/json', connection: 'close' })
      .end(JSON.stringify({ error: 'The request target is not a valid URL.' }));
    return;
  }
  // An absolute-form target (`GET http://evil.example/x`) names the host the request is for, and
  // the Host header is then ignored (RFC 9112 section 3.2.2): the doors read it as Host, so the
  // Host check judges the name the door acts on (the A2A card writes it as its own address).
  if (ABSOLUTE_FORM.test(incoming.url ?? '')) headers.set('host', url.host);
  const method = incoming.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const request = new Request(url, {
    method,
    headers,
    signal: abort.signal,
    ...(hasBody ? { body: requestBody(incoming), duplex: 'half' } : {}),
  } as RequestInit);
  // Which of this server's addresses the client reached: a door on a loopback one refuses a
  // Host it does not answer to (DNS rebinding), see `allowedHosts`.
  const response = await handler(request, { localAddress: incoming.socket.localAddress });
  const head: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    head[name] = value;
  });
  // Each Set-Cookie is a header of its own (they are never joined with commas): forEach gives
  // them one by one under one name, and only the last would be kept.
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) head['set-cookie'] = cookies;
  // A door that answered before reading the whole body (413, 401): the client is told not to
  // reuse the connection, and the rest of its body is read and dropped (up to a bound) before
  // the answer ends, since Node closes the socket once it has: unread bytes in its receive
  // buffer make the kernel send a reset, which can erase the answer before the client reads it
  // (an ECONNRESET or EPIPE instead of the 413). RFC 9112 section 9.6 ("the TCP reset problem":
  // close in stages, reading on until the client has the response); whatwg-node's server does
  // the same (ardatan/whatwg-node#3611, nodejs/node#21026).
  const unread = hasBody && !incoming.complete;
  if (unread) head['connection'] = 'close';
  outgoing.writeHead(response.status, head);
  if (response.body === null) {
    if (unread) await discardRequestRest(incoming);
    outgoing.end();
    return;
  }
  // The head goes out now, not with the first body bytes: an event stream may stay quiet for a
  // while (an MCP call's answer, sent when the run ends), and its client waits on the headers.
  outgoing.flushHeaders();
  const reader = response.body.getReader();
  abort.signal.addEventListener('abort', () => void reader.cancel().catch(() => {}), {
    once: true,
  });
  let failed = true;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        failed = false;
        break;
      }
      if (!outgoing.write(value)) {
        await new Promise<void>((resolve) => {
          outgoing.once('drain', resolve);
          outgoing.once('close', resolve);
        });
      }
      if (abort.signal.aborted) {
        failed = false;
        return;
      }
    }
  } finally {
    // A body that failed is left to the caller's catch, which drops the connection.
    if (!failed) {
      if (unread && !abort.signal.aborted) await discardRequestRest(incoming);
      outgoing.end();
    }
  }
}

// The fields besides Host that hold one value (RFC 9110 section 5.3: a sender MUST NOT send one
// twice) of which Node keeps only the first line, in silence (`IncomingMessage.headers`; it
// joins other fields' lines with commas), and that a door or its `authorize` reads to decide:
// answered on the first of two `Authorization` lines, a door acted on a credential a proxy in
// front that checked the last never saw (attack21).
const SINGLE_FIELDS: ReadonlyMap<string, string> = new Map([
  ['authorization', 'Authorization'],
  ['proxy-authorization', 'Proxy-Authorization'],
  ['content-type', 'Content-Type'],
]);

/** The name of a field of {@link SINGLE_FIELDS} sent on more than one line, if one is. */
function singleFieldSentTwice(rawHeaders: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index]?.toLowerCase() ?? '';
    const shown = SINGLE_FIELDS.get(name);
    if (shown === undefined) continue;
    if (seen.has(name)) return shown;
    seen.add(name);
  }
  return undefined;
}

/**
 * Whether a `Transfer-Encoding` value (Node joins several lines with commas) names a coding
 * besides `chunked`, the one Node's parser decodes.
 */
function hasTransferCoding(value: string | undefined): boolean {
  if (value === undefined) return false;
  return value.split(',').some((each) => each.trim().toLowerCase() !== 'chunked');
}

/** A request target in absolute-form: a scheme, then its colon (RFC 3986 section 3.1). */
const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** Bytes gathered for a reader before the socket is paused until the reader takes them. */
const GATHER_BYTES = 64 * 1024;

/**
 * The request's body as a web stream that reads `incoming` as it is pulled. Unlike
 * `Readable.toWeb`, cancelling it (a door that stopped reading at its size limit) leaves the
 * socket open, so the answer can still reach the client (`discardRequestRest`).
 *
 * The bytes of one read of the socket go to the reader as at most two chunks: the first at once,
 * the rest copied together and handed over once the read is parsed (`setImmediate`). Node's
 * parser calls back once per chunk of a chunked body, each call its own turn, and a client may
 * send a body of 1-byte chunks (6 bytes on the wire each): passed on one by one, a body of 1 MiB
 * was 1,048,576 chunks, 225 MB of the server's heap and 518 MB RSS while a door read it, however
 * small its body limit (attack18).
 */
function requestBody(incoming: IncomingMessage): ReadableStream<Uint8Array> {
  let onData: ((chunk: Buffer) => void) | undefined;
  let cancelled = false;
  /** A read waits for bytes. */
  let asked = false;
  /** A read of the socket is being parsed: what it brings is gathered until it ends. */
  let parsing = false;
  let gathered: Uint8Array | undefined;
  let filled = 0;
  const handOver = (controller: ReadableStreamDefaultController<Uint8Array>): void => {
    if (cancelled || gathered === undefined || filled === 0) return;
    controller.enqueue(gathered.subarray(0, filled));
    gathered = undefined;
    filled = 0;
    asked = false;
  };
  const gather = (chunk: Buffer): void => {
    if (gathered === undefined || filled + chunk.byteLength > gathered.byteLength) {
      const grown = new Uint8Array(Math.max(GATHER_BYTES, 2 * filled + chunk.byteLength));
      if (gathered !== undefined) grown.set(gathered.subarray(0, filled));
      gathered = grown;
    }
    gathered.set(chunk, filled);
    filled += chunk.byteLength;
    if (filled >= GATHER_BYTES) incoming.pause();
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const parsed = () => {
          parsing = false;
          if (asked) handOver(controller);
        };
        onData = (chunk) => {
          if (!parsing) {
            parsing = true;
            setImmediate(parsed);
            if (asked) {
              asked = false;
              controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
              return;
            }
          }
          gather(chunk);
        };
        incoming.pause();
        incoming.on('data', onData);
        incoming.once('end', () => {
          if (cancelled) return;
          handOver(controller);
          controller.close();
        });
        incoming.once('error', (error) => {
          if (!cancelled) controller.error(error);
        });
      },
      pull(controller) {
        asked = true;
        if (!parsing) handOver(controller);
        incoming.resume();
      },
      cancel() {
        cancelled = true;
        gathered = undefined;
        if (onData !== undefined) incoming.off('data', onData);
        incoming.pause();
      },
    },
    // Pulled only while a read waits (a queue of one asked again as soon as a waiting read took
    // its chunk).
    { highWaterMark: 0 },
  );
}

/**
 * The request's URL, with the host the client asked for (its `Host` header) so a door that
 * writes its own address (the A2A agent card) writes one the client can reach; `localhost` when
 * the header is missing or not a host. `undefined` for a target that is no URL at all.
 */
function requestUrl(incoming: IncomingMessage): URL | undefined {
  const path = incoming.url ?? '/';
  const host = incoming.headers.host;
  if (host !== undefined && /^[A-Za-z0-9.:[\]-]+$/.test(host)) {
    try {
      return joinUrl(`http://${host}`, path);
    } catch {
      // Not a host after all: the fallback below.
    }
  }
  try {
    return joinUrl('http://localhost', path);
  } catch {
    return undefined;
  }
}

/**
 * `path` on `base`. A path (origin-form, `/...`) is appended, never resolved: resolved, `//evil.example/x`
 * or `/\evil.example/x` would be read as another host, overriding the Host header. A full URL
 * (absolute-form, which a server must accept: RFC 9112 section 3.2.2) is taken as it is.
 */
function joinUrl(base: string, path: string): URL {
  return path.startsWith('/') ? new URL(`${base}${path}`) : new URL(path, base);
}
