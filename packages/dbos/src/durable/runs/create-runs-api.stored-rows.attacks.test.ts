import { RunAccessDeniedError } from '@gemloop/core/web';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerDatabase } from '../../__fixtures__/fleet.ts';
import { createDurableRuns, DurableRunDataError, type DurableRuns } from '../../index.ts';
import { readRecordedRuns } from '../../recorded-runs/index.ts';

// Outside attack on what the runs API reads back (attack24): the DBOS system database's rows of
// a run — its event stream's entries, its stored input, its stored result — edited by hand,
// truncated, or written by another version. No worker runs here: each run is enqueued, then its
// rows are written as the attack needs (the worker would write them the same way, through DBOS).
// Before: a `null` or `{}` entry threw a bare TypeError from inside `events()`, a string entry
// yielded its characters as events, `from: "x"` gave string offsets, an entry far ahead silently
// swallowed every later event; a truncated input row made the run's agent `{`; a stored result
// that was a string came back from `result()` as the run's result.

/** Key-shaped text planted in the rows: it must reach no error message. */
const KEY = 'AIzaSyA1234567890abcdefghijklmnopqrstuv';

let databaseUrl: string;
let runs: DurableRuns;
let pool: pg.Pool;

beforeAll(async () => {
  databaseUrl = await workerDatabase('stored-rows');
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 50 });
  pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
});

afterAll(async () => {
  await runs?.close();
  await pool?.end();
});

/** An over run whose event stream holds `entries` (JSON text, as DBOS stores a portable value). */
async function runWithEntries(runId: string, entries: readonly string[]): Promise<void> {
  await runs.start('helper', { runId, input: 'hi' });
  await pool.query(`UPDATE dbos.workflow_status SET status = 'SUCCESS' WHERE workflow_uuid = $1`, [
    runId,
  ]);
  for (const [offset, value] of entries.entries()) {
    await pool.query(
      `INSERT INTO dbos.streams (workflow_uuid, key, value, "offset", function_id, serialization)
       VALUES ($1, 'gemloop.events', $2, $3, 1, 'portable_json')`,
      [runId, value, offset],
    );
  }
}

async function readEvents(
  runId: string,
): Promise<{ offsets: unknown[]; types: unknown[]; error?: unknown }> {
  const offsets: unknown[] = [];
  const types: unknown[] = [];
  try {
    for await (const { offset, event } of runs.events(runId)) {
      offsets.push(offset);
      types.push((event as { type?: unknown } | null)?.type);
    }
    return { offsets, types };
  } catch (error) {
    return { offsets, types, error };
  }
}

// Each with its `path`, as every version wrote one (a row without it is refused, attack61d).
const good = (from: number, ...types: string[]): string =>
  JSON.stringify({ from, events: types.map((type) => ({ type, path: [], text: 'x' })) });

describe('runs.events(): entries of the event stream that gemloop did not write', () => {
  it.each([
    ['null', 'null', 'is not an entry of events'],
    ['an empty object', '{}', 'is not an entry of events'],
    ['a string', '"hello"', 'is not an entry of events'],
    ['events that are not a list', '{"from":1,"events":"abc"}', 'is not an entry of events'],
    ['a `from` that is text', '{"from":"x","events":[{"type":"b"}]}', 'is not an entry of events'],
    ['a negative `from`', '{"from":-1,"events":[{"type":"b"}]}', 'is not an entry of events'],
    ['a fractional `from`', '{"from":0.5,"events":[{"type":"b"}]}', 'is not an entry of events'],
    ['an event that is a number', '{"from":1,"events":[1]}', 'event 1 is not an event'],
    ['an event that is null', '{"from":1,"events":[null]}', 'event 1 is not an event'],
    ['an event without a type', '{"from":1,"events":[{"text":"b"}]}', 'event 1 is not an event'],
    ['truncated JSON', `{"from":1,"events":[{"type":"text-delta","text":"${KEY}`, 'is not JSON'],
    ['a token that is no JSON', `{"from":1,"events":[${KEY}]}`, 'is not JSON'],
  ])(
    'refuses an entry that is %s, typed, naming the run and the entry, after the events before it',
    async (name, entry, problem) => {
      const runId = `entry-${name.replace(/\W+/g, '-')}`;
      await runWithEntries(runId, [good(0, 'step-start'), entry, good(2, 'run-end')]);
      const { offsets, types, error } = await readEvents(runId);
      expect(offsets).toEqual([0]);
      expect(types).toEqual(['step-start']);
      expect(DurableRunDataError.isInstance(error)).toBe(true);
      const refused = error as DurableRunDataError;
      expect(refused).toMatchObject({ runId, row: 'events', entry: 1 });
      expect(refused.message).toContain(`"${runId}"`);
      expect(refused.message).toContain(problem);
      // Not a character of the key, nor the parser's snippet of the row.
      expect(refused.message).not.toContain('AIza');
      expect(JSON.stringify(refused)).not.toContain('AIza');
      expect(String(refused.cause ?? '')).not.toContain('AIza');
    },
  );

  it('refuses an entry that starts past the next event (events missing), instead of dropping every later one', async () => {
    const runId = 'entry-gap';
    await runWithEntries(runId, [
      good(0, 'step-start'),
      good(1e15, 'text-delta'),
      good(1, 'run-end'),
    ]);
    const { offsets, error } = await readEvents(runId);
    expect(offsets).toEqual([0]);
    expect(DurableRunDataError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('starts at event 1000000000000000');
  });

  it('still reads overlapping entries (a step re-run after a crash writes its events again) as one run of events', async () => {
    const runId = 'entry-overlap';
    await runWithEntries(runId, [
      good(0, 'step-start', 'text-delta'),
      good(1, 'text-delta', 'step-end'),
      good(3, 'run-end'),
    ]);
    expect(await readEvents(runId)).toEqual({
      offsets: [0, 1, 2, 3],
      types: ['step-start', 'text-delta', 'step-end', 'run-end'],
    });
  });
});

describe('runs.status(), list(), ownerOf(): a stored input that is not the one gemloop wrote', () => {
  it('reads no agent and no owner from a truncated input row, and refuses the owner it lost', async () => {
    const runId = 'input-truncated';
    await runs.start('helper', { runId, input: 'hi', owner: 'alice' });
    // A run started before its agent and owner were stored as DBOS attributes (attack24b): they
    // are read from its input, which is cut short here.
    await pool.query(`UPDATE dbos.workflow_status SET attributes = NULL WHERE workflow_uuid = $1`, [
      runId,
    ]);
    await pool.query(
      `UPDATE dbos.workflow_input SET inputs = left(inputs, 20) WHERE workflow_uuid = $1`,
      [runId],
    );
    const status = await runs.status(runId);
    // Before: the first character of the raw text, `{`.
    expect(status?.agent).toBeUndefined();
    expect(status?.owner).toBeUndefined();
    const listed = (await runs.list()).find((run) => run.runId === runId);
    expect(listed?.agent).toBeUndefined();
    expect(await runs.ownerOf(runId)).toBeUndefined();
    const refused = await runs.pendingApprovals(runId, { owner: 'alice' }).catch((error) => error);
    expect(RunAccessDeniedError.isInstance(refused)).toBe(true);
  });
});

describe('runs.result(): a stored result that is not an agent result', () => {
  async function storedResult(runId: string, output: string): Promise<unknown> {
    await runs.start('helper', { runId, input: 'hi' });
    await pool.query(
      `UPDATE dbos.workflow_status SET status = 'SUCCESS', output = $2, serialization = 'portable_json' WHERE workflow_uuid = $1`,
      [runId, output],
    );
    return runs.result(runId).then(
      (result) => ({ result }),
      (error: unknown) => error,
    );
  }

  it.each([
    ['a string', '"just text"', 'is not an agent result'],
    ['a list', '[1,2]', 'is not an agent result'],
    ['null', 'null', 'is not an agent result'],
    ['truncated JSON holding a key', `{"text":"${KEY}`, 'is not JSON'],
    ['a token that is no JSON', `{"text":${KEY}}`, 'is not JSON'],
  ])('refuses a result that is %s, typed, naming the run', async (name, output, problem) => {
    const runId = `result-${name.replace(/\W+/g, '-')}`;
    const error = await storedResult(runId, output);
    expect(DurableRunDataError.isInstance(error)).toBe(true);
    const refused = error as DurableRunDataError;
    expect(refused).toMatchObject({ runId, row: 'result' });
    expect(refused.message).toContain(`"${runId}"`);
    expect(refused.message).toContain(problem);
    expect(refused.message).not.toContain('AIza');
    expect(String(refused.cause ?? '')).not.toContain('AIza');
  });

  it('still returns a stored result of another version whose fields it does not know', async () => {
    const outcome = await storedResult('result-other-version', '{"text":"hi","newField":1}');
    expect(outcome).toEqual({ result: { text: 'hi', newField: 1 } });
  });
});

describe('readRecordedRuns(): a run whose event stream holds an entry DBOS cannot parse', () => {
  it("refuses it typed, naming the run and the entry, not the parser's quote of the row", async () => {
    const runId = 'recorded-truncated';
    await runWithEntries(runId, [good(0, 'step-start'), `{"from":1,"events":[${KEY}]}`]);
    const read = async (): Promise<unknown> => {
      try {
        for await (const _ of readRecordedRuns({ databaseUrl, runIds: [runId] })) {
          // read on
        }
        return undefined;
      } catch (error) {
        return error;
      }
    };
    const error = await read();
    expect(DurableRunDataError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ runId, row: 'events', entry: 1 });
    expect((error as Error).message).not.toContain('AIza');
  });
});

describe('runs.pendingApprovals() and approve(): a list of waiting calls DBOS cannot parse', () => {
  it("refuses it typed, naming the run, not the parser's quote of the row", async () => {
    const runId = 'approvals-truncated';
    await runs.start('helper', { runId, input: 'hi' });
    await pool.query(
      `INSERT INTO dbos.workflow_events (workflow_uuid, key, value, serialization)
       VALUES ($1, 'gemloop.approvals', $2, 'portable_json')`,
      [runId, `[{"approvalId":"a1","toolCallId":${KEY}}]`],
    );
    for (const read of [
      () => runs.pendingApprovals(runId),
      () => runs.approve(runId, 'a1', { type: 'approve' }),
    ]) {
      const error = await read().then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(DurableRunDataError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ runId, row: 'approvals' });
      expect((error as Error).message).not.toContain('AIza');
    }
  });
});

// attack61d: a stored event whose `path` is not a list of agent names. Every version wrote one,
// and the runs API handed the event on as it was: a durable A2A door's follower
// (`answerDeltaPublisher`, `event.path.length`) then threw a bare TypeError naming neither the
// task nor the row. Now the read stops at the entry with the typed error naming the run (the
// task's id) and the entry, as for any other bad entry.
describe('runs.events(): an event whose path is not a list of agent names', () => {
  const delta = (path: unknown) =>
    path === undefined
      ? { type: 'text-delta', stepNumber: 1, text: 'x' }
      : { type: 'text-delta', stepNumber: 1, text: 'x', path };
  const entry = (from: number, ...events: unknown[]) => JSON.stringify({ from, events });

  it.each([
    ['a string', KEY],
    ['a number', 7],
    ['null', null],
    ['an object with a length', { length: 1, 0: 'a' }],
    ['a list holding a number', ['helper', 1]],
    ['none', undefined],
  ])('refuses %s typed, naming the run and the entry, never the row', async (name, path) => {
    const runId = `path-${name.replaceAll(' ', '-')}`;
    await runWithEntries(runId, [good(0, 'step-start'), entry(1, delta(path))]);
    const { types, error } = await readEvents(runId);
    expect(types).toEqual(['step-start']);
    expect(error).toBeInstanceOf(DurableRunDataError);
    expect(error).toMatchObject({ runId, row: 'events', entry: 1, code: 'durable-run-data' });
    expect((error as Error).message).toContain('event 1 has no path');
    expect((error as Error).message).not.toContain(KEY);
  });

  it("reads a subagent's events and the run's own as before", async () => {
    const runId = 'path-good';
    await runWithEntries(runId, [
      entry(0, delta([]), delta(['researcher']), delta(['researcher', 'critic'])),
    ]);
    expect((await readEvents(runId)).types).toEqual(['text-delta', 'text-delta', 'text-delta']);
  });
});
