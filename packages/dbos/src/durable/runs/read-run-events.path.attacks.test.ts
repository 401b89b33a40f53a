import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerDatabase } from '../../__fixtures__/fleet.ts';
import { createDurableRuns, DurableRunDataError, type DurableRuns } from '../../index.ts';

// attack61d: a stored event whose `path` is not a list of agent names (a hostile or corrupted row
// of `dbos.streams`). Every version wrote one, and the runs API handed the event on as it was: a
// durable A2A door's follower (`answerDeltaPublisher`, `event.path.length`) then threw a bare
// TypeError naming neither the task nor the row. Now the read stops at the entry with the typed
// error that names the run (the task's id) and the entry, as for any other bad entry; the
// run's other readers and other runs read on.

const KEY = 'AIzaSyA1234567890abcdefghijklmnopqrstuv';

let runs: DurableRuns;
let pool: pg.Pool;

beforeAll(async () => {
  const databaseUrl = await workerDatabase('event-path');
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 50 });
  pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
});

afterAll(async () => {
  await runs?.close();
  await pool?.end();
});

/** An over run whose event stream holds `entries` (JSON text, as DBOS stores a portable value). */
async function runWithEntries(runId: string, entries: readonly unknown[]): Promise<void> {
  await runs.start('helper', { runId, input: 'hi' });
  await pool.query(`UPDATE dbos.workflow_status SET status = 'SUCCESS' WHERE workflow_uuid = $1`, [
    runId,
  ]);
  for (const [offset, value] of entries.entries()) {
    await pool.query(
      `INSERT INTO dbos.streams (workflow_uuid, key, value, "offset", function_id, serialization)
       VALUES ($1, 'gemloop.events', $2, $3, 1, 'portable_json')`,
      [runId, JSON.stringify(value), offset],
    );
  }
}

async function read(runId: string): Promise<{ types: unknown[]; error?: unknown }> {
  const types: unknown[] = [];
  try {
    for await (const { event } of runs.events(runId)) types.push(event.type);
    return { types };
  } catch (error) {
    return { types, error };
  }
}

const delta = (path: unknown) => ({ type: 'text-delta', stepNumber: 1, text: 'x', path });

describe('runs.events(): an event whose path is not a list of agent names', () => {
  it.each([
    ['a string', KEY],
    ['a number', 7],
    ['null', null],
    ['an object with a length', { length: 1, 0: 'a' }],
    ['a list holding a number', ['helper', 1]],
    ['none', undefined],
  ])('refuses %s typed, naming the run and the entry, never the row', async (_name, path) => {
    const runId = `path-${_name.replaceAll(' ', '-')}`;
    const bad = delta(path);
    if (path === undefined) delete (bad as { path?: unknown }).path;
    await runWithEntries(runId, [
      { from: 0, events: [{ type: 'step-start', path: [], stepNumber: 1 }] },
      { from: 1, events: [bad] },
    ]);
    const { types, error } = await read(runId);
    expect(types).toEqual(['step-start']);
    expect(error).toBeInstanceOf(DurableRunDataError);
    expect(error).toMatchObject({ runId, row: 'events', entry: 1, code: 'durable-run-data' });
    expect((error as Error).message).toContain('event 1 has no path');
    expect((error as Error).message).not.toContain(KEY);
  });

  it("reads a subagent's events and the run's own as before", async () => {
    const runId = 'path-good';
    await runWithEntries(runId, [
      { from: 0, events: [delta([]), delta(['researcher']), delta(['researcher', 'critic'])] },
    ]);
    expect(await read(runId)).toEqual({ types: ['text-delta', 'text-delta', 'text-delta'] });
  });
});
