import { caseFromRunFile } from '@gemloop/evals';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  workerDatabase,
} from '../__fixtures__/fleet.ts';
import { MIN_SHARED_LENGTH } from '../durable/events/shared-strings.ts';
import { createDurableRuns, type DurableRuns } from '../index.ts';
import { type DurableRecordedRun, readRecordedRuns } from './index.ts';

// leftovers43 (store-once42's note): a durable run's stored result and its event entries keep a
// long string they hold more than once only once (`sharedStrings`, each other place `null`).
// `readRecordedRuns` must put them back, or the recording's model answer, its final text and the
// case made of it read `null`. No test read such a run back: here a worker stores one (the model
// answers a text well past `MIN_SHARED_LENGTH`, which the result holds in its `text`, its
// `contents` and its step), and the reading is checked against the stored rows.

const LONG = Array.from({ length: 120 }, (_, index) => `Line ${index} of the long answer.`).join(
  ' ',
);

let fake: FakeGemini;
let databaseUrl: string;
let runs: DurableRuns;
let worker: WorkerProcess;

beforeAll(async () => {
  expect(LONG.length).toBeGreaterThan(2 * MIN_SHARED_LENGTH);
  fake = createFakeGemini({ script: () => turn.text(LONG) });
  await fake.listen();
  databaseUrl = await workerDatabase('recorded_shared');
  worker = await startWorker({
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: createCounter().file,
    SLOW_MS: '10',
  });
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  await runs.start('support', { runId: 'long-answer', input: 'Tell me everything.' });
  expect((await runs.result('long-answer')).text).toBe(LONG);
});

afterAll(async () => {
  await runs?.close();
  if (worker !== undefined) await stopWorker(worker);
  await fake?.close();
});

describe('readRecordedRuns: a run whose stored rows keep a long string once', () => {
  it('stored it once (the premise), and reads it back in every place, as does its case', async () => {
    // The premise: the stored result holds the text once, under sharedStrings, its places null.
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
    try {
      // DBOS 5 keeps a workflow's output in a table of its own; the events in its stream rows.
      const { rows } = await pool.query<{ output: string }>(
        'SELECT t::text AS output FROM dbos.workflow_output t WHERE workflow_uuid = $1',
        ['long-answer'],
      );
      const output = rows[0]?.output ?? '';
      expect(output).toContain('sharedStrings');
      expect(output.split('Line 119 of the long answer.').length - 1).toBe(1);
      const stream = await pool.query<{ value: string }>(
        'SELECT value FROM dbos.streams WHERE workflow_uuid = $1',
        ['long-answer'],
      );
      expect(stream.rows.some((row) => row.value.includes('sharedStrings'))).toBe(true);
    } finally {
      await pool.end();
    }

    const read: DurableRecordedRun[] = [];
    for await (const run of readRecordedRuns({ databaseUrl })) read.push(run);
    expect(read.map((run) => run.runId)).toEqual(['long-answer']);
    const lines = (read[0] as DurableRecordedRun).lines;
    const end = lines.find((line) => line.type === 'model-call-end') as
      | { response: { candidates: { content: { parts: { text?: string }[] } }[] } }
      | undefined;
    expect(end?.response.candidates[0]?.content.parts[0]?.text).toBe(LONG);
    expect(lines.at(-1)).toMatchObject({ type: 'run-end', outcome: 'success', text: LONG });
    expect(JSON.stringify(lines)).not.toContain('sharedStrings');
    const evalCase = caseFromRunFile(
      lines.map((line) => JSON.stringify(line)).join('\n'),
      'postgres:long-answer',
    );
    expect(evalCase?.expected).toMatchObject({ text: LONG });
  });
});
