import { afterEach, describe, expect, it, vi } from 'vitest';
import { scrubSecrets } from './scrub-secrets.ts';

// attack25: browsers and Workers have no `Buffer`. scrubSecrets looked into binary values with
// Buffer.from, so in a browser an error (or a Live tool's output) holding bytes made the walk throw
// "Buffer is not defined" out of a function that must never throw, in place of the redacted value.

const KEY = 'AIzaSyNoBuffer-0123456789abcdefghijklm';
const bytesOf = (text: string) => new TextEncoder().encode(text);

describe('scrubSecrets without a Buffer global (a browser, a Worker)', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('redacts bytes that hold the key, and keeps bytes that do not, in every binary shape', () => {
    vi.stubGlobal('Buffer', undefined);
    const holding = bytesOf(`{"key":"${KEY}"}`);
    const cause = {
      view: holding,
      buffer: holding.buffer,
      data: new DataView(holding.buffer),
      part: holding.subarray(8, 8 + KEY.length),
      clean: bytesOf('nothing here'),
    };
    const scrubbed = scrubSecrets(cause, [KEY]);
    expect(scrubbed.view).toBe('[redacted]');
    expect(scrubbed.buffer).toBe('[redacted]');
    expect(scrubbed.data).toBe('[redacted]');
    expect(scrubbed.part).toBe('[redacted]');
    expect(scrubbed.clean).toBe(cause.clean);
  });

  it('finds the key among bytes that are no UTF-8 (a lead byte cut short before it)', () => {
    vi.stubGlobal('Buffer', undefined);
    const key = bytesOf(KEY);
    const bytes = new Uint8Array([0xe2, 0x82, ...key, 0xff, 0xc3]);
    expect(scrubSecrets({ bytes }, [KEY]).bytes).toBe('[redacted]');
    // A secret in another script, after a broken sequence.
    const secret = 'clé-secrète-0123456789';
    const other = new Uint8Array([0xf0, 0x9f, ...bytesOf(secret)]);
    expect(scrubSecrets({ other }, [secret]).other).toBe('[redacted]');
  });

  it('gives the same answers with Buffer as without', () => {
    const cause = { a: bytesOf(`x${KEY}y`), b: bytesOf('plain') };
    const withBuffer = scrubSecrets(cause, [KEY]);
    vi.stubGlobal('Buffer', undefined);
    expect(scrubSecrets(cause, [KEY])).toEqual(withBuffer);
  });
});
