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

/** The long answer's text and body size, without its body: what a contender's process checks. */
export type LongAnswer = Omit<LongStream, 'pieces'>;

/**
 * Builds a Gemini 3 text stream of `chunkCount` text chunks plus the final empty signed chunk
 * with `finishReason`, each chunk a whole `GenerateContentResponse` with cumulative usage, as the
 * API sends them (about 330 bytes per chunk).
 */
export function createLongStream(chunkCount: number): LongStream {
  const events: string[] = [];
  const answer = eachLongEvent(chunkCount, (event) => events.push(event));
  const body = Buffer.from(events.join(''), 'utf8');
  const pieces: Uint8Array[] = [];
  for (let offset = 0; offset < body.length; offset += LONG_STREAM_PIECE_BYTES) {
    // Copies, so each piece owns its bytes like a socket read does.
    pieces.push(new Uint8Array(body.subarray(offset, offset + LONG_STREAM_PIECE_BYTES)));
  }
  return { ...answer, pieces };
}

/**
 * {@link createLongStream}'s prompt, text and byte length, without building the body: a
 * contender's process only checks the answer it got. Building the body there left about 15 MB of
 * short-lived strings and 14 MB of buffers in the measured process just before its first run, and
 * where V8 happened to collect them moved that process's peak RSS by up to 10 MB either way
 * (bench/RESULTS.md, "The 20,000-chunk stream's peak RSS without the fixture's garbage").
 */
export function createLongAnswer(chunkCount: number): LongAnswer {
  return eachLongEvent(chunkCount, () => {});
}

/** Makes the long stream's events in order, each handed to `onEvent`; returns its answer. */
function eachLongEvent(chunkCount: number, onEvent: (event: string) => void): LongAnswer {
  const random = createRandom(chunkCount);
  const responseId = randomToken(random, 22);
  // The text is written into one buffer and decoded once: a flat string and nothing else left on
  // the heap, where `text +=` per delta kept a rope of 20,000 pieces (1.6 MB) in the measured
  // process, and an array of the deltas 1 MB while it was built.
  let textBytes = Buffer.alloc(64 * 1024);
  let textLength = 0;
  let byteLength = 0;
  const emit = (event: string): void => {
    byteLength += Buffer.byteLength(event, 'utf8');
    onEvent(event);
  };
  for (let index = 0; index < chunkCount; index++) {
    let delta = '';
    for (let word = 0; word < 4; word++) {
      delta += `${WORDS[Math.floor(random() * WORDS.length)]} `;
    }
    const deltaBytes = Buffer.byteLength(delta, 'utf8');
    if (textLength + deltaBytes > textBytes.length) {
      const grown = Buffer.alloc(Math.max(textBytes.length * 2, textLength + deltaBytes));
      textBytes.copy(grown, 0, 0, textLength);
      textBytes = grown;
    }
    textLength += textBytes.write(delta, textLength, 'utf8');
    emit(
      sseEvent(
        responseBody({
          content: { parts: [{ text: delta }], role: 'model' },
          usage: { prompt: 32, candidates: 5 * (index + 1), thoughts: 0 },
          responseId,
        }),
      ),
    );
  }
  emit(
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
  const text = textBytes.toString('utf8', 0, textLength);
  return { prompt: longPrompt(chunkCount), chunkCount, text, byteLength };
}
