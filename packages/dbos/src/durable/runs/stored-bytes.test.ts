import { isDeepStrictEqual } from 'node:util';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  workerDatabase,
} from '../../__fixtures__/fleet.ts';
import { createDurableRuns, type DurableRuns } from '../../index.ts';

/**
 * The model's last turn: a text of about 128 KB (bench/RESULTS.md's store-once42 table is this
 * run with 4 MB, `STORED_BYTES_MB=4`, and its byte counts printed: `STORED_BYTES_PRINT=1`). The
 * bounds below are ratios to its length, the same at 128 KB as at 1 MB (each long string kept once
 * from 1,024 characters); 1 MB cost ~5 s more of the worker's and the test's CPU (test-speed20).
 */
const MB = Number(process.env['STORED_BYTES_MB'] ?? '0.128');
const LONG = 'The order shipped on Monday. '.repeat(Math.ceil((MB * 1_000_000) / 29));

/** lookup, then the long answer. */
function longAnswerScript(): Parameters<typeof createFakeGemini>[0] {
  return {
    script: (_request, context) =>
      context.functionResponses.length > 0 ? turn.text(LONG) : turn.call('lookup', { order: '7' }),
  };
}

/** Bytes a run holds in each place of the database (rows' text), and its stream's by event type. */
async function storedBytes(databaseUrl: string, runId: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const bytes: Record<string, number> = {};
    const steps = await client.query<{ name: string; bytes: string }>(
      `SELECT function_name AS name, sum(octet_length(coalesce(output, ''))) AS bytes
         FROM dbos.operation_outputs WHERE workflow_uuid = $1 GROUP BY function_name`,
      [runId],
    );
    for (const row of steps.rows) bytes[`step ${row.name}`] = Number(row.bytes);
    // DBOS 5 keeps a workflow's inputs and output in tables of their own (`workflow_status` had them).
    for (const table of ['workflow_status', 'workflow_input', 'workflow_output']) {
      const row = await client.query<{ bytes: string }>(
        `SELECT octet_length(t::text) AS bytes FROM dbos.${table} t WHERE workflow_uuid = $1`,
        [runId],
      );
      bytes[table] = Number(row.rows[0]?.bytes ?? 0);
    }
    const stream = await client.query<{ value: string }>(
      `SELECT value FROM dbos.streams WHERE workflow_uuid = $1 ORDER BY "offset"`,
      [runId],
    );
    for (const row of stream.rows) {
      bytes['stream rows'] = (bytes['stream rows'] ?? 0) + Buffer.byteLength(row.value);
      // DBOS's SuperJSON record: `{ json, meta?, __dbos_serializer }`.
      const batch = (JSON.parse(row.value) as { json?: { events?: { type: string }[] } } | null)
        ?.json;
      for (const event of batch?.events ?? []) {
        const key = `stream ${event.type}`;
        bytes[key] = (bytes[key] ?? 0) + Buffer.byteLength(JSON.stringify(event));
      }
    }
    return bytes;
  } finally {
    await client.end();
  }
}

describe('what a durable run with a long model turn stores', () => {
  let fake: FakeGemini;
  let databaseUrl: string;
  let runs: DurableRuns;
  let worker: WorkerProcess;
  const counter = createCounter();

  beforeAll(async () => {
    fake = createFakeGemini(longAnswerScript());
    await fake.listen();
    databaseUrl = await workerDatabase('stored_bytes');
    worker = await startWorker({
      DATABASE_URL: databaseUrl,
      FAKE_URL: fake.url,
      COUNTER_FILE: counter.file,
      SLOW_MS: '50',
    });
    runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  });

  afterAll(async () => {
    await runs?.close();
    if (worker !== undefined) await stopWorker(worker);
    await fake?.close();
  });

  it('stores the turn a bounded number of times, and every reader still returns it whole', async () => {
    const { runId } = await runs.start('support', { runId: 'long-1', input: 'Where is order 7?' });
    const result = await runs.result(runId);
    expect(result.text === LONG).toBe(true);
    const events = [];
    for await (const { event } of runs.events(runId)) events.push(event);
    const bytes = await storedBytes(databaseUrl, runId);
    if (process.env['STORED_BYTES_PRINT'] === '1') console.log(JSON.stringify(bytes, null, 1));
    // The run-end event reads as it did when it was stored whole: the run's stored result.
    const runEnd = events.at(-1);
    expect(runEnd?.type).toBe('run-end');
    // Compared whole, told in a word (a failed toEqual would print the megabytes).
    expect(isDeepStrictEqual(runEnd?.type === 'run-end' ? runEnd.result : undefined, result)).toBe(
      true,
    );
    const parts = result.contents.at(-1)?.parts ?? [];
    expect(parts.map((part) => part.text ?? '').join('') === LONG).toBe(true);
    // The turn once in the workflow's output (before: 7 times, in `contents`, `newContents`,
    // `parts`, `text` and its step's `content`, `response`, `text`), once in the stream besides
    // its deltas (before: 10 times, the step-end's 3 and the run-end's 7), whose own overhead
    // (a delta event each chunk) is the rest. The stream's run-end names the output.
    expect(bytes['workflow_output']).toBeLessThan(LONG.length * 1.2);
    // The model step's record: its chunks packed (packed-chunks.ts), the text once and each
    // chunk's change of usage; whole, each chunk with its envelope, it was 7.8 × the turn.
    expect(bytes['step gemloop.model:stream']).toBeLessThan(LONG.length * 1.6);
    expect(bytes['stream run-end']).toBeLessThan(1_000);
    expect((bytes['stream rows'] ?? 0) - (bytes['stream text-delta'] ?? 0)).toBeLessThan(
      LONG.length * 1.2,
    );
  });
});
