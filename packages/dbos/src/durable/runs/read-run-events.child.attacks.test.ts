import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeEventEntries, writeStoredRun } from '../../__fixtures__/event-stream-rows.ts';
import { workerDatabase } from '../../__fixtures__/fleet.ts';
import { createDurableRuns, type DurableRuns } from '../../index.ts';

// `runs.events()` reads a subagent's events from the child's own stream while it runs, where an
// entry of the parent's stream announces it (`child: { runId, at }`, run-events.ts; durable68).
// The entry is a row of the database: a forged one must not send the reader to another run's
// stream (it reads only runs below the one it was let read), nor make it yield an event twice
// or skip one. No worker: each run's rows are written as the worker writes them.

let databaseUrl: string;
let runs: DurableRuns;
let pool: pg.Pool;

beforeAll(async () => {
  databaseUrl = await workerDatabase('child_follow');
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 50 });
  pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
});

afterAll(async () => {
  await runs?.close();
  await pool?.end();
});

/** A run over (SUCCESS) whose stream holds `entries`; `others` are workflows copied from its row. */
async function storedRun(
  runId: string,
  entries: readonly unknown[],
  others: Record<string, readonly unknown[]> = {},
): Promise<void> {
  await writeStoredRun(runs, pool, runId, entries);
  const client = await pool.connect();
  try {
    for (const [otherId, otherEntries] of Object.entries(others)) {
      // A workflow of its own (a child's row, or another run's), over too.
      await client.query(
        'CREATE TEMP TABLE copied AS SELECT * FROM dbos.workflow_status WHERE workflow_uuid = $1',
        [runId],
      );
      await client.query('UPDATE copied SET workflow_uuid = $1', [otherId]);
      await client.query('INSERT INTO dbos.workflow_status SELECT * FROM copied');
      await client.query('DROP TABLE copied');
      await writeEventEntries(pool, otherId, otherEntries);
    }
  } finally {
    client.release();
  }
}

/** Each event read as `offset:name` (its `text`). */
async function read(runId: string, offset = 0): Promise<string[]> {
  const seen: string[] = [];
  for await (const { offset: at, event } of runs.events(runId, { offset })) {
    seen.push(`${at}:${(event as unknown as { text: string }).text}`);
  }
  return seen;
}

const event = (text: string, path: string[] = []) => ({ type: 'text', path, text });

describe("runs.events(): a subagent's events from its own stream while it runs", () => {
  it("reads the child's stream where its parent announced it, each index once", async () => {
    const child = 'follow/1.0:call-c';
    const grandchild = `${child}/1.0:call-g`;
    await storedRun(
      'follow',
      [
        { from: 0, events: [event('a')], child: { runId: child, at: 1 } },
        // Once the child ended: its events again, at the same indices, then the parent's.
        {
          from: 1,
          events: [
            event('c0 (parent)', ['c#1']),
            event('g0 (parent)', ['c#1', 'g#1']),
            event('c1 (parent)', ['c#1']),
            event('b'),
          ],
        },
      ],
      {
        [child]: [{ from: 0, events: [event('c0', ['c#1'])], child: { runId: grandchild, at: 1 } }],
        [grandchild]: [{ from: 0, events: [event('g0', ['c#1', 'g#1'])] }],
      },
    );
    // The child's and grandchild's events as their streams hold them; what their streams lacked
    // (the child's last event) from the parent's; nothing twice.
    expect(await read('follow')).toEqual(['0:a', '1:c0', '2:g0', '3:c1 (parent)', '4:b']);
    // A reader that starts inside the child's events reads on from there.
    expect(await read('follow', 2)).toEqual(['2:g0', '3:c1 (parent)', '4:b']);
  });

  it("never reads a stream that is not a run's below it, nor follows ahead of its events", async () => {
    const secret = event('another run’s event');
    await storedRun(
      'forged',
      [
        // Another run's stream named as a child, and prefixes that are not a child's id.
        { from: 0, events: [event('a')], child: { runId: 'other', at: 1 } },
        { from: 1, events: [event('b')], child: { runId: 'forged-2/x', at: 2 } },
        { from: 2, events: [event('c')], child: { runId: 'forged', at: 3 } },
        // A child announced past the events read so far (its index not reached).
        { from: 3, events: [event('d')], child: { runId: 'forged/1.0:call-c', at: 9 } },
        { from: 4, events: [event('e')], child: { runId: 'forged/1.0:call-c', at: '4' } },
      ],
      {
        other: [{ from: 0, events: [secret] }],
        'forged-2/x': [{ from: 0, events: [secret] }],
        'forged/1.0:call-c': [{ from: 0, events: [secret] }],
      },
    );
    expect(await read('forged')).toEqual(['0:a', '1:b', '2:c', '3:d', '4:e']);
  });
});
