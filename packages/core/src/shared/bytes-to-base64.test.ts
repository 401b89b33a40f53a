import { describe, expect, it, vi } from 'vitest';
import { bytesToBase64 } from './bytes-to-base64.ts';

const bytes = Uint8Array.from({ length: 100_003 }, (_, index) => (index * 7919) % 256);
const expected = Buffer.from(bytes).toString('base64');

describe('bytesToBase64', () => {
  it('encodes with Buffer where the runtime has one, also a view into a larger buffer', () => {
    expect(bytesToBase64(bytes)).toBe(expected);
    const view = new Uint8Array(bytes.buffer, 3, 10);
    expect(bytesToBase64(view)).toBe(Buffer.from(view).toString('base64'));
  });

  it('encodes with btoa on a runtime without Buffer (browsers, workers, Deno)', async () => {
    vi.stubGlobal('Buffer', undefined);
    vi.resetModules();
    try {
      const { bytesToBase64: portable } = await import('./bytes-to-base64.ts');
      expect(portable(bytes)).toBe(expected);
      expect(portable(new Uint8Array(0))).toBe('');
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
