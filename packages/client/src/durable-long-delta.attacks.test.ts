import { type DurableEventEntry, toDurableEventStreamResponse } from '@gemloop/core/web';
import { describe, expect, it } from 'vitest';
import { agentEvents } from './agent-events.ts';
import { streamAgent } from './stream-agent.ts';

// A durable run whose store holds a 1.5 MB text delta (leftovers55): its stream sent it as one
// event past the client's `maxEventChars` (1,000,000) and the page lost the run (`limit`). Now in
// pieces, ids `<offset>:<piece>`; a connection cut between two pieces resumes after the piece the
// page has: the text once, in order.

/** 1,500,000 characters, each 10 a different number: a piece sent twice or skipped shows. */
const LONG = Array.from(
  { length: 150_000 },
  (_, index) => `${String(index).padStart(9, '0')},`,
).join('');
const stored: DurableEventEntry[] = ['Before. ', LONG, ' After.'].map((text, offset) => ({
  offset,
  event: { type: 'text-delta', path: [], stepNumber: 1, text },
}));

/** The durable route; its first answer cut after `cutAfter` events (a proxy's drop). */
function durableRoute(cutAfter: number, { replayAll = false } = {}) {
  const lastEventIds: (string | null)[] = [];
  const fetch = async (_url: unknown, init?: RequestInit): Promise<Response> => {
    const request = new Request('http://x/runs/d1/events', init);
    lastEventIds.push(request.headers.get('last-event-id'));
    // A server that replays too much: every event again, from its start.
    const served = replayAll ? new Request('http://x/runs/d1/events') : request;
    const response = toDurableEventStreamResponse(served, {
      runId: 'd1',
      events: async function* (offset: number): AsyncGenerator<DurableEventEntry> {
        yield* stored.slice(offset);
      },
      ended: async () => ({ outcome: 'aborted' }),
      heartbeatMs: 0,
    });
    if (lastEventIds.length > 1) return response;
    const text = await response.text();
    const frames = text.split('\n\n').slice(0, cutAfter);
    return new Response(frames.map((frame) => `${frame}\n\n`).join(''), {
      headers: response.headers,
    });
  };
  return { fetch, lastEventIds };
}

describe('a durable run read from its start', () => {
  // Its `start` has id -1 (the store's offsets begin at 0): the client took only digits as an
  // id and refused every durable run a page began reading (`protocol`), short ones too.
  it('is read: the start`s id -1 is the protocol`s', async () => {
    const response = () =>
      toDurableEventStreamResponse(new Request('http://x/runs/d2/events'), {
        runId: 'd2',
        events: async function* (): AsyncGenerator<DurableEventEntry> {
          yield { offset: 0, event: { type: 'text-delta', path: [], stepNumber: 1, text: 'Hi.' } };
        },
        ended: async () => ({ outcome: 'aborted' }),
        heartbeatMs: 0,
      });
    const result = await streamAgent('http://x/runs/d2/events', {
      fetch: async () => response(),
      method: 'GET',
    });
    expect(result.text).toBe('Hi.');
  });
});

describe('a durable run`s 1.5 MB delta on the page', () => {
  it('arrives whole, in pieces under the limit', async () => {
    const { fetch } = durableRoute(Number.POSITIVE_INFINITY);
    const result = await streamAgent('http://x/runs/d1/events', { fetch, method: 'GET' });
    expect(result.text).toBe(`Before. ${LONG} After.`);
    expect(result.finish?.outcome).toBe('aborted');
  });

  it('resumes between two pieces from the piece it has: the text once, in order', async () => {
    // start, `Before. `, then pieces 0-4 of the long entry: cut.
    const { fetch, lastEventIds } = durableRoute(7);
    const points: (string | undefined)[] = [];
    let text = '';
    for await (const event of agentEvents('http://x/runs/d1/events', {
      fetch,
      method: 'GET',
      reconnectDelayMs: 0,
      onResumePoint: (point) => points.push(point?.lastEventId),
    })) {
      if (event.type === 'text-delta') text += event.text;
    }
    expect(lastEventIds).toEqual([null, '1:4']);
    expect(text).toBe(`Before. ${LONG} After.`);
    expect(points.slice(0, 4)).toEqual(['-1', '0', '1:0', '1:1']);
  });

  it('shows no piece twice when the server sends again what the page has', async () => {
    const { fetch, lastEventIds } = durableRoute(7, { replayAll: true });
    let text = '';
    for await (const event of agentEvents('http://x/runs/d1/events', {
      fetch,
      method: 'GET',
      reconnectDelayMs: 0,
    })) {
      if (event.type === 'text-delta') text += event.text;
    }
    expect(lastEventIds).toEqual([null, '1:4']);
    expect(text).toBe(`Before. ${LONG} After.`);
  });
});
