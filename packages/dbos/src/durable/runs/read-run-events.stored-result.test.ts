import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeStoredRun } from '../../__fixtures__/event-stream-rows.ts';
import { workerDatabase } from '../../__fixtures__/fleet.ts';
import { createDurableRuns, DurableRunDataError, type DurableRuns } from '../../index.ts';

// A run's `run-end` is written without its result, which the workflow's output holds
// (`resultAt`, run-events.ts; store-once42): `runs.events()` puts it back. A run written by an
// older version (its `run-end` holding the result) still reads, as a run mid-deploy does. No
// worker: each run's rows are written as the worker writes them (create-runs-api.stored-rows).

let databaseUrl: string;
let runs: DurableRuns;
let pool: pg.Pool;

beforeAll(async () => {
  databaseUrl = await workerDatabase('stored_result');
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 50 });
  pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
});

afterAll(async () => {
  await runs?.close();
  await pool?.end();
});

/** A run whose event stream holds `entries`, over with `status` and `output` (JSON, or none). */
const storedRun = (
  runId: string,
  entries: readonly unknown[],
  options?: { status?: string; output?: unknown },
): Promise<void> => writeStoredRun(runs, pool, runId, entries, options);

async function readEvents(
  runId: string,
  offset = 0,
): Promise<{ events: unknown[]; error?: unknown }> {
  const events: unknown[] = [];
  try {
    for await (const { event } of runs.events(runId, { offset })) events.push(event);
    return { events };
  } catch (error) {
    return { events, error };
  }
}

const start = { type: 'step-start', path: [], stepNumber: 1, kind: 'tools' };
const result = {
  text: 'Order 7 shipped.',
  contents: [{ role: 'model', parts: [{ text: 'Order 7 shipped.' }] }],
};

describe('runs.events(): the run-end result stored once', () => {
  it('puts the stored result back into a run-end written without it', async () => {
    await storedRun(
      'stored-once',
      [{ from: 0, events: [start, { type: 'run-end', path: [] }], resultAt: 1 }],
      { output: result },
    );
    expect(await readEvents('stored-once')).toEqual({
      events: [start, { type: 'run-end', path: [], result }],
    });
    // From an offset past the events before it, too.
    expect(await readEvents('stored-once', 1)).toEqual({
      events: [{ type: 'run-end', path: [], result }],
    });
  });

  it('reads a run-end of an older version, holding its result, as it was stored', async () => {
    const own = { ...result, text: 'As the stream held it.' };
    await storedRun(
      'stored-old',
      [
        { from: 0, events: [start] },
        { from: 1, events: [{ type: 'run-end', path: [], result: own }] },
      ],
      { output: result },
    );
    expect(await readEvents('stored-old')).toEqual({
      events: [start, { type: 'run-end', path: [], result: own }],
    });
  });

  it('ends without a run-end when the run kept no result (cancelled after its last write)', async () => {
    await storedRun(
      'stored-cancelled',
      [{ from: 0, events: [start, { type: 'run-end', path: [] }], resultAt: 1 }],
      { status: 'CANCELLED' },
    );
    expect(await readEvents('stored-cancelled')).toEqual({ events: [start] });
  });

  it.each([
    ['an event that is no run-end', 1],
    ['an event the entry does not hold', 5],
    ['an index that is text', '2'],
    ['an index before the entry', 0],
  ])(
    'refuses an entry whose resultAt names %s, typed, after the events before it',
    async (name, resultAt) => {
      const runId = `stored-${name.replace(/\W+/g, '-')}`;
      await storedRun(
        runId,
        [
          { from: 0, events: [start] },
          { from: 1, events: [start, { type: 'run-end', path: [] }], resultAt },
        ],
        { output: result },
      );
      const { events, error } = await readEvents(runId);
      expect(events).toEqual([start]);
      expect(DurableRunDataError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ runId, row: 'events', entry: 1 });
      expect((error as Error).message).toContain('as its run-end');
    },
  );
});

describe('a run’s long strings kept once (sharedStrings)', () => {
  const text = 'Order 7 shipped. '.repeat(100);
  const longResult = { text, contents: [{ role: 'model', parts: [{ text }] }] };
  const storedOnce = {
    text: null,
    contents: [{ role: 'model', parts: [{ text: null }] }],
    sharedStrings: {
      strings: [text],
      at: [
        ['text', 0],
        ['contents', 0, 'parts', 0, 'text', 0],
      ],
    },
  };

  it('puts them back into the stored result and into the run-end read from it', async () => {
    await storedRun(
      'shared-result',
      [{ from: 0, events: [start, { type: 'run-end', path: [] }], resultAt: 1 }],
      { output: storedOnce },
    );
    expect(await runs.result('shared-result')).toEqual(longResult);
    expect(await readEvents('shared-result')).toEqual({
      events: [start, { type: 'run-end', path: [], result: longResult }],
    });
  });

  it('puts them back into the events of an entry', async () => {
    const step = {
      type: 'step-end',
      path: [],
      step: { text, content: { role: 'model', parts: [{ text }] } },
    };
    await storedRun(
      'shared-events',
      [
        {
          from: 0,
          events: [
            start,
            { ...step, step: { text: null, content: { role: 'model', parts: [{ text: null }] } } },
          ],
          sharedStrings: {
            strings: [text],
            at: [
              [1, 'step', 'text', 0],
              [1, 'step', 'content', 'parts', 0, 'text', 0],
            ],
          },
        },
      ],
      { output: longResult },
    );
    expect(await readEvents('shared-events')).toEqual({ events: [start, step] });
  });

  it('refuses a stored result or an entry whose shared strings name a place they do not hold', async () => {
    const forged = { ...storedOnce, sharedStrings: { strings: [text], at: [['kept', 0]] } };
    await storedRun(
      'shared-forged',
      [{ from: 0, events: [start], sharedStrings: forged.sharedStrings }],
      {
        output: forged,
      },
    );
    const refused = await runs.result('shared-forged').catch((error: unknown) => error);
    expect(refused).toMatchObject({ runId: 'shared-forged', row: 'result' });
    expect(DurableRunDataError.isInstance(refused)).toBe(true);
    const { events, error } = await readEvents('shared-forged');
    expect(events).toEqual([]);
    expect(error).toMatchObject({ runId: 'shared-forged', row: 'events', entry: 0 });
  });
});
