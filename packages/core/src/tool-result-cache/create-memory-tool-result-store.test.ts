import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { utf8Length } from '../shared/cut-text.ts';
import {
  createMemoryToolResultStore,
  DEFAULT_TOOL_RESULT_ENTRY_BYTES,
} from './create-memory-tool-result-store.ts';
import { ToolResultCacheError } from './tool-result-cache-error.ts';
import type { ToolResultEntry } from './tool-result-store.ts';

// The memory store behind `toolResultCache({ scope: 'session' })`: partitions never leak into
// each other, the least recently used entry goes first, and an entry over the size limit is
// refused with a typed error.

const entry = (text: string, tags: string[] = [], toolName = 'lookup'): ToolResultEntry => ({
  toolName,
  text,
  tags,
  expiresAt: undefined,
  digest: '',
});

describe('createMemoryToolResultStore', () => {
  it('gives back what was set under the same partition and key, and nothing elsewhere', async () => {
    const store = createMemoryToolResultStore();
    const stored = entry('{"temp":21}');
    await store.set('session:a', 'weather:{"city":"Paris"}', stored);
    expect(await store.get('session:a', 'weather:{"city":"Paris"}')).toEqual(stored);
    expect(await store.get('session:b', 'weather:{"city":"Paris"}')).toBeUndefined();
    expect(await store.get('session:a', 'weather:{"city":"Rome"}')).toBeUndefined();
  });

  it('never serves one partition the entry of another, whatever characters they hold', async () => {
    // With a joined key, 'a' + 'x\0y' and 'a\0x' + 'y' were one slot: a user id holding a NUL
    // read another user's entry.
    const store = createMemoryToolResultStore();
    await store.set('user:a', 'x\u0000y', entry('"secret of a"'));
    expect(await store.get('user:a\u0000x', 'y')).toBeUndefined();
    await store.set('user:a\u0000x', 'y', entry('"of the other"'));
    expect((await store.get('user:a', 'x\u0000y'))?.text).toBe('"secret of a"');
    expect((await store.get('user:a\u0000x', 'y'))?.text).toBe('"of the other"');
  });

  it('replaces the entry of a key set twice', async () => {
    const store = createMemoryToolResultStore({ maxEntries: 2 });
    await store.set('p', 'k', entry('1'));
    await store.set('p', 'k', entry('2'));
    await store.set('p', 'other', entry('3'));
    expect((await store.get('p', 'k'))?.text).toBe('2');
    expect((await store.get('p', 'other'))?.text).toBe('3');
  });

  it('drops the least recently used entry past maxEntries: a read counts as a use', async () => {
    const store = createMemoryToolResultStore({ maxEntries: 3 });
    await store.set('p', 'a', entry('1'));
    await store.set('p', 'b', entry('2'));
    await store.set('p', 'c', entry('3'));
    await store.get('p', 'a');
    await store.set('p', 'd', entry('4'));
    expect(await store.get('p', 'b')).toBeUndefined();
    for (const key of ['a', 'c', 'd']) expect(await store.get('p', key), key).toBeDefined();
  });

  it('counts entries of every partition against one bound', async () => {
    const store = createMemoryToolResultStore({ maxEntries: 1 });
    await store.set('one', 'k', entry('1'));
    await store.set('two', 'k', entry('2'));
    expect(await store.get('one', 'k')).toBeUndefined();
    expect((await store.get('two', 'k'))?.text).toBe('2');
  });

  it('refuses an entry over maxEntryBytes by its UTF-8 size, and keeps the one before', async () => {
    const store = createMemoryToolResultStore({ maxEntryBytes: 8 });
    await store.set('p', 'k', entry('"ok"'));
    // Four characters, twelve bytes.
    const refused = await store.set('p', 'k', entry('日本語!', [], 'translate')).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(ToolResultCacheError.isInstance(refused)).toBe(true);
    expect(refused).toMatchObject({
      reason: 'oversized',
      toolName: 'translate',
      bytes: 10,
      limit: 8,
    });
    expect((await store.get('p', 'k'))?.text).toBe('"ok"');
    await expect(store.set('p', 'k2', entry('12345678'))).resolves.toBeUndefined();
  });

  it('keeps entries up to 256 KiB by default', async () => {
    const store = createMemoryToolResultStore();
    await store.set('p', 'k', entry('x'.repeat(DEFAULT_TOOL_RESULT_ENTRY_BYTES)));
    await expect(
      store.set('p', 'k', entry('x'.repeat(DEFAULT_TOOL_RESULT_ENTRY_BYTES + 1))),
    ).rejects.toThrow();
  });

  it('deletes one entry, and deleting a missing one does nothing', async () => {
    const store = createMemoryToolResultStore();
    await store.set('p', 'k', entry('1'));
    await store.delete('p', 'k');
    await store.delete('p', 'never');
    expect(await store.get('p', 'k')).toBeUndefined();
  });

  it('invalidates by tag or key prefix within the partition only, and counts what it removed', async () => {
    const store = createMemoryToolResultStore();
    await store.set('p', 'orders:1', entry('1', ['orders']));
    await store.set('p', 'orders:2', entry('2'));
    await store.set('p', 'users:1', entry('3', ['users']));
    await store.set('q', 'orders:1', entry('4', ['orders']));
    expect(await store.invalidate('p', { tags: ['orders'], prefixes: ['orders:'] })).toBe(2);
    expect(await store.get('p', 'orders:1')).toBeUndefined();
    expect(await store.get('p', 'orders:2')).toBeUndefined();
    expect(await store.get('p', 'users:1')).toBeDefined();
    expect(await store.get('q', 'orders:1')).toBeDefined();
    expect(await store.invalidate('p', { tags: [], prefixes: [] })).toBe(0);
    // An empty prefix is every key of the partition.
    expect(await store.invalidate('p', { tags: [], prefixes: [''] })).toBe(1);
  });

  it('refuses limits that are no whole number of at least 1, naming the option', () => {
    for (const [option, value] of [
      ['maxEntries', 0],
      ['maxEntries', 1.5],
      ['maxEntryBytes', -1],
      ['maxEntryBytes', Number.NaN],
      ['maxEntries', '10'],
    ] as const) {
      let error: unknown;
      try {
        createMemoryToolResultStore({ [option]: value } as never);
      } catch (caught) {
        error = caught;
      }
      expect(InvalidArgumentError.isInstance(error), `${option} ${String(value)}`).toBe(true);
      expect((error as InvalidArgumentError).argument).toBe(
        `createMemoryToolResultStore.${option}`,
      );
    }
  });
});

describe('utf8Length', () => {
  it('agrees with TextEncoder on ASCII, accents, CJK, emoji and lone surrogates', () => {
    const encoder = new TextEncoder();
    for (const text of [
      '',
      'plain',
      'é',
      '日本',
      '😀',
      'a😀b',
      '\ud83d',
      '\ud83dx',
      '\ude00',
      '\ud83d\ud83d\ude00',
      `${'😀'.repeat(1000)}\ud83d`,
    ]) {
      expect(utf8Length(text), JSON.stringify(text)).toBe(encoder.encode(text).length);
    }
  });
});
