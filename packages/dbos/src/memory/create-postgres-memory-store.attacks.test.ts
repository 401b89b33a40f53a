// Rows of the memory table that the store did not write (attack-core5): another program, a hand
// edit or a restored dump put them there. The store reads them as it reads a memory file: a
// typed MemoryError naming the table and the row's id (never its text), or the row as it is when
// it is a memory; never a search that ranks NaN first or a record whose fields lie about their type.
import { MemoryError } from '@gemloop/core/memory';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../__fixtures__/fleet.ts';
import { createPostgresMemoryStore } from '../index.ts';

let pool: pg.Pool;
beforeAll(async () => {
  pool = new pg.Pool({ connectionString: await freshDatabase('memories_attacks'), max: 4 });
});
afterAll(async () => {
  await pool?.end();
});

let tables = 0;
/** A store over a new table holding one good memory and the planted row. */
async function planted(columns: {
  embedding?: string;
  metadata?: string | null;
  text?: string;
  kind?: string;
}) {
  const table = `planted_${++tables}`;
  const store = createPostgresMemoryStore({ pool, table });
  const good = await store.add('u', { kind: 'fact', text: 'good', embedding: [1, 0] });
  await pool.query(
    `INSERT INTO ${table} (scope, id, kind, text, metadata, embedding, created_at, updated_at)
     VALUES ('u', 'planted-row', $1, $2, $3::jsonb, $4::double precision[], now(), now())`,
    [
      columns.kind ?? 'fact',
      columns.text ?? 'secret planted text',
      columns.metadata === undefined ? null : columns.metadata,
      columns.embedding ?? '{0,1}',
    ],
  );
  return { store, good, table };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => ({ value }),
    (error: unknown) => error,
  );
}

describe('createPostgresMemoryStore reads rows it did not write', () => {
  for (const [name, embedding] of [
    ['NaN in its embedding', '{NaN,1}'],
    ['Infinity in its embedding', '{Infinity,1}'],
    ['a NULL in its embedding', '{1,NULL}'],
    ['an empty embedding', '{}'],
    ['a two-dimensional embedding', '{{1,0},{0,1}}'],
  ] as const) {
    it(`fails typed on a row with ${name}, naming the table and the row, not its text`, async () => {
      const { store, table } = await planted({ embedding });
      for (const read of [
        () => store.search('u', { text: 'q', embedding: [1, 0], limit: 5 }),
        () => store.list('u'),
        () => store.add('u', { kind: 'fact', text: 'more', embedding: [1, 0] }),
      ]) {
        const error = await failure(read());
        expect(error).toBeInstanceOf(MemoryError);
        expect((error as MemoryError).message).toContain(table);
        expect((error as MemoryError).message).toContain('planted-row');
        expect((error as MemoryError).message).not.toContain('secret planted text');
      }
    });
  }
  for (const [name, metadata] of [
    ['an array', '[1,2]'],
    ['a string', '"text"'],
    ['a number', '42'],
  ] as const) {
    it(`fails typed on a row whose metadata is ${name}`, async () => {
      const { store, table } = await planted({ metadata });
      const error = await failure(store.list('u'));
      expect(error).toBeInstanceOf(MemoryError);
      expect((error as MemoryError).message).toContain(table);
    });
  }
  it('fails typed on a row with an empty text', async () => {
    const { store } = await planted({ text: '' });
    expect(await failure(store.list('u'))).toBeInstanceOf(MemoryError);
  });
  it('fails typed on a row with a 1 MB text, which the store never writes (attack-core9: it was recalled into every prompt)', async () => {
    const { store, table } = await planted({ text: 'x'.repeat(1_000_000) });
    const error = await failure(store.search('u', { text: 'q', embedding: [1, 0], limit: 5 }));
    expect(error).toBeInstanceOf(MemoryError);
    expect((error as MemoryError).message).toContain(table);
    expect((error as MemoryError).message.length).toBeLessThan(1000);
  });
  it('keeps a metadata key named __proto__ as data, not as a prototype', async () => {
    const { store } = await planted({ metadata: '{"__proto__":{"polluted":true},"a":1}' });
    const rows = await store.list('u');
    const row = rows.find(({ id }) => id === 'planted-row');
    expect(row?.metadata?.['a']).toBe(1);
    expect(Object.getPrototypeOf(row?.metadata)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(row?.metadata?.['polluted']).toBeUndefined();
  });
  it('still reads a well-formed planted row, ranked as any memory', async () => {
    const { store, good } = await planted({ embedding: '{0,1}' });
    const found = await store.search('u', { text: 'q', embedding: [1, 0.1], limit: 5 });
    expect(found.map(({ id }) => id)).toEqual([good.id, 'planted-row']);
  });
});
