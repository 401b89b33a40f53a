import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { readBoundedText, readDeclaredBytes } from './read-bounded-text.ts';

/** A POST whose body arrives a byte at a time (a hostile page's, or a slow client's). */
function postOf(bytes: Uint8Array): { request: Request; cancelled: () => boolean } {
  let index = 0;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (index === bytes.byteLength) controller.close();
      else controller.enqueue(bytes.slice(index, ++index));
    },
    cancel() {
      cancelled = true;
    },
  });
  const request = new Request('http://127.0.0.1/approve', {
    method: 'POST',
    body,
    duplex: 'half',
  } as RequestInit);
  return { request, cancelled: () => cancelled };
}

describe('readBoundedText', () => {
  it('reads a body of 100,000 one-byte chunks whole, a character split across them included', async () => {
    const text = `{"note":"${'ü'.repeat(49_990)}"}`;
    const { request } = postOf(new TextEncoder().encode(text));
    expect((await readBoundedText(request, 100_000)) === text).toBe(true);
  });

  it('refuses a body past maxBytes at the first byte over, and cancels the rest', async () => {
    const { request, cancelled } = postOf(new TextEncoder().encode('x'.repeat(1000)));
    const error = await readBoundedText(request, 10).catch((caught: unknown) => caught);
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).argument).toBe('body');
    await Promise.resolve();
    expect(cancelled()).toBe(true);
  });

  it('refuses bytes that are not UTF-8 (attack40), naming the encoding, where it wrote U+FFFD', async () => {
    for (const bytes of [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xc0, 0xaf]]) {
      const body = new Uint8Array([...new TextEncoder().encode('{"a":"'), ...bytes, 0x22, 0x7d]);
      const error = await readBoundedText(postOf(body).request, 100).catch(
        (caught: unknown) => caught,
      );
      expect(InvalidArgumentError.isInstance(error), String(bytes)).toBe(true);
      expect((error as InvalidArgumentError).argument).toBe('encoding');
    }
    // A U+FFFD the client wrote is text like any other.
    expect(await readBoundedText(postOf(new TextEncoder().encode('"\uFFFD"')).request, 100)).toBe(
      '"\uFFFD"',
    );
  });

  it('refuses a body with a content coding unread (attack44a), and reads `identity` as none', async () => {
    for (const coding of ['gzip', 'br', 'Identity, deflate']) {
      const request = new Request('http://127.0.0.1/approve', {
        method: 'POST',
        headers: { 'content-encoding': coding },
        body: '{}',
      });
      const error = await readBoundedText(request, 100).catch((caught: unknown) => caught);
      expect(InvalidArgumentError.isInstance(error), coding).toBe(true);
      expect((error as InvalidArgumentError).argument).toBe('content-encoding');
      expect(request.bodyUsed).toBe(false);
    }
    const plain = new Request('http://127.0.0.1/approve', {
      method: 'POST',
      headers: { 'content-encoding': 'identity' },
      body: '{}',
    });
    expect(await readBoundedText(plain, 100)).toBe('{}');
  });
});

/** A reader handing over `chunks` one a read, and whether it was cancelled. */
function readerOf(chunks: Uint8Array[]) {
  let index = 0;
  const state = { cancelled: false };
  const reader = {
    read: async () =>
      index < chunks.length
        ? { done: false as const, value: chunks[index++] as Uint8Array }
        : { done: true as const, value: undefined },
    cancel: async () => {
      state.cancelled = true;
    },
    releaseLock: () => {},
  };
  return { reader, state };
}

const bytesOf = (text: string) => new TextEncoder().encode(text);

describe('readBoundedText with onChunk (inflight57)', () => {
  it("tells onChunk each chunk's size as it is read, declared or not", async () => {
    const sizes: number[] = [];
    const { request } = postOf(new TextEncoder().encode('abc'));
    expect(await readBoundedText(request, 10, (bytes) => sizes.push(bytes))).toBe('abc');
    expect(sizes).toEqual([1, 1, 1]);
    const declared: number[] = [];
    const whole = new Request('http://127.0.0.1/', { method: 'POST', body: 'abcd' });
    expect(await readBoundedText(whole, 10, (bytes) => declared.push(bytes))).toBe('abcd');
    expect(declared.reduce((sum, bytes) => sum + bytes, 0)).toBe(4);
  });

  it("stops at onChunk's throw: the reader is cancelled and the throw passed on as it was", async () => {
    const { request, cancelled } = postOf(new TextEncoder().encode('x'.repeat(1000)));
    const stop = new Error('no room');
    let told = 0;
    const error = await readBoundedText(request, 10_000, () => {
      told += 1;
      if (told === 3) throw stop;
    }).catch((caught: unknown) => caught);
    expect(error).toBe(stop);
    expect(told).toBe(3);
    await Promise.resolve();
    expect(cancelled()).toBe(true);
  });
});

describe('readDeclaredBytes (media-size56)', () => {
  it('copies the chunks of a declared body into one array of that length as they come', async () => {
    const chunks = [bytesOf('{"a":'), bytesOf('"0123'), bytesOf('4567"}')];
    const [bytes, read] = await readDeclaredBytes(readerOf(chunks).reader, 16, 100);
    expect(new TextDecoder().decode(bytes)).toBe('{"a":"01234567"}');
    expect(read).toBe(16);
    // One array of the declared length, not a chunk's and not a join made at the end.
    expect(bytes.buffer.byteLength).toBe(16);
    for (const chunk of chunks) expect(bytes.buffer).not.toBe(chunk.buffer);
  });

  it('hands back a body of one chunk as that chunk, no copy', async () => {
    const chunk = bytesOf('{"a":1}');
    const [bytes, read] = await readDeclaredBytes(readerOf([chunk]).reader, 7, 100);
    expect(bytes).toBe(chunk);
    expect(read).toBe(7);
  });

  it('reads on past a declared length that lied, up to maxBytes, and cancels past it', async () => {
    const chunks = [bytesOf('0123'), bytesOf('4567'), bytesOf('89')];
    const [bytes, read] = await readDeclaredBytes(readerOf(chunks).reader, 5, 100);
    expect(new TextDecoder().decode(bytes)).toBe('0123456789');
    expect(read).toBe(10);
    const over = readerOf([bytesOf('0123'), bytesOf('4567'), bytesOf('89'), bytesOf('x')]);
    const [, overRead] = await readDeclaredBytes(over.reader, 5, 8);
    expect(overRead).toBeGreaterThan(8);
    expect(over.state.cancelled).toBe(true);
  });

  it('gives what came of a body shorter than declared', async () => {
    const [bytes, read] = await readDeclaredBytes(
      readerOf([bytesOf('01'), bytesOf('23')]).reader,
      10,
      100,
    );
    expect(new TextDecoder().decode(bytes)).toBe('0123');
    expect(read).toBe(4);
  });

  it('reads a Request by its Content-Length through readBoundedText, and still refuses past maxBytes', async () => {
    const text = `{"image":"${'A'.repeat(5000)}"}`;
    const encoded = bytesOf(text);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let start = 0; start < encoded.byteLength; start += 1000)
          controller.enqueue(encoded.slice(start, start + 1000));
        controller.close();
      },
    });
    const request = new Request('http://127.0.0.1/door', {
      method: 'POST',
      headers: { 'content-length': String(encoded.byteLength) },
      body,
      duplex: 'half',
    } as RequestInit);
    expect((await readBoundedText(request, 10_000)) === text).toBe(true);
    const small = new Request('http://127.0.0.1/door', {
      method: 'POST',
      headers: { 'content-length': String(encoded.byteLength) },
      body: encoded,
    });
    const error = await readBoundedText(small, 100).catch((caught: unknown) => caught);
    expect((error as InvalidArgumentError).argument).toBe('body');
  });
});
