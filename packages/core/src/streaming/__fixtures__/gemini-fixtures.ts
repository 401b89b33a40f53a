// Test helpers: the real recorded Gemini traffic in test/fixtures/gemini (see its SOURCES.md),
// and byte streams that deliver it in pieces.
import {
  fixturesDirectory,
  listFixtures,
  readFixtureText,
} from '../../__fixtures__/recorded-gemini.ts';
import type { GenerateContentResponse } from '../../wire/response.ts';

export { fixturesDirectory, listFixtures };

export function readFixture(folder: string, name: string): string {
  return readFixtureText(`${folder}/${name}`);
}

/** Stream fixtures that are SSE bodies (`.sse`, and `.vercel.jsonl` wrapped as `data:` events). */
export const sseStreamFixtures: string[] = listFixtures('streams').filter(
  (name) => name.endsWith('.sse') || name.endsWith('.vercel.jsonl'),
);

/** Stream fixtures that are JSON arrays (`streamGenerateContent` without `alt=sse`). */
export const arrayStreamFixtures: string[] = listFixtures('streams').filter((name) =>
  name.includes('no-alt-sse'),
);

/** The SSE body of a stream fixture; a `.vercel.jsonl` line becomes `data: <line>\r\n\r\n`. */
export function readSseBody(name: string): string {
  const text = readFixture('streams', name);
  if (!name.endsWith('.vercel.jsonl')) return text;
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => `data: ${line}\r\n\r\n`)
    .join('');
}

/**
 * The chunks of a stream fixture, read independently of the SSE parser: split on the blank lines
 * the recordings use, or the JSON array.
 */
export function readFixtureChunks(name: string): GenerateContentResponse[] {
  const text = readFixture('streams', name);
  if (name.endsWith('.json')) return JSON.parse(text);
  if (name.endsWith('.vercel.jsonl')) {
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line));
  }
  return text
    .split('\r\n\r\n')
    .filter((event) => event.trim() !== '')
    .map((event) => {
      if (!event.startsWith('data: ')) throw new Error(`unexpected event in ${name}`);
      return JSON.parse(event.slice('data: '.length));
    });
}

/** A small deterministic PRNG (mulberry32), so random splits repeat. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

export type Split = 'whole' | 'bytes' | 'random';

/** Cuts bytes into one piece, 1-byte pieces, or random pieces of 1..97 bytes (seeded). */
export function splitBytes(bytes: Uint8Array, split: Split, seed = 42): Uint8Array[] {
  if (split === 'whole') return [bytes];
  const pieces: Uint8Array[] = [];
  const random = createRandom(seed);
  for (let start = 0; start < bytes.length; ) {
    const size = split === 'bytes' ? 1 : 1 + Math.floor(random() * 97);
    pieces.push(bytes.subarray(start, start + size));
    start += size;
  }
  return pieces;
}

/** What a test can observe of a {@link createByteStream} stream. */
export type ByteStreamProbe = { cancelled: boolean; cancelReason: unknown; pulls: number };

/**
 * A body that delivers `pieces` one per read, then ends, fails (`failWith`), or stays open
 * forever (`hang`). `probe` records whether the consumer cancelled it.
 */
export function createByteStream(
  pieces: readonly (Uint8Array | string)[],
  options: { failWith?: unknown; hang?: boolean } = {},
): { body: ReadableStream<Uint8Array>; probe: ByteStreamProbe } {
  const probe: ByteStreamProbe = { cancelled: false, cancelReason: undefined, pulls: 0 };
  const encoder = new TextEncoder();
  let index = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        probe.pulls++;
        const piece = pieces[index++];
        if (piece !== undefined) {
          controller.enqueue(typeof piece === 'string' ? encoder.encode(piece) : piece);
        } else if (options.failWith !== undefined) {
          controller.error(options.failWith);
        } else if (options.hang === true) {
          return new Promise<void>(() => {});
        } else {
          controller.close();
        }
        return undefined;
      },
      cancel(reason) {
        probe.cancelled = true;
        probe.cancelReason = reason;
      },
    },
    { highWaterMark: 0 },
  );
  return { body, probe };
}
