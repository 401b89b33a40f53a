import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../agent/agent-event.ts';
import { createScanMemo } from '../shared/scan-memo.ts';
import { type IndexedEvent, IndexedKeyHold } from './indexed-key-hold.ts';

// leftovers62 (issue 53): a durable run executed again (resumed after a pause, taken over) emits
// its events again from the start. The indices its stream already holds are neither scanned
// nor given back (`skipStored`); a text that goes on past them is still cut where a key runs on.

const KEY = 'AIzaSyD-stored-skip-0123456789abcdefghi';

const delta = (text: string, stepNumber = 1) =>
  ({ type: 'text-delta', path: [], stepNumber, text }) as AgentEvent<unknown>;
const toolResult = (output: string) =>
  ({
    type: 'tool-result',
    path: [],
    stepNumber: 1,
    id: 'c1',
    name: 'lookup',
    output,
  }) as unknown as AgentEvent<unknown>;
const stepEnd = (stepNumber = 1) =>
  ({
    type: 'step-end',
    path: [],
    step: { stepNumber, text: 'x' },
  }) as unknown as AgentEvent<unknown>;

/** What `events` give back pushed at 0, 1, ... with `stored` skipped, then ended. */
function pushAll(hold: IndexedKeyHold, events: readonly AgentEvent<unknown>[]): IndexedEvent[] {
  const out: IndexedEvent[] = [];
  events.forEach((event, index) => {
    out.push(...hold.push(index, event));
  });
  out.push(...hold.end());
  return out;
}

describe('IndexedKeyHold.skipStored (leftovers62)', () => {
  it('scans and gives back nothing below the stored indices, and everything from them on', () => {
    const long = 'y'.repeat(2000);
    const events = [
      delta('Looking '),
      delta('it up.'),
      toolResult(`${long} ${KEY}`),
      stepEnd(),
      toolResult(`${long} and ${KEY} again`),
      stepEnd(2),
    ];
    const memo = createScanMemo();
    const hold = new IndexedKeyHold(() => [KEY], memo);
    hold.skipStored(4);
    const out = pushAll(hold, events);
    expect(out.map(({ index }) => index)).toEqual([4, 5]);
    expect(JSON.stringify(out)).not.toContain(KEY);
    expect(JSON.stringify(out[0]?.event)).toContain('and [redacted] again');
    // Only the new tool result (twice: found, then cut) and the short step-end were scanned, not
    // the stored one (which would double it: 8,490 with nothing skipped).
    expect(memo.scannedChars).toBeGreaterThan(2 * long.length);
    expect(memo.scannedChars).toBeLessThan(2.5 * long.length);
  });

  it('cuts the rest of a key that starts in a stored delta out of the deltas after them', () => {
    // An earlier execution stored the first two deltas (its preview of a streamed call), the
    // key's start cut from them; the rest of the key comes at the first index not stored.
    const events = [delta('The key: '), delta(KEY.slice(0, 20)), delta(`${KEY.slice(20)} ok.`)];
    const hold = new IndexedKeyHold(() => [KEY]);
    hold.skipStored(2);
    const out: IndexedEvent[] = [];
    events.forEach((event, index) => {
      out.push(...hold.push(index, event));
      // The stored deltas hold nothing back: a store takes every index from 2 on at once.
      if (index < 2) expect(out).toEqual([]);
      if (index < 2) expect(hold.heldFrom()).toBe(Number.POSITIVE_INFINITY);
    });
    out.push(...hold.end());
    const texts = out.map(({ event }) => (event as { text: string }).text);
    expect(out.map(({ index }) => index)).toEqual([2]);
    expect(texts).toEqual([' ok.']);
    expect(hold.heldFrom()).toBe(Number.POSITIVE_INFINITY);
  });

  it('drops a stored text once a stored event ends it, unscanned', () => {
    const memo = createScanMemo();
    const hold = new IndexedKeyHold(() => [KEY], memo);
    hold.skipStored(3);
    const out = pushAll(hold, [delta('x'.repeat(5000)), delta(KEY), stepEnd(), stepEnd(2)]);
    expect(out.map(({ index }) => index)).toEqual([3]);
    expect(memo.scannedChars).toBeLessThan(100);
    expect(hold.heldFrom()).toBe(Number.POSITIVE_INFINITY);
  });

  it('without stored indices gives back what it gave before', () => {
    const events = [delta('a '), delta(KEY), delta(' b'), stepEnd()];
    const plain = pushAll(new IndexedKeyHold(() => [KEY]), events);
    const skipped = new IndexedKeyHold(() => [KEY]);
    skipped.skipStored(0);
    expect(pushAll(skipped, events)).toEqual(plain);
    expect(JSON.stringify(plain)).not.toContain(KEY);
  });
});
