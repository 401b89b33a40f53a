import { describe, expect, it } from 'vitest';
import { pickEvicted } from './pick-evicted.ts';

// What a full per-caller index forgets: the caller holding the most loses their oldest entry.

const owned = (entries: [string, string, boolean?][]) =>
  new Map(entries.map(([key, owner, busy]) => [key, { owner, busy: busy === true }]));

describe('pickEvicted', () => {
  it('is the oldest entry of the caller holding the most, not the oldest of all', () => {
    const entries = owned([
      ['b1', 'bob'],
      ['a1', 'alice'],
      ['a2', 'alice'],
    ]);
    expect(pickEvicted(entries, (entry) => entry.owner)).toBe('a1');
  });

  it('between callers holding as many, is the older entry (plain LRU for one caller)', () => {
    const entries = owned([
      ['b1', 'bob'],
      ['a1', 'alice'],
      ['b2', 'bob'],
      ['a2', 'alice'],
    ]);
    expect(pickEvicted(entries, (entry) => entry.owner)).toBe('b1');
    expect(
      pickEvicted(
        owned([
          ['x', 'solo'],
          ['y', 'solo'],
        ]),
        (entry) => entry.owner,
      ),
    ).toBe('x');
  });

  it('skips entries that may not go, and a caller with none that may; undefined when none may', () => {
    const entries = owned([
      ['a1', 'alice', true],
      ['a2', 'alice', true],
      ['a3', 'alice', true],
      ['b1', 'bob', true],
      ['b2', 'bob'],
    ]);
    const idle = (entry: { busy: boolean }) => !entry.busy;
    expect(pickEvicted(entries, (entry) => entry.owner, idle)).toBe('b2');
    expect(pickEvicted(owned([['a1', 'alice', true]]), (entry) => entry.owner, idle)).toBe(
      undefined,
    );
    expect(pickEvicted(new Map(), () => 'x')).toBe(undefined);
  });

  it('counts the entry about to be added as its owner’s', () => {
    const entries = owned([
      ['b1', 'bob'],
      ['a1', 'alice'],
    ]);
    expect(pickEvicted(entries, (entry) => entry.owner)).toBe('b1');
    expect(pickEvicted(entries, (entry) => entry.owner, undefined, 'alice')).toBe('a1');
  });
});
