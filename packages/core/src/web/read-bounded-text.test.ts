import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { readBoundedText } from './read-bounded-text.ts';

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
