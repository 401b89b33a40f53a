import { describe, expect, it } from 'vitest';
import type { LiveEvent } from './live-event.ts';
import { LiveEventQueue } from './live-event-queue.ts';

// The queue between a live session's socket and its one reader: events come out in order, the
// queue refuses to grow past its byte bound (a reader that stopped reading), and the end or the
// failure reaches the reader after every queued event.

const text = (value: string): LiveEvent => ({ type: 'text-delta', text: value });
const audio = (bytes: number): LiveEvent => ({
  type: 'audio',
  data: 'A'.repeat(bytes),
  mimeType: 'audio/pcm',
});

async function drain(queue: LiveEventQueue): Promise<{ events: LiveEvent[]; error: unknown }> {
  const events: LiveEvent[] = [];
  try {
    for await (const event of queue) events.push(event);
  } catch (error) {
    return { events, error };
  }
  return { events, error: undefined };
}

describe('LiveEventQueue', () => {
  it('gives the reader every event in order, then ends', async () => {
    const queue = new LiveEventQueue(1_000_000);
    queue.push(text('a'));
    queue.push({ type: 'interrupted' });
    queue.push(text('b'));
    queue.end();
    const { events, error } = await drain(queue);
    expect(error).toBeUndefined();
    expect(events).toEqual([text('a'), { type: 'interrupted' }, text('b')]);
  });

  it('wakes a reader waiting for the next event', async () => {
    const queue = new LiveEventQueue(1_000_000);
    const reading = drain(queue);
    await Promise.resolve();
    queue.push(text('late'));
    await new Promise((resolve) => setImmediate(resolve));
    queue.push(text('later'));
    queue.end();
    expect((await reading).events).toEqual([text('late'), text('later')]);
  });

  it('throws the failure after the events queued before it', async () => {
    const queue = new LiveEventQueue(1_000_000);
    const failure = new Error('socket closed');
    queue.push(text('kept'));
    queue.end(failure);
    queue.end(new Error('a second end is ignored'));
    const { events, error } = await drain(queue);
    expect(events).toEqual([text('kept')]);
    expect(error).toBe(failure);
  });

  it('refuses an event past the byte bound, keeps the ones before, and takes more once read', async () => {
    // An audio event counts its data length plus 64.
    const queue = new LiveEventQueue(2 * (100 + 64));
    expect(queue.push(audio(100))).toBe(true);
    expect(queue.push(audio(100))).toBe(true);
    expect(queue.push(audio(1))).toBe(false);
    const iterator = queue[Symbol.asyncIterator]();
    await iterator.next();
    // One read freed 164 bytes: an event of that size fits again, one byte more does not.
    expect(queue.push(audio(101))).toBe(false);
    expect(queue.push(audio(100))).toBe(true);
    queue.end();
    const rest: LiveEvent[] = [];
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next())
      rest.push(next.value);
    expect(rest).toHaveLength(2);
  });

  it('counts text as two bytes a character, and other events at a flat size', () => {
    const queue = new LiveEventQueue(64 + 2 * 10);
    expect(queue.push(text('x'.repeat(11)))).toBe(false);
    expect(queue.push(text('x'.repeat(10)))).toBe(true);
    const flat = new LiveEventQueue(255);
    expect(flat.push({ type: 'interrupted' })).toBe(false);
  });

  it('takes and drops events pushed after the end without growing', async () => {
    const queue = new LiveEventQueue(100);
    queue.end();
    expect(queue.push(audio(10_000))).toBe(true);
    expect((await drain(queue)).events).toEqual([]);
  });

  it('has one reader: a second iteration fails', async () => {
    const queue = new LiveEventQueue(1000);
    queue.push(text('a'));
    const first = queue[Symbol.asyncIterator]();
    await first.next();
    const second = queue[Symbol.asyncIterator]();
    await expect(second.next()).rejects.toThrow(/one reader/);
  });

  it('keeps order across the compaction of a long session (thousands of events)', async () => {
    const queue = new LiveEventQueue(Number.MAX_SAFE_INTEGER);
    const iterator = queue[Symbol.asyncIterator]();
    const seen: string[] = [];
    for (let round = 0; round < 5; round++) {
      for (let index = 0; index < 1500; index++) queue.push(text(`${round}:${index}`));
      for (let index = 0; index < 1200; index++) {
        const next = await iterator.next();
        seen.push((next.value as { text: string }).text);
      }
    }
    queue.end();
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
      seen.push((next.value as { text: string }).text);
    }
    const expected = Array.from({ length: 5 }, (_, round) =>
      Array.from({ length: 1500 }, (_, index) => `${round}:${index}`),
    ).flat();
    expect(seen).toEqual(expected);
  });
});
