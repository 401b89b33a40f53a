import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { validateHistory } from '../history/validate-history.ts';
import { silentLogger } from '../logging/logger.ts';
import type { Content } from '../wire/content.ts';
import { createMemoryHistoryStore } from './create-memory-history-store.ts';
import type { ChatTurn } from './history-store.ts';

const context = { logger: silentLogger };

/** A send that called a tool: the user's message, the call, its response, the answer. */
function toolTurn(index: number, padding: number): ChatTurn {
  const contents: Content[] = [
    { role: 'user', parts: [{ text: `question ${index} ${'é'.repeat(padding)}` }] },
    {
      role: 'model',
      parts: [{ functionCall: { id: `c${index}`, name: 'look', args: { index } } }],
    },
    {
      role: 'user',
      parts: [{ functionResponse: { id: `c${index}`, name: 'look', response: { index } } }],
    },
    { role: 'model', parts: [{ text: `answer ${index}` }] },
  ];
  return { contents, model: 'gemini-2.5-flash', createdAt: index };
}

const bytesOf = (turns: readonly ChatTurn[]): number =>
  turns.reduce((sum, turn) => sum + new TextEncoder().encode(JSON.stringify(turn)).length, 0);

describe('createMemoryHistoryStore', () => {
  it('keeps every turn without a bound (a chat session of its own process)', async () => {
    const store = createMemoryHistoryStore();
    for (let index = 0; index < 200; index++)
      await store.append('a', toolTurn(index, 1000), context);
    expect(await store.load('a', context)).toHaveLength(200);
  });

  it('drops the oldest whole turns past maxHistoryBytes, counting UTF-8 bytes of their JSON', async () => {
    const store = createMemoryHistoryStore({ maxHistoryBytes: 20_000 });
    const sent: ChatTurn[] = [];
    for (let index = 0; index < 50; index++) {
      const turn = toolTurn(index, 1500); // 'é' is 2 bytes: ~3.2 KB a turn
      sent.push(turn);
      await store.append('a', turn, context);
      const kept = await store.load('a', context);
      // Before: every turn kept (50 turns, ~160 KB), whatever the bound.
      expect(bytesOf(kept)).toBeLessThanOrEqual(20_000);
      // The newest turns, in order, whole: never a call without its response, never a history
      // that starts with the model.
      expect(kept).toEqual(sent.slice(sent.length - kept.length));
      expect(validateHistory(kept.flatMap((stored) => stored.contents))).toEqual([]);
      expect(kept[0]?.contents[0]?.role).toBe('user');
    }
    const kept = await store.load('a', context);
    expect(kept.length).toBeGreaterThan(1);
    // As many as fit: one more (the newest dropped one) would pass the bound.
    expect(bytesOf([sent[sent.length - kept.length - 1] as ChatTurn, ...kept])).toBeGreaterThan(
      20_000,
    );
    // Which turns were dropped, for a caller that counts turns (a branch from an older one).
    const snapshot = store.snapshot('a');
    expect(snapshot.turns).toEqual(kept);
    expect(snapshot.droppedTurns).toBe(sent.length - kept.length);
    // Another id is bounded on its own, not emptied by this one.
    await store.append('b', toolTurn(0, 10), context);
    expect(await store.load('b', context)).toHaveLength(1);
  });

  it('keeps the newest turn alone when it is larger than the bound', async () => {
    const store = createMemoryHistoryStore({ maxHistoryBytes: 1000 });
    await store.append('a', toolTurn(0, 10), context);
    const large = toolTurn(1, 5000);
    await store.append('a', large, context);
    expect(await store.load('a', context)).toEqual([large]);
    const next = toolTurn(2, 10);
    await store.append('a', next, context);
    expect(await store.load('a', context)).toEqual([next]);
  });

  it('forgets the counted size with clear', async () => {
    const store = createMemoryHistoryStore({ maxHistoryBytes: 5000 });
    for (let index = 0; index < 5; index++) await store.append('a', toolTurn(index, 500), context);
    expect(store.snapshot('a').droppedTurns).toBeGreaterThan(0);
    await store.clear('a', context);
    expect(store.snapshot('a')).toEqual({ turns: [], droppedTurns: 0 });
    for (let index = 0; index < 3; index++) await store.append('a', toolTurn(index, 100), context);
    expect(await store.load('a', context)).toHaveLength(3);
  });

  it('says the bytes an id holds against the bound: what a store over it (a door’s total) adds up', async () => {
    const store = createMemoryHistoryStore({ maxHistoryBytes: 5000 });
    expect(store.bytes('a')).toBe(0);
    const sent: ChatTurn[] = [];
    for (let index = 0; index < 8; index++) {
      sent.push(toolTurn(index, 500));
      await store.append('a', sent.at(-1) as ChatTurn, context);
      expect(store.bytes('a')).toBe(bytesOf(await store.load('a', context)));
    }
    expect(store.bytes('a')).toBeLessThanOrEqual(5000);
    await store.clear('a', context);
    expect(store.bytes('a')).toBe(0);
    // Without a bound nothing is measured (no JSON is written per turn).
    const unbounded = createMemoryHistoryStore();
    await unbounded.append('a', toolTurn(0, 500), context);
    expect(unbounded.bytes('a')).toBe(0);
  });

  it('counts a turn JSON cannot write as the bound: kept only as the newest, never more than a full id', async () => {
    const store = createMemoryHistoryStore({ maxHistoryBytes: 5000 });
    await store.append('a', toolTurn(0, 100), context);
    const odd = {
      contents: [{ role: 'user', parts: [{ text: 'x' }] }],
      note: BigInt(1),
    } as unknown as ChatTurn;
    await store.append('a', odd, context);
    expect(await store.load('a', context)).toEqual([odd]);
    expect(store.bytes('a')).toBe(5000);
    const next = toolTurn(2, 100);
    await store.append('a', next, context);
    expect(await store.load('a', context)).toEqual([next]);
  });

  it.each([0, -1, 1.5, Number.NaN, '4MB', null])('refuses maxHistoryBytes %s', (value) => {
    const make = () => createMemoryHistoryStore({ maxHistoryBytes: value as number });
    expect(make).toThrow(InvalidArgumentError);
    expect(make).toThrow(/maxHistoryBytes.*whole number of bytes/);
  });
});
