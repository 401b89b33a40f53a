import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileMemoryStore } from './create-file-memory-store.ts';
import { MemoryError } from './memory-error.ts';

let folder = '';
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'gemloop-memory-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

const line = (fields: Record<string, unknown>): string =>
  `${JSON.stringify({ id: 'm1', scope: 'u', kind: 'fact', text: 'Secret pet name Rex.', createdAt: '2026-11-25T00:00:00.000Z', updatedAt: '2026-11-25T00:00:00.000Z', embedding: [1, 0], ...fields })}\n`;

describe('createFileMemoryStore', () => {
  it('keeps a memory added under its id once, added twice at once, next to older records', async () => {
    const path = join(folder, 'memories.jsonl');
    await writeFile(path, line({}), { mode: 0o600 });
    // One store, two adds at once (two stores on one path: memory-file-lock.test.ts).
    const store = createFileMemoryStore({ path });
    const added = await Promise.all(
      [0, 1].map((index) =>
        store.add('u', { kind: 'fact', text: `fact ${index}`, embedding: [1, 0], id: 'x-1' }),
      ),
    );
    expect(added[1]).toEqual(added[0]);
    expect((await createFileMemoryStore({ path }).list('u')).map(({ id }) => id)).toEqual([
      'm1',
      'x-1',
    ]);
  });

  it('keeps memories in a JSON-lines file another store on the same path reads, readable by its owner only', async () => {
    const path = join(folder, 'deep', 'memories.jsonl');
    const first = createFileMemoryStore({ path });
    const ana = await first.add('ana', { kind: 'fact', text: 'Ana likes tea.', embedding: [1, 0] });
    await first.add('bob', { kind: 'episode', text: 'Bob moved.', embedding: [0, 1] });
    const again = createFileMemoryStore({ path });
    expect(await again.list('ana')).toEqual([ana]);
    expect((await again.search('ana', { text: 'tea', embedding: [1, 0], limit: 5 }))[0]?.id).toBe(
      ana.id,
    );
    expect(
      await again.search('bob', { text: 'tea', embedding: [1, 0], limit: 5, minScore: 0.5 }),
    ).toEqual([]);
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(2);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await again.deleteAll('ana')).toBe(1);
    expect(await createFileMemoryStore({ path }).list('bob')).toHaveLength(1);
  });

  it('serialises concurrent changes: none is lost', async () => {
    const path = join(folder, 'memories.jsonl');
    const memories = createFileMemoryStore({ path });
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        memories.add(`u${index % 3}`, {
          kind: 'fact',
          text: `fact ${index}`,
          embedding: [1, index],
        }),
      ),
    );
    const total = (
      await Promise.all(['u0', 'u1', 'u2'].map((scope) => memories.list(scope)))
    ).flat();
    expect(total).toHaveLength(20);
  });

  it('refuses a file with a line that is not a record, naming the line but not its text, and leaves it as it was', async () => {
    const path = join(folder, 'memories.jsonl');
    const planted = `${line({})}${line({ id: 'm2' }).replace('{', '{"__proto__":{"polluted":true},')}`;
    await writeFile(path, planted);
    const memories = createFileMemoryStore({ path });
    const failure = memories.add('u', { kind: 'fact', text: 'x', embedding: [1] });
    await expect(failure).rejects.toThrow(MemoryError);
    await expect(failure).rejects.toThrow(/line 2 has an unknown field "__proto__"/);
    await expect(failure).rejects.not.toThrow(/Rex/);
    expect(await readFile(path, 'utf8')).toBe(planted);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    await writeFile(path, `${line({})}{not json\n`);
    await expect(memories.list('u')).rejects.toThrow(/line 2 has not JSON/);
    await writeFile(path, line({ embedding: ['1'] }));
    await expect(memories.list('u')).rejects.toThrow(/embedding/);
  });

  it('refuses a file over maxFileBytes and one that is not a regular file (a FIFO) without blocking', async () => {
    const path = join(folder, 'memories.jsonl');
    await writeFile(path, line({}).repeat(10));
    await expect(createFileMemoryStore({ path, maxFileBytes: 100 }).list('u')).rejects.toThrow(
      /over the store's maxFileBytes \(100\)/,
    );
    const fifo = join(folder, 'fifo.jsonl');
    execFileSync('mkfifo', [fifo]);
    await expect(createFileMemoryStore({ path: fifo }).list('u')).rejects.toThrow(
      /not a regular file/,
    );
  });

  it('takes a missing file as empty and refuses bad options', async () => {
    expect(await createFileMemoryStore({ path: join(folder, 'none.jsonl') }).list('u')).toEqual([]);
    expect(() => createFileMemoryStore({ path: '' })).toThrow(/needs a `path`/);
    expect(() => createFileMemoryStore({ path: 'x', maxFileBytes: -1 })).toThrow(/maxFileBytes/);
  });
});
