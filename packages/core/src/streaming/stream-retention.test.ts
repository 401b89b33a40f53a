import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createByteStream } from './__fixtures__/gemini-fixtures.ts';
import { createStreamAccumulator } from './create-stream-accumulator.ts';
import { parseGenerateContentStream } from './parse-generate-content-stream.ts';

// What a long stream keeps alive per chunk, measured on the heap after a full GC at two points of
// the same stream: a per-chunk retention (the chunks, their events, the queue's consumed slots)
// shows as hundreds of bytes per chunk, the answer's own text as a few dozen. A byte count after
// a full GC, not a time: the load of the machine does not move it.
//
// A full GC on demand without --expose-gc on the worker (as create-node-transport.test.ts does).
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const CHUNKS = 20_000;
/** Where the two heap readings are taken: past the warm-up, before the last chunks. */
const FIRST_READING = 2_000;
const LAST_READING = 18_000;
/**
 * The text of the answer is kept, joined into flat segments as it comes: 10 to 25 B per
 * 24-character delta on Node 20. Kept as a rope of its deltas (`text +=`, a cons cell and the
 * delta itself) it measured 62 to 72 B; keeping every chunk 480 B per chunk, and an event queue
 * that never drops the events already read 134 B: all three fail this bound.
 */
const MAX_RETAINED_BYTES_PER_CHUNK = 48;

const WORDS = ['gemini', 'streams', 'text', 'in', 'small', 'deltas', 'and', 'the', 'client'];

/**
 * A Gemini 3 text answer of `count` chunks as the API streams it (a whole response per chunk,
 * cumulative usage on each, the signature on a last empty part), CRLF framed and cut into 16 KB
 * pieces across event boundaries, as socket reads arrive. The same shape as the bench's
 * long-stream scenario (`bench/src/script/long-stream.ts`).
 */
function longAnswer(count: number): { pieces: Uint8Array[]; text: string } {
  const events: string[] = [];
  let text = '';
  for (let index = 0; index < count; index++) {
    let delta = '';
    for (let word = 0; word < 4; word++)
      delta += `${WORDS[(index * 7 + word * 3) % WORDS.length]} `;
    text += delta;
    events.push(event({ parts: [{ text: delta }] }, 5 * (index + 1)));
  }
  events.push(
    event({ parts: [{ text: '', thoughtSignature: 'c2lnbmF0dXJl' }] }, 5 * count, 'STOP'),
  );
  const body = new TextEncoder().encode(events.join(''));
  const pieces: Uint8Array[] = [];
  for (let offset = 0; offset < body.length; offset += 16 * 1024) {
    pieces.push(body.slice(offset, offset + 16 * 1024));
  }
  return { pieces, text };
}

function event(content: { parts: object[] }, candidates: number, finishReason?: string): string {
  const chunk = {
    candidates: [{ content: { ...content, role: 'model' }, index: 0, finishReason }],
    usageMetadata: {
      promptTokenCount: 32,
      candidatesTokenCount: candidates,
      totalTokenCount: 32 + candidates,
    },
    modelVersion: 'gemini-3-flash-preview',
    responseId: 'rWb1aO7lKpSbz7IPvPGJkQk',
  };
  return `data: ${JSON.stringify(chunk)}\r\n\r\n`;
}

/** Heap bytes in use after a full GC. */
function liveHeap(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** Reads the live heap at the two readings (by chunk number); the bytes kept per chunk between. */
function createRetentionProbe(): { at(chunk: number): void; perChunk(): number } {
  let first = 0;
  let last = 0;
  return {
    at(chunk) {
      if (chunk === FIRST_READING) first = liveHeap();
      else if (chunk === LAST_READING) last = liveHeap();
    },
    perChunk: () => (last - first) / (LAST_READING - FIRST_READING),
  };
}

describe('a 20,000-chunk stream keeps only its text alive, not its chunks', () => {
  const answer = longAnswer(CHUNKS);

  it('in the parser and the stream accumulator', async () => {
    const probe = createRetentionProbe();
    const accumulator = createStreamAccumulator();
    let chunks = 0;
    const { body } = createByteStream(answer.pieces);
    for await (const chunk of parseGenerateContentStream({
      body,
      url: 'http://127.0.0.1/v1beta/models/m:streamGenerateContent?alt=sse',
      method: 'streamGenerateContent',
    })) {
      accumulator.push(chunk);
      probe.at(++chunks);
    }
    expect(accumulator.response().candidates?.[0]?.content?.parts?.[0]?.text).toBe(answer.text);
    expect(probe.perChunk()).toBeLessThan(MAX_RETAINED_BYTES_PER_CHUNK);
  });

  it('in agent.stream, events read as they come', async () => {
    const probe = createRetentionProbe();
    const agent = createAgent({
      gemini: createGemini({
        apiKey: 'test-key',
        baseUrl: 'http://127.0.0.1:9',
        // The body from memory: no socket, so only the client's and the agent's objects count.
        fetch: async () =>
          new Response(createByteStream(answer.pieces).body, {
            headers: { 'content-type': 'text/event-stream' },
          }),
      }),
      model: 'gemini-3-flash-preview',
    });
    const stream = agent.stream('Write a long answer.');
    let deltas = 0;
    for await (const agentEvent of stream) {
      if (agentEvent.type === 'text-delta') probe.at(++deltas);
    }
    expect((await stream.result).text).toBe(answer.text);
    expect(deltas).toBe(CHUNKS);
    expect(probe.perChunk()).toBeLessThan(MAX_RETAINED_BYTES_PER_CHUNK);
  });
});
