import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createPixels, encodePng, fill } from './encode-png.ts';

describe('encodePng', () => {
  it('writes a PNG whose header, chunks and pixels read back', () => {
    const pixels = createPixels(3, 2, [255, 255, 255]);
    fill(pixels, [255, 0, 0], (x, y) => x < 1 && y < 1);
    const png = encodePng(pixels);
    const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(new TextDecoder().decode(png.subarray(12, 16))).toBe('IHDR');
    expect(view.getUint32(16)).toBe(3);
    expect(view.getUint32(20)).toBe(2);
    // The IDAT chunk follows the 25-byte IHDR chunk.
    const idatLength = view.getUint32(33);
    expect(new TextDecoder().decode(png.subarray(37, 41))).toBe('IDAT');
    const raw = inflateSync(png.subarray(41, 41 + idatLength));
    expect(raw.length).toBe(2 * (1 + 3 * 4));
    expect([...raw.subarray(0, 9)]).toEqual([0, 255, 0, 0, 255, 255, 255, 255, 255]);
    // IHDR's CRC over "IHDR" + data, as PNG readers check it.
    expect(view.getUint32(29)).toBe(crc(png.subarray(12, 29)));
    expect(new TextDecoder().decode(png.subarray(png.length - 8, png.length - 4))).toBe('IEND');
  });
});

/** A bitwise CRC-32, independent of the table-driven one under test. */
function crc(bytes: Uint8Array): number {
  let value = 0xffffffff;
  for (const byte of bytes) {
    value ^= byte;
    for (let bit = 0; bit < 8; bit++) value = value & 1 ? (value >>> 1) ^ 0xedb88320 : value >>> 1;
  }
  return (value ^ 0xffffffff) >>> 0;
}
