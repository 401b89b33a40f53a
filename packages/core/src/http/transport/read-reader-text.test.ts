import { describe, expect, it } from 'vitest';
import type { ByteReader, ByteReadResult } from '../../streaming/byte-reader.ts';
import { readReaderBytes, readReaderText } from './read-reader-text.ts';

function readerOf(chunks: Uint8Array[], failAt?: number): ByteReader & { cancelled: boolean } {
  let index = 0;
  const reader = {
    cancelled: false,
    async read(): Promise<ByteReadResult> {
      if (index === failAt) throw new Error('connection reset');
      const value = chunks[index++];
      return value === undefined ? { done: true, value: undefined } : { done: false, value };
    },
    async cancel(): Promise<void> {
      reader.cancelled = true;
    },
  };
  return reader;
}

describe('readReaderText', () => {
  const bytes = new TextEncoder().encode('\uFEFF{"text":"héllo 🌍"}');

  it('gives what response.text() gives, however the body is cut into chunks', async () => {
    const expected = await new Response(bytes).text();
    for (let cut = 0; cut <= bytes.length; cut++) {
      const chunks = [bytes.subarray(0, cut), bytes.subarray(cut)];
      expect(await readReaderText(readerOf(chunks))).toBe(expected);
      // The shared decoder keeps nothing from one body to the next, a cut character included.
      expect(await readReaderText(readerOf([bytes.subarray(0, 3)]))).toBe(
        await new Response(bytes.subarray(0, 3)).text(),
      );
    }
    const single = [...bytes].map((byte) => Uint8Array.of(byte));
    expect(await readReaderText(readerOf(single))).toBe(expected);
    expect(await readReaderText(readerOf([]))).toBe('');
  });

  it('cancels the reader and rejects with the failure of a read', async () => {
    const reader = readerOf([bytes], 1);
    await expect(readReaderText(reader)).rejects.toThrow('connection reset');
    expect(reader.cancelled).toBe(true);
  });

  it('holds a piece per 4,096 chunks of a body sent a byte at a time, not a piece per byte', async () => {
    // A gateway that writes its answer a byte at a time: a million reads of one byte. The reader
    // looks at the pieces held before each read (the array readReaderBytes keeps them in).
    const text = `{"text":"${'é'.repeat(499_994)}!"}`;
    const body = new TextEncoder().encode(text);
    expect(body.byteLength).toBe(1_000_000);
    const parts: Uint8Array[] = [];
    let index = 0;
    let most = 0;
    const reader: ByteReader = {
      async read(): Promise<ByteReadResult> {
        most = Math.max(most, parts.length);
        return index === body.byteLength
          ? { done: true, value: undefined }
          : { done: false, value: body.subarray(index, ++index) };
      },
      async cancel(): Promise<void> {},
    };
    const [bytes, read] = await readReaderBytes(reader, Number.POSITIVE_INFINITY, parts);
    expect(read).toBe(1_000_000);
    // A character split between two reads decodes whole (compared as text: toEqual on a million
    // bytes takes seconds).
    expect(new TextDecoder().decode(bytes) === text).toBe(true);
    // At most 243 joined pieces and 4,095 single bytes (just before the 244th join), where the
    // old reading held a million.
    expect(most).toBe(243 + 4095);
    expect(parts.length).toBe(244 + (1_000_000 % 4096));
    expect(parts.slice(0, 244).every((part) => part.byteLength === 4096)).toBe(true);
  });

  it('gives a body of one chunk as that chunk (no copy), and joins a few once', async () => {
    const [one] = await readReaderBytes(readerOf([bytes]));
    expect(one).toBe(bytes);
    const [joined, read] = await readReaderBytes(
      readerOf([bytes.subarray(0, 5), bytes.subarray(5)]),
    );
    expect(joined).toEqual(bytes);
    expect(read).toBe(bytes.byteLength);
    expect(await readReaderBytes(readerOf([]))).toEqual([new Uint8Array(0), 0]);
  });

  it('stops at the first chunk past maxBytes and cancels the rest', async () => {
    const chunks = [bytes.subarray(0, 4), bytes.subarray(4, 8), bytes.subarray(8)];
    const reader = readerOf(chunks);
    const [read, count] = await readReaderBytes(reader, 5);
    expect(count).toBe(8);
    expect(read).toEqual(bytes.subarray(0, 8));
    expect(reader.cancelled).toBe(true);
    const whole = readerOf(chunks);
    expect((await readReaderBytes(whole, bytes.byteLength))[1]).toBe(bytes.byteLength);
    expect(whole.cancelled).toBe(false);
  });
});
