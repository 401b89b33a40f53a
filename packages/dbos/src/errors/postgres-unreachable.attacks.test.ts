import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDurableRuns, PostgresUnreachableError } from '../index.ts';

// An operator's Postgres with no connection to spare (max_connections reached by other clients,
// or a role's CONNECTION LIMIT): the refusal is SQLSTATE 53300, and the error said to check that
// Postgres runs and that the user, password and database are right, none of which was wrong.
describe('Postgres with no connection to spare', () => {
  const role = `gemloop_full_${process.pid}`;
  let admin: pg.Client;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: inject('postgresUrl') });
    await admin.connect();
    // A role that may hold no connection at all: every login is refused as "too many".
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'full-secret' CONNECTION LIMIT 0`);
  });

  afterAll(async () => {
    await admin?.query(`DROP ROLE IF EXISTS ${role}`).catch(() => {});
    await admin?.end();
  });

  it('says the server has no connection to spare and what to change, typed, password redacted', async () => {
    const url = new URL(inject('postgresUrl'));
    url.username = role;
    url.password = 'full-secret';
    const error = await createDurableRuns({ databaseUrl: url.toString() }).catch(
      (caught: unknown) => caught,
    );
    expect(PostgresUnreachableError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: '53300' });
    const message = (error as Error).message;
    expect(message).toContain('no connection to spare');
    expect(message).toContain('max_connections');
    expect(message).not.toContain('that the user and password are right');
    expect(message).not.toContain('full-secret');
  });
});
