import { describe, expect, it } from 'vitest';
import { createFetchTransport, InvalidFetchResponse } from './create-fetch-transport.ts';
import { REDIRECT_MODE } from './redirect-mode.ts';
import type { RequestSignal, TransportRequest } from './transport.ts';

// The fetch transport with a caller's own fetch (a wrapper, a polyfill, a test double): what it
// sends, what it accepts back, and how an abort ends the request or the reading of its body
// without leaving the connection open.

function requestSignal(controller = new AbortController()): RequestSignal {
  const signal = controller.signal as AbortSignal & { signal: AbortSignal };
  Object.defineProperty(signal, 'signal', { value: signal });
  return signal;
}

function request(overrides: Partial<TransportRequest> = {}): TransportRequest {
  return {
    url: 'https://gemini.test/v1beta/models/m:generateContent',
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-goog-api-key': 'k' },
    body: '{"contents":[]}',
    signal: requestSignal(),
    ...overrides,
  };
}

/** A body that sends `chunks`, then stays open until cancelled (it records why). */
function openBody(chunks: string[], cancelled: unknown[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
    },
    cancel(reason) {
      cancelled.push(reason);
    },
  });
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('createFetchTransport', () => {
  it('sends the method, headers, body and signal, never following a redirect', async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const transport = createFetchTransport((url, init) => {
      seen.push({ url: String(url), init: init as RequestInit });
      return Promise.resolve(new Response('{"ok":true}', { status: 200 }));
    });
    const sent = request();
    const response = await transport.send(sent);
    expect(transport.name).toBe('fetch');
    expect(seen).toHaveLength(1);
    expect(seen[0]?.url).toBe(sent.url);
    expect(seen[0]?.init).toMatchObject({
      method: 'POST',
      headers: sent.headers,
      body: sent.body,
      redirect: REDIRECT_MODE,
    });
    expect(seen[0]?.init.signal).toBe(sent.signal.signal);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('{"ok":true}');
  });

  it('sends no body on a GET and upload bytes as they are', async () => {
    const bodies: unknown[] = [];
    const transport = createFetchTransport((_url, init) => {
      bodies.push(init?.body);
      return Promise.resolve(new Response(''));
    });
    await transport.send(request({ method: 'GET', body: undefined }));
    const bytes = new Uint8Array([0, 255, 1]);
    await transport.send(request({ body: bytes }));
    expect(bodies).toEqual([undefined, bytes]);
  });

  it('takes a Response returned without a promise', async () => {
    const transport = createFetchTransport((() => new Response('plain')) as never);
    expect(await (await transport.send(request())).text()).toBe('plain');
  });

  it.each([
    ['undefined', undefined, /resolved to undefined, not a Response/],
    ['null', null, /resolved to null, not a Response/],
    ['a string', 'ok', /resolved to ok, not a Response/],
    ['a plain object', { status: 200 }, /resolved to an object that is not a Response/],
    [
      'an object with null headers',
      { status: 200, ok: true, text: () => '', headers: null },
      /an object that is not a Response/,
    ],
  ])('refuses a fetch that resolves to %s, saying how to fix it', async (_case, value, message) => {
    const transport = createFetchTransport((() => Promise.resolve(value)) as never);
    const error = await failure(transport.send(request()));
    expect(error).toBeInstanceOf(InvalidFetchResponse);
    expect((error as InvalidFetchResponse).message).toMatch(message);
    expect((error as InvalidFetchResponse).message).toContain('signature of globalThis.fetch');
    expect((error as InvalidFetchResponse).status).toBeUndefined();
  });

  it('refuses a Response whose body was already read (one Response reused for every call)', async () => {
    const shared = new Response('{"candidates":[]}', { status: 200 });
    await shared.text();
    const transport = createFetchTransport(() => Promise.resolve(shared));
    const error = (await failure(transport.send(request()))) as InvalidFetchResponse;
    expect(error).toBeInstanceOf(InvalidFetchResponse);
    expect(error.message).toMatch(/already read or locked\. Return a new Response for every call/);
    expect(error.status).toBe(200);
  });

  it('reads the headers of a Response, and trusts no header of plain-object headers', async () => {
    const real = createFetchTransport(() =>
      Promise.resolve(new Response('', { headers: { 'Retry-After': '3' } })),
    );
    expect((await real.send(request())).header('retry-after')).toBe('3');
    const plain = createFetchTransport((() =>
      Promise.resolve({
        status: 429,
        ok: false,
        text: () => Promise.resolve('slow down'),
        headers: { 'retry-after': '3' },
        body: null,
      })) as never);
    const response = await plain.send(request());
    expect(response.header('retry-after')).toBeNull();
    expect(response.status).toBe(429);
    expect(response.isOpaqueRedirect).toBe(false);
    // No stream: the body is read through text().
    expect(response.reader()).toBeUndefined();
    expect(await response.text()).toBe('slow down');
  });

  it('ends with the abort reason when aborted before the response, and cancels a late body', async () => {
    const controller = new AbortController();
    const cancelled: unknown[] = [];
    let answer: (response: Response) => void = () => {};
    const transport = createFetchTransport(
      () =>
        new Promise<Response>((resolve) => {
          answer = resolve;
        }),
    );
    const sending = transport.send(request({ signal: requestSignal(controller) }));
    controller.abort(new Error('user left'));
    expect(((await failure(sending)) as Error).message).toBe('user left');
    answer(new Response(openBody(['late'], cancelled)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(cancelled).toHaveLength(1);
  });

  it('stops reading the body when aborted mid-stream: the read rejects and the body is cancelled', async () => {
    const controller = new AbortController();
    const cancelled: unknown[] = [];
    const transport = createFetchTransport(() =>
      Promise.resolve(new Response(openBody(['data: {}\n\n'], cancelled))),
    );
    const response = await transport.send(request({ signal: requestSignal(controller) }));
    const reader = response.reader();
    if (reader === undefined) throw new Error('expected a stream');
    const first = await reader.read();
    expect(first.done).toBe(false);
    const pending = reader.read();
    controller.abort(new Error('stop'));
    expect(((await failure(pending)) as Error).message).toBe('stop');
    expect(cancelled.map((reason) => (reason as Error).message)).toEqual(['stop']);
  });

  it('cancels at once a body whose signal was aborted before it was read', async () => {
    const controller = new AbortController();
    const cancelled: unknown[] = [];
    const transport = createFetchTransport(() =>
      Promise.resolve(new Response(openBody(['x'], cancelled))),
    );
    const response = await transport.send(request({ signal: requestSignal(controller) }));
    controller.abort('gone');
    const reader = response.reader();
    await failure(reader?.read() ?? Promise.resolve());
    expect(cancelled).toEqual(['gone']);
  });

  it('hands a watching caller the body as it is: acting on the abort is left to the caller', async () => {
    // The stream parser cancels the reader itself when the attempt aborts (watchAbort) and checks
    // the signal after each read, so a listener and a promise a read on top would be paid twice.
    const controller = new AbortController();
    const cancelled: unknown[] = [];
    const transport = createFetchTransport(() =>
      Promise.resolve(new Response(openBody(['data: {}\n\n'], cancelled))),
    );
    const response = await transport.send(request({ signal: requestSignal(controller) }));
    const reader = response.reader(true);
    if (reader === undefined) throw new Error('expected a stream');
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('data: {}\n\n');
    controller.abort(new Error('stop'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(cancelled).toEqual([]);
    const pending = reader.read();
    await reader.cancel('the parser saw the abort');
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(cancelled).toEqual(['the parser saw the abort']);
  });

  it('lets the caller cancel a body it no longer needs, without an abort', async () => {
    const cancelled: unknown[] = [];
    const controller = new AbortController();
    const transport = createFetchTransport(() =>
      Promise.resolve(new Response(openBody(['x'], cancelled))),
    );
    const response = await transport.send(request({ signal: requestSignal(controller) }));
    await response.reader()?.cancel('enough');
    // A later abort of the request does not cancel it a second time.
    controller.abort('late');
    expect(cancelled).toEqual(['enough']);
  });
});
