import { describe, expect, it } from 'vitest';
import type { ByteReader, ByteReadResult } from '../../streaming/byte-reader.ts';
import { readReaderText } from './read-reader-text.ts';

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
});
