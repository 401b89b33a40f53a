import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../agent/agent-event.ts';
import { parseSse, readBody } from './__fixtures__/read-sse.ts';
import {
  type DurableEventEntry,
  toDurableEventStreamResponse,
} from './to-durable-event-stream-response.ts';

// A durable run's stored text delta (or guardrail retraction) longer than a page takes
// (leftovers55, after attack45b fixed the live stream): `toDurableEventStreamResponse` sent it as
// ONE event, 1.5 MB of JSON against `@gemloop/client`'s `maxEventChars` (1,000,000), and the page
// lost the run. Its SSE ids are the store's offsets, one per stored event, so pieces need ids of
// their own that a resume can name: `<offset>:<piece>` for every piece but the last, which keeps
// the plain offset (a page that has it has the whole entry).

const CLIENT_MAX_EVENT_CHARS = 1_000_000;
/** 1,500,000 characters, each 10 a different number: a piece sent twice or skipped shows. */
const LONG = Array.from(
  { length: 150_000 },
  (_, index) => `${String(index).padStart(9, '0')},`,
).join('');

const entry = (event: Record<string, unknown>): AgentEvent<unknown> =>
  ({ path: [], stepNumber: 1, ...event }) as unknown as AgentEvent<unknown>;

function store(events: AgentEvent<unknown>[]) {
  return (offset: number): AsyncIterable<DurableEventEntry> =>
    (async function* () {
      for (let index = offset; index < events.length; index++) {
        yield { offset: index, event: events[index] as AgentEvent<unknown> };
      }
    })();
}

async function served(events: AgentEvent<unknown>[], lastEventId?: string) {
  const response = toDurableEventStreamResponse(
    { headers: lastEventId === undefined ? {} : { 'last-event-id': lastEventId } },
    {
      runId: 'd1',
      events: store(events),
      ended: async () => ({ outcome: 'aborted' }),
      heartbeatMs: 0,
    },
  );
  const text = await readBody(response.body as ReadableStream<Uint8Array>);
  const frames = text.split('\n\n').filter((frame) => frame !== '');
  return { frames, events: parseSse(text).events };
}

/** The step's text as a page folds it: a delta appends, a retraction replaces. */
function fold(events: { data: { type: string; text?: string } }[], start = ''): string {
  let text = start;
  for (const { data } of events) {
    if (data.type === 'text-delta') text += data.text;
    if (data.type === 'text-retraction') text = data.text ?? '';
  }
  return text;
}

const run = [
  entry({ type: 'text-delta', text: 'Before. ' }),
  entry({ type: 'text-delta', text: LONG }),
  entry({ type: 'text-delta', text: ' After.' }),
];

describe('a durable run`s long delta', () => {
  it('goes in pieces under the client`s limit, ids <offset>:<piece> and the last the offset', async () => {
    const { frames, events } = await served(run);
    expect(Math.max(...frames.map((frame) => frame.length))).toBeLessThan(CLIENT_MAX_EVENT_CHARS);
    expect(events.map((event) => event.id)).toEqual([
      '-1',
      '0',
      ...Array.from({ length: 14 }, (_, piece) => `1:${piece}`),
      '1',
      '2',
      '4',
    ]);
    expect(fold(events)).toBe(`Before. ${LONG} After.`);
  });

  it('resumes exactly after any piece: the rest of the entry, then the run', async () => {
    for (const piece of [0, 6, 13]) {
      const { events } = await served(run, `1:${piece}`);
      expect(events[0]?.id).toBe(piece === 13 ? '1' : `1:${piece + 1}`);
      const had = LONG.slice(0, (piece + 1) * 100_000);
      expect(fold(events, `Before. ${had}`)).toBe(`Before. ${LONG} After.`);
    }
    // After the last piece (the plain offset): nothing of the entry again.
    const after = await served(run, '1');
    expect(after.events.map((event) => event.id)).toEqual(['2', '4']);
  });

  it('a long retraction: a retraction to its first piece, then deltas; a resume between them exact', async () => {
    const retracted = [
      entry({ type: 'text-delta', text: 'Draft.' }),
      entry({ type: 'guardrail-retraction', text: '\u0001'.repeat(200_000) + LONG }),
    ];
    const whole = '\u0001'.repeat(200_000) + LONG;
    const { frames, events } = await served(retracted);
    expect(Math.max(...frames.map((frame) => frame.length))).toBeLessThan(CLIENT_MAX_EVENT_CHARS);
    expect(events[2]?.data.type).toBe('text-retraction');
    expect(fold(events)).toBe(whole);
    const resumed = await served(retracted, '1:0');
    expect(resumed.events[0]?.data.type).toBe('text-delta');
    expect(fold(resumed.events, whole.slice(0, 100_000))).toBe(whole);
  });

  it('keeps an event a page takes whole as one event, its id the offset', async () => {
    const { events } = await served([entry({ type: 'text-delta', text: 'a'.repeat(300_000) })]);
    expect(events.map((event) => event.id)).toEqual(['-1', '0', '2']);
  });
});
