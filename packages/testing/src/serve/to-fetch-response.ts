import { sleep } from '@gemloop/core/internal';
import type { FakeHttpRequest, FakeReply } from '../state/fake-state.ts';

/**
 * Turns a Fetch `Request` into the fake's request and its reply into a Fetch `Response`: the
 * transport of `fake.fetch` and of the msw handlers. A dropped connection becomes what `fetch`
 * does then: a rejected promise before the headers, a body stream that errors after them.
 * @internal
 */
export async function handleFetchRequest(
  handle: (request: FakeHttpRequest) => Promise<FakeReply>,
  request: Request,
  // The caller's signal when the Request was made without it (`fake.fetch`); else its own.
  signal: AbortSignal = request.signal,
): Promise<Response> {
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  // A Request has no Host header; the Files API's upload URL names the host it was reached on.
  headers['host'] ??= url.host;
  const bytes =
    request.method === 'GET' || request.method === 'HEAD'
      ? undefined
      : new Uint8Array(await request.arrayBuffer());
  const reply = await handle({
    method: request.method,
    url: url.pathname + url.search,
    headers,
    body: bytes === undefined ? '' : new TextDecoder().decode(bytes),
    bytes,
  });
  if (reply.delayMs > 0) await sleep(reply.delayMs, signal);
  if (reply.end === 'reset' && reply.pieces.length === 0) throw connectionError();
  if (reply.end === 'normal' && reply.chunkDelayMs === 0 && reply.pieces.length <= 1) {
    return new Response(reply.pieces[0] ?? null, { status: reply.status, headers: reply.headers });
  }
  const encoder = new TextEncoder();
  let index = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (index < reply.pieces.length) {
        if (index > 0 && reply.chunkDelayMs > 0) await sleep(reply.chunkDelayMs);
        controller.enqueue(encoder.encode(reply.pieces[index++]));
        return;
      }
      if (reply.end === 'reset') {
        // An errored stream drops chunks not yet read, and msw tees the body (response.clone()):
        // give the reader a moment to take the delivered events before the connection "drops".
        await sleep(25);
        controller.error(connectionError());
      } else {
        controller.close();
      }
    },
  });
  return new Response(stream, { status: reply.status, headers: reply.headers });
}

// why (brand): a registered symbol that marks the fake's dropped connection, so another copy of the
// package knows it.
const fakeConnectionError = Symbol.for('gemloop.fake.connection-error');

/** What undici's fetch throws when the server drops the connection. */
function connectionError(): TypeError {
  const cause = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
  return Object.assign(new TypeError('fetch failed', { cause }), { [fakeConnectionError]: true });
}

/** Whether `error` is the fake's dropped connection (msw answers it with `Response.error()`). @internal */
export function isFakeConnectionError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && fakeConnectionError in error;
}
