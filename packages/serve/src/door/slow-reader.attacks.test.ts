import { request as httpRequest, type IncomingMessage } from 'node:http';
import { createAgent, createGemini } from '@gemloop/core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ownerOfBearer } from '../__fixtures__/order-fixtures.ts';
import { DOOR_KEYS, RUN_INPUT } from './__fixtures__/serve-all-doors.ts';
import { listenForTest } from './__fixtures__/serve-door.ts';
import { mountDoors } from './mount-doors.ts';
import { MAX_UNREAD_EVENT_BYTES } from './unread-cap.ts';

// attack49b: the other side of the unread cap (stalled-reader-memory): readers within it.
// - A slow reader: it reads nothing until the model has sent its whole answer (300 numbered
//   pieces, 1.2 MB of text, about 5 times a Gemini answer's most: 65,536 tokens), held by the door
//   and the sockets' buffers, then reads it all.
// - A reader that reads at once, and an answer of 6 MB from a model as fast as memory. The
//   Responses door sends the answer whole four more times at its end (`output_text.done`,
//   `content_part.done`, `output_item.done`, `completed`), AG-UI once (`RUN_FINISHED`): those
//   frames were judged by the cap too, and an answer past ~1.8 MB (Responses) or ~6 MB (AG-UI)
//   cut every client at the end, however fast it read. The end frames are no longer judged.
// Either way: every piece arrives, once, in order, and the stream ends cleanly.

const PIECE_CHARS = 4000;

/** Piece `index` of the answer: its number, then padding, so order and loss both show. */
const piece = (index: number) => `<${index}>`.padEnd(PIECE_CHARS, '.');

/** A Gemini streaming `pieces` pieces as fast as they are read; `done` once it sent the last. */
function numberedModel(pieces: number) {
  const state = { done: false };
  const encoder = new TextEncoder();
  const fetch = async () => {
    let index = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const last = index === pieces - 1;
        const chunk = {
          candidates: [
            {
              index: 0,
              content: { role: 'model', parts: [{ text: piece(index) }] },
              ...(last ? { finishReason: 'STOP' } : {}),
            },
          ],
        };
        controller.enqueue(encoder.encode(`data: ${JSON.stringify(chunk)}\r\n\r\n`));
        index += 1;
        if (last) {
          controller.close();
          state.done = true;
        }
      },
    });
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  };
  return { fetch: fetch as typeof globalThis.fetch, state };
}

/** Waits for `check` (a hang guard: the test's own time limit ends a wait that never comes). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** The answer's text deltas in an event stream of any of the doors. */
function deltasOf(text: string): string {
  let answer = '';
  for (const line of text.split('\n')) {
    if (!line.startsWith('data:')) continue;
    const data = line.slice(5).trim();
    if (data === '[DONE]') continue;
    const event = JSON.parse(data) as {
      type?: string;
      delta?: unknown;
      choices?: { delta?: { content?: unknown } }[];
    };
    const content = event.choices?.[0]?.delta?.content;
    if (typeof content === 'string') answer += content;
    else if (
      (event.type === 'response.output_text.delta' || event.type === 'TEXT_MESSAGE_CONTENT') &&
      typeof event.delta === 'string'
    )
      answer += event.delta;
  }
  return answer;
}

const DOORS: [string, string, unknown][] = [
  [
    'chat completions',
    '/v1/chat/completions',
    { model: 'support', messages: [{ role: 'user', content: 'Hi' }], stream: true },
  ],
  ['responses', '/v1/responses', { model: 'support', input: 'Hi', stream: true }],
  ['AG-UI', '/ag-ui', RUN_INPUT],
];

/** Streams `pieces` pieces through the door at `path`; `slow`: read nothing until they are sent. */
async function readAnswer(path: string, body: unknown, pieces: number, slow: boolean) {
  const model = numberedModel(pieces);
  const gemini = createGemini({ apiKey: 'gemini-secret-key', retry: false, fetch: model.fetch });
  const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
  const errors: unknown[] = [];
  const doors = mountDoors({
    authorize: (request) => ownerOfBearer(DOOR_KEYS, request),
    onError: (error) => errors.push(error),
    openai: { agents: { support: agent } },
    agUi: { agent },
  });
  onTestFinished(() => doors.close());
  const base = new URL(await listenForTest(doors.handler));
  const text = JSON.stringify(body);
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const sent = httpRequest(
      {
        host: base.hostname,
        port: base.port,
        path,
        method: 'POST',
        headers: {
          authorization: `Bearer ${DOOR_KEYS.alice}`,
          'content-type': 'application/json',
          accept: 'text/event-stream',
          'content-length': Buffer.byteLength(text),
        },
      },
      resolve,
    );
    sent.on('error', reject);
    sent.end(text);
  });
  onTestFinished(() => void response.destroy());
  if (slow) {
    response.pause();
    await until(() => model.state.done);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  expect(response.complete).toBe(true);
  expect(errors).toEqual([]);
  return deltasOf(Buffer.concat(chunks).toString('utf8'));
}

const whole = (pieces: number) =>
  Array.from({ length: pieces }, (_, index) => piece(index)).join('');

describe('readers within the unread cap get every byte, in order', () => {
  it.each(DOORS)('%s: a slow reader, a 1.2 MB answer', async (_name, path, body) => {
    // The Responses door's whole stream (the deltas, then the answer four times) within the cap.
    expect(5 * 300 * PIECE_CHARS).toBeLessThan(MAX_UNREAD_EVENT_BYTES);
    expect(await readAnswer(path, body, 300, true)).toBe(whole(300));
  });

  it.each(DOORS)('%s: a reader that reads at once, a 6 MB answer', async (_name, path, body) => {
    expect(await readAnswer(path, body, 1500, false)).toBe(whole(1500));
  });
});
