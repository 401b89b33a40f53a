import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_MEMORY_TEXT, MAX_SCOPE_LENGTH } from './check-memory-input.ts';
import { createFileMemoryStore } from './create-file-memory-store.ts';
import { MemoryError } from './memory-error.ts';

// Attack (attack-core9): a memory file edited by hand (or by anyone who can write its folder).
// The store refuses to write a text over MAX_MEMORY_TEXT or a scope over MAX_SCOPE_LENGTH; a line
// planted with one was read back and recalled whole, so one 1 MB "memory" went into every prompt of
// that user (each call then refused for its size, or billed for it).

let folder = '';
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'gemloop-memory-attack-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

const record = (fields: Record<string, unknown>): string =>
  JSON.stringify({
    id: 'm1',
    scope: 'ana',
    kind: 'fact',
    text: 'Ana likes tea.',
    createdAt: '2026-11-25T00:00:00.000Z',
    updatedAt: '2026-11-25T00:00:00.000Z',
    embedding: [1, 0],
    ...fields,
  });

async function failure(run: () => Promise<unknown>): Promise<MemoryError> {
  try {
    await run();
  } catch (error) {
    if (MemoryError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a MemoryError');
}

describe('createFileMemoryStore reading a file edited by hand', () => {
  const planted: [string, Record<string, unknown>][] = [
    ['a 1 MB text', { text: 'x'.repeat(1_000_000) }],
    ['a text one character over the bound', { text: 'y'.repeat(MAX_MEMORY_TEXT + 1) }],
    ['a 10,000-character scope', { scope: 's'.repeat(10_000) }],
  ];
  for (const [name, fields] of planted) {
    it(`refuses a line with ${name} as it refuses to write one, naming the line and never its text`, async () => {
      const path = join(folder, 'memories.jsonl');
      await writeFile(path, `${record({})}\n${record({ id: 'm2', ...fields })}\n`);
      const store = createFileMemoryStore({ path });
      const error = await failure(() =>
        store.search('ana', { text: 'tea', embedding: [1, 0], limit: 5 }),
      );
      expect(error.message).toContain('line 2');
      expect(error.message).not.toContain('xxxxxxxx');
      expect(error.message.length).toBeLessThan(1000);
    });
  }

  it('still reads a text of exactly the bound', async () => {
    const path = join(folder, 'memories.jsonl');
    await writeFile(path, `${record({ text: 'z'.repeat(MAX_MEMORY_TEXT) })}\n`);
    const [found] = await createFileMemoryStore({ path }).list('ana');
    expect(found?.text).toHaveLength(MAX_MEMORY_TEXT);
    expect(MAX_SCOPE_LENGTH).toBe(256);
  });

  it('reads a file of 1,000,000 lines (blank ones around one record) in one pass', async () => {
    const path = join(folder, 'memories.jsonl');
    await writeFile(path, `${'\n'.repeat(500_000)}${record({})}\n${'  \n'.repeat(500_000)}`);
    const store = createFileMemoryStore({ path });
    expect((await store.list('ana')).map((memory) => memory.id)).toEqual(['m1']);
    // A write keeps the record and drops the blank lines.
    await store.delete('ana', 'missing');
    expect(await store.list('ana')).toHaveLength(1);
  });
});
