import { deflateSync } from 'node:zlib';

/** An RGBA picture in memory: `width * height * 4` bytes, row by row. */
export type Pixels = { width: number; height: number; data: Uint8Array };

/** A colour as `[red, green, blue]`, 0 to 255. */
export type Rgb = readonly [number, number, number];

/** A blank picture filled with one colour. */
export function createPixels(width: number, height: number, background: Rgb): Pixels {
  const data = new Uint8Array(width * height * 4);
  for (let index = 0; index < width * height; index++) {
    data.set([...background, 255], index * 4);
  }
  return { width, height, data };
}

/** Paints every pixel for which `inside(x, y)` holds. */
export function fill(pixels: Pixels, color: Rgb, inside: (x: number, y: number) => boolean): void {
  for (let y = 0; y < pixels.height; y++) {
    for (let x = 0; x < pixels.width; x++) {
      if (inside(x + 0.5, y + 0.5)) pixels.data.set([...color, 255], (y * pixels.width + x) * 4);
    }
  }
}

/**
 * Encodes pixels as a PNG file (8-bit RGBA, no interlace), so the examples can make images in code
 * without an image library: the IHDR, IDAT (zlib) and IEND chunks of the PNG specification.
 */
export function encodePng({ width, height, data }: Pixels): Uint8Array {
  // Each row starts with filter type 0 (none).
  const raw = new Uint8Array(height * (width * 4 + 1));
  for (let y = 0; y < height; y++) {
    raw.set(data.subarray(y * width * 4, (y + 1) * width * 4), y * (width * 4 + 1) + 1);
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type 6 (RGBA), default compression/filter, no interlace
  return concat([
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

function chunk(type: string, body: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(12 + body.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, body.length);
  bytes.set(new TextEncoder().encode(type), 4);
  bytes.set(body, 8);
  view.setUint32(8 + body.length, crc32(bytes.subarray(4, 8 + body.length)));
  return bytes;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, index) => {
  let value = index;
  for (let bit = 0; bit < 8; bit++) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
  return value >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const total = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    total.set(part, offset);
    offset += part.length;
  }
  return total;
}
