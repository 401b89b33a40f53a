// User ids and memory texts holding a lone surrogate (attack32): half of a UTF-16 pair has no
// UTF-8 form, so a store reached over UTF-8 (Postgres through node-postgres, a JSON server) kept
// U+FFFD in its place, and "user-\uD800" and "user-\uDBFF" recalled each other's memories (see
// packages/dbos/src/memory/postgres-memory-scope.attacks.test.ts). Every store now refuses one.
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { memoryFake } from './__fixtures__/memory-fake.ts';
import { checkMemoryText, checkScope } from './check-memory-input.ts';
import { createInMemoryStore } from './create-in-memory-store.ts';
import { extractMemories } from './extract-memories.ts';

function refusal(action: () => unknown): InvalidArgumentError {
  try {
    action();
  } catch (error) {
    expect(InvalidArgumentError.isInstance(error), String(error)).toBe(true);
    return error as InvalidArgumentError;
  }
  throw new Error('expected an InvalidArgumentError');
}

describe('a lone surrogate in a user id or a memory', () => {
  it('is refused in a scope and a text, naming the argument and where, never the text', () => {
    for (const scope of ['user-\uD800', 'user-\uDBFF', '\uDC00secret', 'a\uD83D']) {
      const error = refusal(() => checkScope(scope));
      expect(error.argument).toBe('scope');
      expect(error.message).toMatch(/lone surrogate .* at index \d+/);
      expect(error.message).not.toContain('secret');
    }
    const text = refusal(() => checkMemoryText('secret note \uDE00'));
    expect(text.argument).toBe('text');
    expect(text.message).toContain('index 12');
    expect(text.message).not.toContain('secret');
  });

  it('is no reason to refuse a character made of a pair, or a U+FFFD', () => {
    for (const value of ['user-\uD83D\uDE00', 'user-\uFFFD', '\uD800\uDC00']) {
      expect(() => checkScope(value)).not.toThrow();
      expect(() => checkMemoryText(value)).not.toThrow();
    }
  });

  it('fails add, search and list of every store before it reads or writes', async () => {
    const store = createInMemoryStore();
    await store.add('user-\uD83D\uDE00', { kind: 'fact', text: 'kept', embedding: [1, 0] });
    for (const call of [
      () => store.add('user-\uD800', { kind: 'fact', text: 'x', embedding: [1, 0] }),
      () => store.search('user-\uD800', { text: 'q', embedding: [1, 0], limit: 1 }),
      () => store.list('user-\uD800'),
      () => store.deleteAll('user-\uD800'),
    ]) {
      await expect(call()).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    expect(await store.list('user-\uD83D\uDE00')).toHaveLength(1);
  });

  it('in one extracted item leaves that item out and remembers the others, 20 at most of 10,000', async () => {
    const { gemini, memory } = await memoryFake([
      turn.json({
        memories: [
          { text: 'broken \uD800 note', kind: 'fact' },
          ...Array.from({ length: 10_000 }, (_, index) => ({
            text: `note ${index}`,
            kind: 'fact',
          })),
        ],
      }),
    ]);
    const ids = await extractMemories({
      gemini,
      model: 'gemini-2.5-flash',
      memory,
      scope: 'ana',
      contents: [{ role: 'user', parts: [{ text: 'hello' }] }],
    });
    const stored = await memory.list('ana');
    expect(ids).toHaveLength(stored.length);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.length).toBeLessThanOrEqual(20);
    expect(stored.some(({ text }) => text.includes('broken'))).toBe(false);
  });
});
