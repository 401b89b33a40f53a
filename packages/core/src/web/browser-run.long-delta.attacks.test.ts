import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../agent/agent-event.ts';
import { parseSse, readBody } from './__fixtures__/read-sse.ts';
import type { AgentEventSource } from './browser-run.ts';
import { toEventStreamResponse } from './to-event-stream-response.ts';

// One text or thought delta longer than a page takes (attack45b). A gateway that hands the loop a
// whole answer as one part (or a model part of 1.5 MB) became one `text-delta` event past
// `@gemloop/client`'s `maxEventChars` (1,000,000): the page's stream ended with ClientError
// `limit` and, without a replay buffer, the run was aborted. JSON writes a control character in
// six (`\u0001`), so 200,000 of them made an event of 1.2 MB. attack27 bounded a call's arguments,
// ids and finish reason; the text itself was left whole. It now goes in pieces, each a delta of
// its own, the text the same once joined.

const CLIENT_MAX_EVENT_CHARS = 1_000_000;
/** Half of a pair without the other half: a piece cut inside a character. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function run(events: AgentEvent<unknown>[]): AgentEventSource {
  return {
    async *[Symbol.asyncIterator]() {
      yield* events;
    },
    abort() {},
  };
}
const delta = (type: 'text-delta' | 'thought-delta', text: string) =>
  ({ type, text, stepNumber: 1, path: [] }) as AgentEvent<unknown>;

async function served(events: AgentEvent<unknown>[]) {
  const response = toEventStreamResponse(run(events), { heartbeatMs: 0, thoughts: true });
  const text = await readBody(response.body as ReadableStream<Uint8Array>);
  const frames = text.split('\n\n').filter((frame) => frame !== '');
  return {
    frames,
    events: parseSse(text).events.map((event) => event.data as { type: string; text?: string }),
  };
}
const joined = (events: { type: string; text?: string }[], type: string) =>
  events
    .filter((event) => event.type === type)
    .map((event) => event.text)
    .join('');

describe('a delta longer than a page takes', () => {
  it.each([
    ['1,500,000 characters of text', 'text-delta', 'a'.repeat(1_500_000)],
    ['200,000 control characters (1.2 MB of JSON)', 'text-delta', '\u0001'.repeat(200_000)],
    ['a thought of 1,500,000 characters', 'thought-delta', 't'.repeat(1_500_000)],
    // Pieces never split a pair: each piece is well-formed UTF-16.
    ['1,000,000 characters of emoji', 'text-delta', '😀'.repeat(500_000)],
  ] as const)(
    '%s: in pieces under the client`s limit, the same text joined',
    async (_, type, text) => {
      const { frames, events } = await served([delta(type, 'Before. '), delta(type, text)]);
      expect(Math.max(...frames.map((frame) => frame.length))).toBeLessThan(CLIENT_MAX_EVENT_CHARS);
      expect(joined(events, type)).toBe(`Before. ${text}`);
      for (const event of events.filter((each) => each.type === type)) {
        expect(event.text).not.toMatch(LONE_SURROGATE);
      }
      expect(events.at(-1)?.type).toBe('finish');
    },
  );

  it('a delta of ordinary length stays one event', async () => {
    const { events } = await served([delta('text-delta', 'x'.repeat(50_000))]);
    expect(events.map((event) => event.type)).toEqual(['start', 'text-delta', 'finish']);
  });
  it('a retraction whose text is that long: the step replaced by its first piece, the rest appended', async () => {
    // A rewrite of 450,000 characters, 200,000 of them control characters: 1.45 MB of JSON.
    const long = `${'\u0001'.repeat(200_000)}${'r'.repeat(250_000)}`;
    const { frames, events } = await served([
      delta('text-delta', 'The streamed answer.'),
      {
        type: 'guardrail-retraction',
        stepNumber: 1,
        name: 'rewrite',
        text: long,
        path: [],
      } as AgentEvent<unknown>,
    ]);
    expect(Math.max(...frames.map((frame) => frame.length))).toBeLessThan(CLIENT_MAX_EVENT_CHARS);
    // As a client folds them: a retraction replaces its step's text, a delta appends to it.
    let step = '';
    for (const event of events) {
      if (event.type === 'text-delta') step += event.text;
      if (event.type === 'text-retraction') step = event.text ?? '';
    }
    expect(step).toBe(long);
    expect(events.filter((event) => event.type === 'text-retraction')).toHaveLength(1);
  });
});
