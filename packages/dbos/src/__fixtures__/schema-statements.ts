import { createHash } from 'node:crypto';
import pg from 'pg';

/**
 * The statements migration `steps` send to a database where nothing exists yet, in order (every
 * query answers no rows), whitespace folded: what a schema version's fingerprint is made of.
 */
export async function statementsOfSteps(
  steps: readonly ((pool: pg.Pool) => Promise<unknown>)[],
): Promise<string[]> {
  const sent: string[] = [];
  const client = {
    query: async (query: string | { text: string }) => {
      sent.push((typeof query === 'string' ? query : query.text).replace(/\s+/g, ' ').trim());
      return { rows: [], rowCount: 0 };
    },
    on: () => client,
    removeListener: () => client,
    release: () => {},
  };
  const pool = { connect: async () => client, query: client.query } as unknown as pg.Pool;
  for (const step of steps) await step(pool);
  return sent;
}

/** The SHA-256 of `statements`, one a line: a schema version's fingerprint. */
export function fingerprintOf(statements: readonly string[]): string {
  return createHash('sha256').update(statements.join('\n')).digest('hex');
}

/** A pool whose clients push each statement's text to `into()` (a migration's count). */
export function countingPool(databaseUrl: string, into: () => string[]): pg.Pool {
  class CountingClient extends pg.Client {
    override query(...args: unknown[]): never {
      const query = args[0] as string | { text?: string };
      into().push(String(typeof query === 'string' ? query : query?.text));
      return (super.query as (...a: unknown[]) => never)(...args);
    }
  }
  return new pg.Pool({ connectionString: databaseUrl, max: 2, Client: CountingClient });
}

/**
 * Holds each of the first `count` queries of `pool` that read the schema versions until all of
 * them have been answered, as processes starting at once each read the missing version before
 * any migrates: left to the scheduler, on a loaded machine one start's read came after another's
 * whole migration and found it current (a whole-suite run, 2026-11-30). `restore` puts the pool's
 * own `query` back; `checked` says how many reads were held.
 */
export function holdVersionReads(pool: pg.Pool, count = 2): { restore: () => void; checked: () => number } {
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  let checked = 0;
  let release = (): void => {};
  const allChecked = new Promise<void>((resolve) => {
    release = resolve;
  });
  pool.query = (async (...args: unknown[]) => {
    const isCheck = checked < count && String(args[0]).includes('FROM gemloop_schema_versions WHERE name');
    try {
      return await query(...args);
    } finally {
      if (isCheck) {
        checked += 1;
        if (checked === count) release();
        await allChecked;
      }
    }
  }) as typeof pool.query;
  return { restore: () => Reflect.deleteProperty(pool, 'query'), checked: () => checked };
}
