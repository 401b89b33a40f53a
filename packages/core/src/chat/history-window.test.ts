import { describe, expect, it } from 'vitest';
import type { ChatTurn } from './history-store.ts';
import {
  createTurnMeter,
  emptyWindow,
  holdsEnough,
  trimWindow,
  type Window,
} from './history-window.ts';

// How a file history store decides which of a session's newest turns it must keep in memory
// for a limited send: a turn count, a token budget, or both, measured newest first.

const turn = (tokenCount: number, text = 'x'): ChatTurn => ({
  contents: [
    { role: 'user', parts: [{ text }] },
    { role: 'model', parts: [{ text }] },
  ],
  tokenCount,
});

function windowOf(tokens: number[]): Window {
  return {
    turns: tokens.map((count) => turn(count)),
    offsets: tokens.map((_, index) => 100 + index * 10),
    start: 100,
    olderTurns: 3,
  };
}

describe('createTurnMeter', () => {
  it('is enough once it counted maxTurns turns', () => {
    const meter = createTurnMeter({ maxTurns: 2 });
    expect(meter.enough()).toBe(false);
    meter.add(turn(1));
    expect(meter.enough()).toBe(false);
    meter.add(turn(1));
    expect(meter.enough()).toBe(true);
  });

  it('is enough once the tokens pass maxTokens, not when they reach it', () => {
    const meter = createTurnMeter({ maxTokens: 10 });
    meter.add(turn(4));
    meter.add(turn(6));
    expect(meter.enough()).toBe(false);
    meter.add(turn(1));
    expect(meter.enough()).toBe(true);
  });

  it('with both limits, is enough at whichever comes first', () => {
    const byTurns = createTurnMeter({ maxTurns: 1, maxTokens: 1000 });
    byTurns.add(turn(1));
    expect(byTurns.enough()).toBe(true);
    const byTokens = createTurnMeter({ maxTurns: 100, maxTokens: 5 });
    byTokens.add(turn(50));
    expect(byTokens.enough()).toBe(true);
  });

  it('is never enough without a limit, and at once with maxTurns 0', () => {
    const unlimited = createTurnMeter({});
    for (let index = 0; index < 1000; index++) unlimited.add(turn(1_000_000));
    expect(unlimited.enough()).toBe(false);
    expect(createTurnMeter({ maxTurns: 0 }).enough()).toBe(true);
  });

  it('estimates the tokens of a turn stored without a usable count', () => {
    const meter = createTurnMeter({ maxTokens: 10 });
    meter.add({ ...turn(Number.NaN, 'y'.repeat(400)) });
    expect(meter.enough()).toBe(true);
    const negative = createTurnMeter({ maxTokens: 10 });
    negative.add(turn(-5, 'short'));
    expect(negative.enough()).toBe(false);
  });
});

describe('holdsEnough', () => {
  it('measures the held turns newest first, stopping once the limit is met', () => {
    const window = windowOf([100, 1, 1]);
    expect(holdsEnough(window, createTurnMeter({ maxTurns: 2 }))).toBe(true);
    expect(holdsEnough(window, createTurnMeter({ maxTurns: 4 }))).toBe(false);
    // The two newest hold 2 tokens: not past 50; the oldest (100) passes it.
    expect(holdsEnough(window, createTurnMeter({ maxTokens: 50 }))).toBe(true);
    expect(holdsEnough(window, createTurnMeter({ maxTokens: 500 }))).toBe(false);
  });

  it('says an empty window holds enough only for a limit of no turns', () => {
    expect(holdsEnough(emptyWindow(0), createTurnMeter({ maxTurns: 1 }))).toBe(false);
    expect(holdsEnough(emptyWindow(0), createTurnMeter({ maxTurns: 0 }))).toBe(true);
  });
});

describe('trimWindow', () => {
  it('drops the oldest turns the limit can no longer send, moving start and counting them', () => {
    const window = windowOf([1, 1, 1, 1, 1]);
    trimWindow(window, createTurnMeter({ maxTurns: 2 }), 999);
    expect(window.turns).toHaveLength(2);
    expect(window.offsets).toEqual([130, 140]);
    expect(window.start).toBe(130);
    expect(window.olderTurns).toBe(6);
  });

  it('keeps the turn that passes a token budget: it says none older can be sent', () => {
    const window = windowOf([5, 5, 20, 3, 3]);
    trimWindow(window, createTurnMeter({ maxTokens: 10 }), 999);
    expect(window.turns.map((each) => each.tokenCount)).toEqual([20, 3, 3]);
    expect(window.olderTurns).toBe(5);
  });

  it('keeps every turn while the limit is not met by all of them', () => {
    const window = windowOf([1, 1, 1]);
    const before = structuredClone(window);
    trimWindow(window, createTurnMeter({ maxTurns: 10 }), 999);
    expect(window).toEqual(before);
    trimWindow(window, createTurnMeter({}), 999);
    expect(window).toEqual(before);
  });

  it('changes nothing when the limit is met by every turn held, exactly', () => {
    const window = windowOf([1, 1]);
    trimWindow(window, createTurnMeter({ maxTurns: 2 }), 999);
    expect(window.turns).toHaveLength(2);
    expect(window.start).toBe(100);
    expect(window.olderTurns).toBe(3);
  });

  it('with a limit of no turns, drops all and starts at the committed end of the file', () => {
    const window = windowOf([1, 1, 1]);
    trimWindow(window, createTurnMeter({ maxTurns: 0 }), 4242);
    expect(window.turns).toEqual([]);
    expect(window.offsets).toEqual([]);
    expect(window.start).toBe(4242);
    expect(window.olderTurns).toBe(6);
  });
});
