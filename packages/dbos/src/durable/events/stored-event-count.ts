import type pg from 'pg';
import { EVENTS_STREAM_KEY } from './run-events.ts';

/**
 * How many events a run's stream holds: the end (`from` + its events) of its last entry of
 * events. Entries are written in index order, each from at most where the entries before it
 * end, so everything below that end is stored; entries of older versions, which wrote a run
 * from its start again at each execution, may end lower than what they hold, never higher. The
 * stream's close and an entry that is not one of events are passed over. One statement, asked
 * only by an execution that replayed a model's answer (`openRunEvents`); the entry is read in
 * Postgres, not sent (a last entry may be megabytes). The value is as DBOS writes it: JSON,
 * wrapped by SuperJSON (`{ json, meta, __dbos_serializer }`) unless the portable format.
 * @internal
 */
export async function storedEventCount(pool: pg.Pool, runId: string): Promise<number> {
  const { rows } = await pool.query<{ stored: string | null }>(
    `SELECT (b->>'from')::bigint + json_array_length(b->'events') AS stored
       FROM (SELECT "offset",
                    CASE WHEN v->>'__dbos_serializer' = 'superjson' THEN v->'json' ELSE v END AS b
               FROM (SELECT "offset", value::json AS v
                       FROM "dbos".streams
                      WHERE workflow_uuid = $1 AND key = $2
                      ORDER BY "offset" DESC
                      LIMIT 2) AS last) AS entries
      WHERE json_typeof(b) = 'object'
        AND json_typeof(b->'from') = 'number'
        AND json_typeof(b->'events') = 'array'
      ORDER BY "offset" DESC
      LIMIT 1`,
    [runId, EVENTS_STREAM_KEY],
  );
  const stored = Number(rows[0]?.stored ?? 0);
  return Number.isSafeInteger(stored) && stored > 0 ? stored : 0;
}
