import { describe, expect, it } from 'vitest';
import { INTERNAL_ERROR, INTERNAL_MESSAGE, type RpcResponse } from './json-rpc-reply.ts';
import { toRpcEventStream } from './rpc-event-stream.ts';

// A streaming JSON-RPC method's frames as server-sent events: every frame in order, an internal
// error's words replaced, a failure mid-stream as an error frame answering the request's id, and
// a client that goes away stopping the reading (not the task).

const frame = (n: number): RpcResponse => ({ jsonrpc: '2.0', id: 1, result: { n } });

/** An iterator over `frames`, then `end` (a throw when it is an Error), recording `return`. */
function frames(list: RpcResponse[], end?: Error) {
  let index = 0;
  const seen = { returned: false };
  const iterator: AsyncIterator<RpcResponse> = {
    async next() {
      if (index < list.length) return { done: false, value: list[index++] as RpcResponse };
      if (end !== undefined) throw end;
      return { done: true, value: undefined };
    },
    async return() {
      seen.returned = true;
      return { done: true, value: undefined };
    },
  };
  return { iterator, seen };
}

const data = (text: string) =>
  text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice(6)));

describe('toRpcEventStream', () => {
  it('sends the first frame and every one after, in order, then ends', async () => {
    const { iterator } = frames([frame(2), frame(3)]);
    const response = toRpcEventStream({
      request: new Request('http://a2a.test/'),
      iterator,
      first: { done: false, value: frame(1) },
      body: { id: 1 },
      mapError: (error) => error,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(data(await response.text()).map((each) => each.result.n)).toEqual([1, 2, 3]);
  });

  it('replaces an internal error`s own words in a frame', async () => {
    const { iterator } = frames([
      {
        jsonrpc: '2.0',
        id: 1,
        error: { code: INTERNAL_ERROR, message: 'at /srv/app.ts:12 password=x' },
      },
    ]);
    const text = await toRpcEventStream({
      request: new Request('http://a2a.test/'),
      iterator,
      first: { done: false, value: frame(1) },
      body: { id: 1 },
      mapError: (error) => error,
    }).text();
    expect(text).not.toContain('/srv/app.ts');
    expect(data(text)[1]).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: { code: INTERNAL_ERROR, message: INTERNAL_MESSAGE },
    });
  });

  it('a failure mid-stream is an error frame answering the request`s id, as the transport maps it', async () => {
    const { iterator } = frames([], new Error('task store down'));
    const text = await toRpcEventStream({
      request: new Request('http://a2a.test/'),
      iterator,
      first: { done: false, value: frame(1) },
      body: { jsonrpc: '2.0', id: 'req-9', method: 'SendStreamingMessage' },
      mapError: () => ({ code: INTERNAL_ERROR, message: INTERNAL_MESSAGE }),
    }).text();
    const [, error] = data(text);
    expect(error).toEqual({
      jsonrpc: '2.0',
      id: 'req-9',
      error: { code: INTERNAL_ERROR, message: INTERNAL_MESSAGE },
    });
    expect(text).not.toContain('task store down');
  });

  it('a stream whose first step is already done sends nothing and ends', async () => {
    const { iterator } = frames([]);
    const text = await toRpcEventStream({
      request: new Request('http://a2a.test/'),
      iterator,
      first: { done: true, value: undefined },
      body: {},
      mapError: (error) => error,
    }).text();
    expect(text).toBe('');
  });

  it('a client that cancels the stream stops the reading: the iterator is returned', async () => {
    let release: (() => void) | undefined;
    const hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    const seen = { returned: false };
    const iterator: AsyncIterator<RpcResponse> = {
      async next() {
        await hold;
        return { done: false, value: frame(2) };
      },
      async return() {
        seen.returned = true;
        return { done: true, value: undefined };
      },
    };
    const response = toRpcEventStream({
      request: new Request('http://a2a.test/'),
      iterator,
      first: { done: false, value: frame(1) },
      body: {},
      mapError: (error) => error,
    });
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();
    expect(seen.returned).toBe(true);
    release?.();
  });

  it('a request that aborts stops the reading too', async () => {
    const abort = new AbortController();
    const { iterator, seen } = frames([frame(2)]);
    toRpcEventStream({
      request: new Request('http://a2a.test/', { signal: abort.signal }),
      iterator,
      first: { done: false, value: frame(1) },
      body: {},
      mapError: (error) => error,
    });
    abort.abort();
    expect(seen.returned).toBe(true);
  });
});

describe('toRpcEventStream of a send (drain)', () => {
  it('a client that goes away stops the sending, not the reading: the frames are read to the end', async () => {
    const abort = new AbortController();
    let release: (() => void) | undefined;
    const hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    const read: number[] = [];
    const seen = { returned: false, ended: false };
    let index = 1;
    const iterator: AsyncIterator<RpcResponse> = {
      async next() {
        await hold;
        index += 1;
        if (index > 4) {
          seen.ended = true;
          return { done: true, value: undefined };
        }
        read.push(index);
        return { done: false, value: frame(index) };
      },
      async return() {
        seen.returned = true;
        return { done: true, value: undefined };
      },
    };
    const response = toRpcEventStream({
      request: new Request('http://a2a.test/', { signal: abort.signal }),
      iterator,
      first: { done: false, value: frame(1) },
      body: {},
      mapError: (error) => error,
      drain: true,
    });
    const reader = response.body!.getReader();
    await reader.read();
    abort.abort();
    release?.();
    // The SDK saves each event of the task as it is read: every one is, none is sent.
    for (let turn = 0; turn < 20 && !seen.ended; turn += 1) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(read).toEqual([2, 3, 4]);
    expect(seen).toEqual({ returned: false, ended: true });
  });
});
