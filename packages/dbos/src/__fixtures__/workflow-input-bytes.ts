import pg from 'pg';

/**
 * The bytes of each run's `dbos.workflow_input` row (its text, as durable-run.test.ts counts
 * them), read on a client of its own; 0 for a run without one.
 */
export async function workflowInputBytes(
  databaseUrl: string,
  runIds: readonly string[],
): Promise<number[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const bytes: number[] = [];
    for (const runId of runIds) {
      const { rows } = await client.query<{ bytes: string }>(
        'SELECT octet_length(t::text) AS bytes FROM dbos.workflow_input t WHERE workflow_uuid = $1',
        [runId],
      );
      bytes.push(Number(rows[0]?.bytes ?? 0));
    }
    return bytes;
  } finally {
    await client.end();
  }
}
