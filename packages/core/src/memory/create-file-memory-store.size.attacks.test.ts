// A change that grows the memory file past `maxFileBytes` (knowledge67). The bound was read on
// each read only: an add that took the file over it was written, and from then on every read
// refused the file ("over the store's maxFileBytes"), so every user of the file lost every add,
// search and list, the one that added included, until the bound was raised or the file trimmed by
// hand. The change that would cross the bound now fails, typed, and writes nothing.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileMemoryStore } from './create-file-memory-store.ts';
import { MemoryError } from './memory-error.ts';

let folder = '';
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'gemloop-memory-size-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('createFileMemoryStore near its maxFileBytes', () => {
  it('refuses an add that would take the file over the bound, keeping the file readable', async () => {
    const path = join(folder, 'memories.jsonl');
    const store = createFileMemoryStore({ path, maxFileBytes: 2_000 });
    await store.add('bo', { kind: 'fact', text: 'likes tea', embedding: [1, 0] });
    const before = await readFile(path, 'utf8');
    const error = await store
      .add('ana', { kind: 'fact', text: `é${'x'.repeat(1_800)}`, embedding: [0, 1] })
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
    expect(MemoryError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ operation: 'add', path });
    expect((error as Error).message).toMatch(/maxFileBytes \(2000\)/);
    expect((error as Error).message).not.toContain('xxxx');
    expect(await readFile(path, 'utf8')).toBe(before);
    expect((await store.list('bo')).map(({ text }) => text)).toEqual(['likes tea']);
    expect(await store.list('ana')).toEqual([]);
  });

  it('counts bytes, not characters, and takes a file of exactly the bound', async () => {
    // One record's line has the same length whatever its id and time (a UUID, an ISO time).
    const record = { kind: 'fact' as const, text: 'ééé', embedding: [1, 0] };
    const probe = join(folder, 'probe.jsonl');
    await createFileMemoryStore({ path: probe }).add('ana', record);
    const bytes = Buffer.byteLength(await readFile(probe, 'utf8'));
    const exact = createFileMemoryStore({ path: join(folder, 'exact.jsonl'), maxFileBytes: bytes });
    await exact.add('ana', record);
    expect(await exact.list('ana')).toHaveLength(1);
    // Three characters of two bytes each: a count of characters would take one byte under it.
    const under = createFileMemoryStore({
      path: join(folder, 'under.jsonl'),
      maxFileBytes: bytes - 1,
    });
    await expect(under.add('ana', record)).rejects.toMatchObject({ operation: 'add' });
  });
});
