import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';

// The suite's own server (scripts/postgres-setup.ts) checks each session's password against a
// verifier of one iteration, not initdb's 4096 (cheapen-password-checks.ts); a DATABASE_URL
// server is the user's, left as it is, so there is nothing of ours to check on it.
describe.skipIf(process.env['DATABASE_URL'] !== undefined)("the suite's Postgres", () => {
  it('stores its password with one SCRAM iteration, and a new session still signs in with it', async () => {
    const client = new pg.Client({ connectionString: inject('postgresUrl') });
    await client.connect();
    try {
      const { rows } = await client.query<{ verifier: string }>(
        'SELECT rolpassword AS verifier FROM pg_authid WHERE rolname = current_user',
      );
      // SCRAM-SHA-256$<iterations>:<salt>$<stored key>:<server key>
      expect(rows[0]?.verifier).toMatch(/^SCRAM-SHA-256\$1:/);
    } finally {
      await client.end();
    }
  });
});
