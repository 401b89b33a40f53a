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
