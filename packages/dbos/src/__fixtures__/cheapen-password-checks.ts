import pg from 'pg';

/**
 * Stores the password of the session's own role again with a SCRAM verifier of one PBKDF2
 * iteration (`scram_iterations`, Postgres 16+), for the test suite's throwaway server
 * (scripts/postgres-setup.ts). That server checks each new session's password
 * (`initdb --auth=password`) against the verifier initdb stored with 4096 iterations: it hashes
 * the password that many times a session, ~1,750 sessions in a run of the dbos projects. The
 * iterations slow a guess at a stolen verifier; that server's password is a constant in the
 * source and its data is deleted when the run ends. Measured (a probe, 200 connections each,
 * three interleaved rounds, load 35-40): 9.6, 10.0, 12.2 -> 4.7, 4.8, 5.5 ms of Postgres's CPU
 * a session (bench/RESULTS.md, "Test-speed pass, the dbos suites, third pass"). Never for a
 * server the suite did not start.
 * @internal
 */
export async function cheapenPasswordChecks(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SET scram_iterations = 1');
    await client.query(
      `ALTER ROLE CURRENT_USER PASSWORD ${client.escapeLiteral(String(client.password ?? ''))}`,
    );
  } finally {
    await client.end();
  }
}
