import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../agent/agent-event.ts';
import { type IndexedEvent, IndexedKeyHold } from './indexed-key-hold.ts';

// A Google-shaped key (39 characters) and a second client's, sharing its first four.
const KEY = 'AIzaSyD-key-leaks-0123456789abcdefghijk';
const OTHER = 'AIzaOther-second-client-key-000';

type Delta = {
  type: 'text-delta' | 'thought-delta';
  path: string[];
  stepNumber: number;
  text: string;
};

const delta = (text: string, type: Delta['type'] = 'text-delta', path: string[] = []): Delta => ({
  type,
  path,
  stepNumber: 1,
  text,
});
const stepEnd = (path: string[] = []) =>
  ({
    type: 'step-end',
    path,
    step: { stepNumber: 1, text: 'x' },
  }) as unknown as AgentEvent<unknown>;

/**
 * The store `events` make, pushed at indices 0, 1, ... then ended; the most characters held, and
 * the lowest index held after each push.
 */
function store(keys: readonly string[], events: readonly (Delta | AgentEvent<unknown>)[]) {
  const hold = new IndexedKeyHold(() => keys);
  const stored: (AgentEvent<unknown> | undefined)[] = events.map(() => undefined);
  const put = (out: readonly IndexedEvent[]) => {
    for (const { index, event } of out) {
      expect(stored[index], `index ${index} stored twice`).toBeUndefined();
      stored[index] = event;
    }
  };
  let mostHeld = 0;
  events.forEach((event, index) => {
    put(hold.push(index, event as AgentEvent<unknown>));
    // Every index below heldFrom is stored, none at or above it that came as a delta held.
    const from = hold.heldFrom();
    for (let below = 0; below < Math.min(from, index + 1); below++) {
      expect(stored[below], `index ${below} below heldFrom ${from}`).toBeDefined();
    }
    let held = 0;
    for (let at = 0; at <= index; at++) {
      if (stored[at] === undefined) held += (events[at] as Delta).text.length;
    }
    mostHeld = Math.max(mostHeld, held);
  });
  put(hold.end());
  expect(hold.heldFrom()).toBe(Number.POSITIVE_INFINITY);
  const texts = stored.map((event) => (event as Partial<Delta>).text ?? '');
  return { stored: stored as AgentEvent<unknown>[], texts, mostHeld };
}

/** No suffix of the store (a reader resuming at any index) holds a key. */
function expectNoKeyFromAnyIndex(texts: readonly string[], keys: readonly string[]) {
  for (let from = 0; from < texts.length; from++) {
    const rest = texts.slice(from).join('');
    for (const key of keys) expect(rest, `from index ${from}`).not.toContain(key);
  }
}

describe('IndexedKeyHold: a key never stored, every event at its index', () => {
  const line = `My config: key=${KEY}, done.`;
  const shown = 'My config: key=[redacted], done.';

  it('split in two and in three at every position', () => {
    for (let a = 0; a <= line.length; a++) {
      const two = store([KEY], [delta(line.slice(0, a)), delta(line.slice(a)), stepEnd()]);
      expect(two.texts.join(''), `cut at ${a}`).toBe(shown);
      expectNoKeyFromAnyIndex(two.texts, [KEY]);
      for (let b = a; b <= line.length; b += 3) {
        const parts = [line.slice(0, a), line.slice(a, b), line.slice(b)];
        const three = store([KEY], [...parts.map((part) => delta(part)), stepEnd()]);
        expect(three.texts.join(''), `cuts at ${a}, ${b}`).toBe(shown);
        expectNoKeyFromAnyIndex(three.texts, [KEY]);
        expect(three.stored).toHaveLength(4);
      }
    }
  });

  it('in 1-character deltas: the marker where the key starts, the rest of it empty', () => {
    const { texts, mostHeld } = store([KEY], [...[...line].map((char) => delta(char)), stepEnd()]);
    const at = line.indexOf(KEY);
    expect(texts[at]).toBe('[redacted]');
    expect(texts.slice(at + 1, at + KEY.length)).toEqual(Array(KEY.length - 1).fill(''));
    expect(texts.join('')).toBe(shown);
    expect(mostHeld).toBeLessThanOrEqual(KEY.length - 1);
  });

  it('two keys, back to back, apart and overlapping in their start, in 3-character deltas', () => {
    const text = `${KEY}${OTHER} and AIza ${OTHER}, ${KEY}!`;
    const deltas = text.match(/.{1,3}/gs) as string[];
    const { texts } = store([KEY, OTHER], [...deltas.map((part) => delta(part)), stepEnd()]);
    expect(texts.join('')).toBe('[redacted][redacted] and AIza [redacted], [redacted]!');
    expectNoKeyFromAnyIndex(texts, [KEY, OTHER]);
  });

  it('a delta that ends one key and may start the next waits with the first key’s end dropped', () => {
    const { texts } = store(
      [KEY, OTHER],
      [
        delta(`x ${KEY.slice(0, 10)}`),
        delta(`${KEY.slice(10)} AIza`),
        delta(`${OTHER.slice(4)}.`),
        stepEnd(),
      ],
    );
    expect(texts.slice(0, 3)).toEqual(['x [redacted]', ' [redacted]', '.']);
  });

  it('a key from a thought into the answer: each delta keeps its kind, the marker in the thought', () => {
    const { stored } = store(
      [KEY],
      [
        delta(`think ${KEY.slice(0, 10)}`, 'thought-delta'),
        delta(`${KEY.slice(10)} said`),
        stepEnd(),
      ],
    );
    expect(stored.slice(0, 2)).toEqual([
      delta('think [redacted]', 'thought-delta'),
      delta(' said'),
    ]);
  });

  it('a key cut off by the end of the step’s text: its start leaves with the step-end, at its own index', () => {
    const { stored, texts } = store([KEY], [delta('see AIzaSy'), stepEnd(), delta('D-key')]);
    expect(texts).toEqual(['see AIzaSy', '', 'D-key']);
    expect(stored[1]?.type).toBe('step-end');
  });

  it('holds one path’s deltas only until that path’s text ends; events of another path wait behind them', () => {
    const hold = new IndexedKeyHold(() => [KEY]);
    // 'AIza' could start the key: index 0 waits, and a store takes nothing from it on.
    expect(hold.push(0, delta('key AIza') as AgentEvent<unknown>)).toEqual([]);
    expect(hold.heldFrom()).toBe(0);
    expect(hold.push(1, delta('child', 'text-delta', ['sub']) as AgentEvent<unknown>)).toEqual([
      { index: 1, event: delta('child', 'text-delta', ['sub']) },
    ]);
    expect(hold.heldFrom()).toBe(0);
    expect(hold.push(2, stepEnd(['sub']))).toHaveLength(1);
    expect(hold.heldFrom()).toBe(0);
    const out = hold.push(3, stepEnd());
    expect(out[0]).toEqual({ index: 0, event: delta('key AIza') });
    expect(hold.heldFrom()).toBe(Number.POSITIVE_INFINITY);
  });

  it('every other event is copied only where it holds a key; no key, every event as it came', () => {
    const call = {
      type: 'tool-call',
      path: [],
      stepNumber: 1,
      id: 'c1',
      name: 'save',
      args: { note: `use ${KEY}` },
    } as unknown as AgentEvent<unknown>;
    const plain = { ...call, args: { note: 'none' } } as AgentEvent<unknown>;
    const hold = new IndexedKeyHold(() => [KEY]);
    const [first] = hold.push(0, call);
    expect(first?.event).toEqual({ ...call, args: { note: 'use [redacted]' } });
    expect(hold.push(1, plain)[0]?.event).toBe(plain);
    const none = new IndexedKeyHold(() => []);
    const text = delta(`say ${KEY.slice(0, 5)}`) as AgentEvent<unknown>;
    expect(none.push(0, text)).toEqual([{ index: 0, event: text }]);
    expect(none.push(1, call)[0]?.event).toBe(call);
  });

  // key-leaks3: a run's text cut off mid-key (8 characters or more of it) keeps no start of it.
  it('a key cut off by the end of the run: a start of 8 characters or more carries [redacted]', () => {
    const { texts } = store(
      [KEY],
      [delta('see '), delta(KEY.slice(0, 5)), delta(KEY.slice(5, 20))],
    );
    expect(texts).toEqual(['see ', '[redacted]', '']);
  });

  // key-leaks3: a plugin's hand-off names a receiver no tool names; its keys are known from its
  // take-over on, so the hold reads them again at the `handoff` event. On main it kept the first.
  it("reads the keys again at a handoff event: the receiver's key after it is held back", () => {
    let keys: readonly string[] = [KEY];
    const hold = new IndexedKeyHold(() => keys);
    const out: IndexedEvent[] = [...hold.push(0, delta('before') as AgentEvent<unknown>)];
    keys = [KEY, OTHER];
    const handoff = { type: 'handoff', path: [], stepNumber: 1, from: 'a', to: 'b' };
    out.push(...hold.push(1, handoff as unknown as AgentEvent<unknown>));
    out.push(...hold.push(2, delta(`mine is ${OTHER}.`) as AgentEvent<unknown>));
    out.push(...hold.end());
    expect(JSON.stringify(out)).not.toContain(OTHER);
    expect(out.find((event) => event.index === 2)?.event).toMatchObject({
      text: 'mine is [redacted].',
    });
  });
});
