import { createRandom } from './create-random.ts';
import { randomSignature, randomToken, responseBody, sseEvent } from './run-script.ts';

/** A long streamed answer: the SSE body, cut into network-sized pieces, and its text. */
export type LongStream = {
  prompt: string;
  chunkCount: number;
  /** The body cut every {@link LONG_STREAM_PIECE_BYTES} bytes, across event boundaries. */
  pieces: Uint8Array[];
  byteLength: number;
  /** The whole answer: every text delta joined. */
  text: string;
};

/**
 * Size of one body piece. Reads from a socket arrive in pieces of a few KB to 64 KB that cut
 * events anywhere, so every parser has to buffer partial events, as in production.
 */
export const LONG_STREAM_PIECE_BYTES = 16 * 1024;

const WORDS = ['gemini', 'streams', 'text', 'in', 'small', 'deltas', 'and', 'the', 'client'];

/** The prompt of the long-stream request; the server reads the chunk count back from it. */
export function longPrompt(chunkCount: number): string {
  return `Bench long run 0: write an answer of ${chunkCount} chunks.`;
}

/** Reads the chunk count back from {@link longPrompt}. */
export function readLongChunkCount(prompt: string): number | undefined {
  const match = /^Bench long run 0: write an answer of (\d+) chunks\.$/.exec(prompt);
  return match === null ? undefined : Number(match[1]);
}

/**
 * Builds a Gemini 3 text stream of `chunkCount` text chunks plus the final empty signed chunk
 * with `finishReason`, each chunk a whole `GenerateContentResponse` with cumulative usage, as the
 * API sends them (about 330 bytes per chunk).
 */
export function createLongStream(chunkCount: number): LongStream {
  const random = createRandom(chunkCount);
  const responseId = randomToken(random, 22);
  const events: string[] = [];
  let text = '';
  for (let index = 0; index < chunkCount; index++) {
    let delta = '';
    for (let word = 0; word < 4; word++) {
      delta += `${WORDS[Math.floor(random() * WORDS.length)]} `;
    }
    text += delta;
    events.push(
      sseEvent(
        responseBody({
          content: { parts: [{ text: delta }], role: 'model' },
          usage: { prompt: 32, candidates: 5 * (index + 1), thoughts: 0 },
          responseId,
        }),
      ),
    );
  }
  events.push(
    sseEvent(
      responseBody({
        content: {
          parts: [{ text: '', thoughtSignature: randomSignature(random, 300) }],
          role: 'model',
        },
        finishReason: 'STOP',
        usage: { prompt: 32, candidates: 5 * chunkCount, thoughts: 0 },
        responseId,
      }),
    ),
  );
  const body = Buffer.from(events.join(''), 'utf8');
  const pieces: Uint8Array[] = [];
  for (let offset = 0; offset < body.length; offset += LONG_STREAM_PIECE_BYTES) {
    // Copies, so each piece owns its bytes like a socket read does.
    pieces.push(new Uint8Array(body.subarray(offset, offset + LONG_STREAM_PIECE_BYTES)));
  }
  return { prompt: longPrompt(chunkCount), chunkCount, pieces, byteLength: body.length, text };
}
