// attack55 (issue 53): a stored result without `contents` (stored-result-contents.ts) whose count
// of history contents, or whose run's stored history, a hostile database rewrote. No worker runs:
// each run is enqueued, then its rows are written with SQL as the attack needs. Every reader
// (`runs.result()`, the `run-end` of `runs.events()`) refuses it with `DurableRunDataError`
// naming the run and what is wrong; `readRecordedRuns` leaves such a run out, as it leaves out
// every result it cannot read. Never a wrong `contents`, a hang or a TypeError.

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerDatabase } from '../../__fixtures__/fleet.ts';
import { createDurableRuns, DurableRunDataError, type DurableRuns } from '../../index.ts';
import { readRecordedRuns } from '../../recorded-runs/index.ts';

const user = (text: string) => ({ role: 'user', parts: [{ text }] });
const model = (text: string) => ({ role: 'model', parts: [{ text }] });
const history = [user('first'), model('One.')];
const newContents = [user('second'), model('Two.')];

let databaseUrl: string;
let runs: DurableRuns;
let pool: pg.Pool;

beforeAll(async () => {
  databaseUrl = await workerDatabase('contents-from');
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 50 });
  pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
});

afterAll(async () => {
  await runs?.close();
  await pool?.end();
});

/**
 * A run over `history` whose stored result is `output` (its run-end written without it, as the
 * worker writes one), and whose stored history is then `storedHistory` when given.
 */
async function hostileRun(
  runId: string,
  output: Record<string, unknown>,
  storedHistory?: unknown,
): Promise<void> {
  await runs.start('helper', { runId, input: 'second', history: history as never });
  if (storedHistory !== undefined) {
    const { rows } = await pool.query<{ inputs: string }>(
      'SELECT inputs FROM dbos.workflow_input WHERE workflow_uuid = $1',
      [runId],
    );
    const text = rows[0]?.inputs as string;
    // The history as the input row holds it, swapped for the hostile one (a hand edit).
    const edited = text.replace(JSON.stringify(history), JSON.stringify(storedHistory));
    expect(edited).not.toBe(text);
    await pool.query('UPDATE dbos.workflow_input SET inputs = $2 WHERE workflow_uuid = $1', [
      runId,
      edited,
    ]);
  }
  // In the run's own serialization (DBOS's superjson: `{ json, __dbos_serializer }`), which its
  // input is read with too.
  await pool.query(
    `UPDATE dbos.workflow_status SET status = 'SUCCESS', output = $2 WHERE workflow_uuid = $1`,
    [runId, JSON.stringify({ json: output, __dbos_serializer: 'superjson' })],
  );
  await pool.query(
    `INSERT INTO dbos.streams (workflow_uuid, key, value, "offset", function_id, serialization)
     VALUES ($1, 'gemloop.events', $2, 0, 1, 'portable_json')`,
    [runId, JSON.stringify({ from: 0, events: [{ type: 'run-end', path: [] }], resultAt: 0 })],
  );
}

const marked = (count: unknown) => ({
  text: 'Two.',
  newContents,
  steps: [],
  contentsFrom: count,
});

async function readAll(
  runId: string,
): Promise<{ result: unknown; events: unknown; recorded: unknown[] }> {
  const result = await runs.result(runId).then(
    (value) => ({ value }),
    (error: unknown) => error,
  );
  const events = await (async () => {
    const ends: unknown[] = [];
    for await (const { event } of runs.events(runId)) ends.push(event);
    return { ends };
  })().catch((error: unknown) => error);
  const recorded: unknown[] = [];
  for await (const line of readRecordedRuns({ databaseUrl, runIds: [runId] })) recorded.push(line);
  return { result, events, recorded };
}

describe('a stored result without contents, its count or its history rewritten', () => {
  it.each([
    ['a negative count', marked(-1), undefined, 'names -1 as its count of history contents'],
    ['a fractional count', marked(1.5), undefined, 'names 1.5 as its count of history contents'],
    ['a count in text', marked('2'), undefined, 'names "2" as its count of history contents'],
    ['a count past the history', marked(3), undefined, 'which its input does not hold'],
    ['a huge count', marked(1e300), undefined, 'as its count of history contents'],
    [
      'a history that is not a list',
      marked(2),
      { first: history },
      'which its input does not hold',
    ],
    ['a history of text', marked(2), 'first, One.', 'which its input does not hold'],
    [
      'no newContents to rebuild from',
      { text: 'x', steps: [], contentsFrom: 2 },
      undefined,
      'has no newContents',
    ],
  ])(
    '%s: refused typed by result() and events(), left out by readRecordedRuns',
    async (name, output, stored, problem) => {
      const runId = `contents-from-${name.replace(/\W+/g, '-')}`;
      await hostileRun(runId, output, stored);
      const { result, events, recorded } = await readAll(runId);
      for (const error of [result, events]) {
        expect(DurableRunDataError.isInstance(error)).toBe(true);
        expect(error).toMatchObject({ runId, row: 'result' });
        expect((error as Error).message).toContain(`"${runId}"`);
        expect((error as Error).message).toContain(problem);
      }
      expect(recorded).toEqual([]);
    },
  );

  it('reads the same row untouched back whole (the control of the cases above)', async () => {
    const runId = 'contents-from-control';
    await hostileRun(runId, marked(2));
    const { result, events, recorded } = await readAll(runId);
    const whole = { ...marked(2), contents: [...history, ...newContents] };
    delete (whole as { contentsFrom?: unknown }).contentsFrom;
    expect(result).toEqual({ value: whole });
    expect((events as { ends: { result?: unknown }[] }).ends.at(-1)?.result).toEqual(whole);
    expect(recorded.length).toBeGreaterThan(0);
  });

  it('reads a history of 50,000 contents back whole, in every reader', async () => {
    const many = Array.from({ length: 50_000 }, (_, index) => user(`m${index}`));
    const runId = 'contents-from-huge';
    await hostileRun(runId, marked(50_000), many);
    const { result, events } = await readAll(runId);
    const contents = (result as { value: { contents: unknown[] } }).value.contents;
    expect(contents).toHaveLength(50_002);
    expect(contents[49_999]).toEqual(user('m49999'));
    expect(contents.slice(50_000)).toEqual(newContents);
    const end = (events as { ends: { result?: { contents?: unknown[] } }[] }).ends.at(-1);
    expect(end?.result?.contents).toEqual(contents);
  });
});
