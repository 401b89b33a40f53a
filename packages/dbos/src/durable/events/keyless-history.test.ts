import type { AgentEvent, Content } from '@gemloop/core';
import { createScanMemo, IndexedKeyHold } from '@gemloop/core/internal';
import { describe, expect, it } from 'vitest';
import {
  type KeylessHistory,
  keylessContents,
  keysFingerprint,
  pushPastKeylessHistory,
  turnMark,
} from './keyless-history.ts';

// durable-scan50 (issue 53): a durable chat turn sends the thread as its run's history, and the
// run's `run-end` holds the whole thread (`result.contents`): each turn scanned every earlier one
// again, read back from Postgres as new objects (no memo hits): quadratic over a conversation
// (probed on the fake: 7,411 characters scanned at turn 1, 138,761 at turn 100). A turn's run
// that found no key marks it; the next turn's run skips the marked contents. Counted here without
// Postgres: the turns go through the hold-back as a worker's run-end does, the thread stored as
// JSON between turns (as the chat store and the run's input keep it).

const KEY = 'AIzaSyD-durable-scan-0123456789abcdefghi';
const KEYS = [KEY];
const TURNS = 40;
/** A turn's answer: about the ~1,090 characters a stored turn of leftovers61's probe had. */
const answer = (turn: number, withKey: boolean): string =>
  `Turn ${turn}: ${withKey ? `your key is ${KEY}. ` : ''}${'Order 7 shipped on Monday. '.repeat(40)}`;

type Stored = { contents: Content[]; keylessFor?: string };

/** The events of one turn's run: its step, and the run-end whose result holds the thread. */
function turnEvents(history: readonly Content[], turn: number, withKey: boolean) {
  const text = answer(turn, withKey);
  const newContents: Content[] = [
    { role: 'user', parts: [{ text: `Question ${turn}: where is order 7?` }] },
    { role: 'model', parts: [{ text }] },
  ];
  const result = {
    text,
    contents: [...history, ...newContents],
    newContents,
    steps: [{ stepNumber: 1, text }],
  };
  const events = [
    { type: 'step-start', path: [], stepNumber: 1, kind: 'text' },
    { type: 'text-delta', path: [], stepNumber: 1, text },
    { type: 'step-end', path: [], step: { stepNumber: 1, text } },
    { type: 'run-end', path: [], result },
  ] as unknown as AgentEvent<unknown>[];
  return { events, result };
}

/** The mark as sendDurableChatTurn reads it: the leading turns marked for the same keys. */
function markOf(turns: readonly Stored[]): KeylessHistory | undefined {
  const keys = turns[0]?.keylessFor;
  if (keys === undefined) return undefined;
  let contents = 0;
  for (const turn of turns) {
    if (turn.keylessFor !== keys) break;
    contents += turn.contents.length;
  }
  return { contents, keys };
}

/**
 * A conversation of {@link TURNS} turns, each a run of a fresh hold (a run's own memo) whose
 * history is the stored thread read back as new objects. `skip`: whether the run is given the
 * marks (false: the code before). `keyAt`: the turn whose answer holds the key.
 */
function converse(skip: boolean, keyAt?: number) {
  const turns: Stored[] = [];
  const scanned: number[] = [];
  const written: AgentEvent<unknown>[][] = [];
  for (let turn = 0; turn < TURNS; turn++) {
    const history = JSON.parse(JSON.stringify(turns)) as Stored[];
    const flat = history.flatMap((stored) => stored.contents);
    const memo = createScanMemo();
    const hold = new IndexedKeyHold(() => KEYS, memo);
    const keyless = skip ? keylessContents(history, markOf(history), KEYS) : [];
    const { events, result } = turnEvents(flat, turn, turn === keyAt);
    const out: AgentEvent<unknown>[] = [];
    let runEnd: AgentEvent<unknown> | undefined;
    events.forEach((event, index) => {
      for (const released of pushPastKeylessHistory(hold, index, event, keyless)) {
        out.push(released.event);
        if (released.index === events.length - 1) runEnd = released.event;
      }
    });
    for (const released of hold.end()) out.push(released.event);
    scanned.push(memo.scannedChars);
    written.push(out);
    // The worker marks the turn when its contents hold no key (through the run's memo).
    const mark = turnMark(result.newContents, KEYS, memo);
    if (runEnd === undefined) throw new Error('no run-end given back');
    turns.push({
      contents: result.newContents,
      ...(mark === undefined ? {} : { keylessFor: mark }),
    });
  }
  return { scanned, written, turns };
}

describe('a durable chat turn scans its own contents, not the thread again (durable-scan50)', () => {
  // The conversation as before the marks, once (it is the slow one: quadratic).
  let unmarked: ReturnType<typeof converse> | undefined;
  const before = (): ReturnType<typeof converse> => {
    unmarked ??= converse(false);
    return unmarked;
  };

  it('scans about one turn a turn over 40 turns, where it scanned the whole thread', () => {
    const { scanned } = converse(true);
    const first = scanned[0] as number;
    const total = scanned.reduce((sum, chars) => sum + chars, 0);
    // Each turn about what the first scanned (its own answer, in its delta, step-end, text and
    // contents); the bound is twice that a turn, over the conversation.
    for (const chars of scanned) expect(chars).toBeLessThan(1.5 * first);
    expect(total).toBeLessThan(2 * TURNS * first);
    // Before: turn 60 scanned the 59 turns before it again (quadratic), far over the bound.
    const quadratic = before().scanned.reduce((sum, chars) => sum + chars, 0);
    expect(quadratic).toBeGreaterThan(5 * TURNS * first);
  });

  it('gives back the run-end the agent emitted when nothing is cut, and the same events as a full scan', () => {
    const skipped = converse(true);
    expect(skipped.written).toEqual(before().written);
  });

  it('scans again from a turn that held a key: the key reaches no event of any later turn', () => {
    const keyAt = 3;
    const { written, turns, scanned } = converse(true, keyAt);
    // The turn whose answer held the key is not marked; those after it are, but the leading
    // marked turns stop before it, so every later run scans the thread from there.
    expect(turns.map((turn) => turn.keylessFor !== undefined)).toEqual(
      turns.map((_turn, index) => index !== keyAt),
    );
    for (const events of written) expect(JSON.stringify(events)).not.toContain(KEY);
    const last = written[TURNS - 1]?.at(-1) as { result: { contents: Content[] } };
    expect(JSON.stringify(last.result.contents[2 * keyAt + 1])).toContain('your key is [redacted]');
    // The thread from the key's turn on is scanned again (as before the marks) ...
    expect(scanned[TURNS - 1]).toBeGreaterThan((TURNS - keyAt - 1) * answer(0, false).length);
    // ... and its history before it is not (the turns before the key's stay skipped).
    expect(scanned[TURNS - 1]).toBeLessThan(before().scanned[TURNS - 1] as number);
  });

  it('trusts a mark only for the same keys, and only the very objects of the history', () => {
    const history: Content[] = [
      { role: 'user', parts: [{ text: 'hi' }] },
      { role: 'model', parts: [{ text: 'hello' }] },
    ];
    const mark = { contents: 2, keys: keysFingerprint(KEYS) as string };
    expect(keylessContents(history, mark, KEYS)).toEqual(history);
    expect(keylessContents(history, mark, ['AIzaSyOther-key-0123456789abcdefghijkl'])).toEqual([]);
    // Without keys nothing was scanned: a run kept from none marks nothing.
    expect(keysFingerprint([])).toBeUndefined();
    expect(keysFingerprint(['short'])).toBeUndefined();
    // Turns flatten as the agent reads them; a hostile mark trusts nothing.
    expect(
      keylessContents([{ contents: history }], { contents: 1, keys: mark.keys }, KEYS),
    ).toEqual([history[0]]);
    expect(keylessContents(history, { contents: '2', keys: mark.keys } as never, KEYS)).toEqual([]);
    // A content the run replaced (equal, another object) is scanned: the key in it is cut.
    const hold = new IndexedKeyHold(() => KEYS);
    const replaced = { role: 'model', parts: [{ text: `hello ${KEY}` }] };
    const runEnd = {
      type: 'run-end',
      path: [],
      result: { contents: [history[0], replaced], text: 'x' },
    } as unknown as AgentEvent<unknown>;
    const [out] = pushPastKeylessHistory(hold, 0, runEnd, history);
    const event = out?.event as { result: { contents: Content[] } } | undefined;
    const contents = event?.result.contents ?? [];
    expect(contents[0]).toBe(history[0]);
    expect(JSON.stringify(contents[1])).toContain('hello [redacted]');
  });
});
