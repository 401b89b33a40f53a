import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  waitFor,
  workerDatabase,
} from '../../__fixtures__/fleet.ts';
import { createDurableRuns, type DurableRuns } from '../../index.ts';

// leftovers62 (issue 53): a run paused for approval runs again from its start when approved, in
// a new execution that emitted, scanned and wrote every event of the run so far again (k pauses:
// k + 1 writes of the run). Now the execution asks what its stream holds and writes the rest.

/** The fixture worker's client key: the first refund's order holds it. */
const KEY = 'test-key';
const PAUSES = 5;
const LONG = 'y'.repeat(1000);

/** Refunds (each needing approval) until `PAUSES` were made, then answers. */
function script(): FakeGemini {
  return createFakeGemini({
    script: ({ body }) => {
      const done = (JSON.stringify(body.contents).match(/"functionResponse"/g) ?? []).length;
      return done < PAUSES
        ? turn.call('refund', {
            order: `${done === 0 ? `${KEY} ` : ''}${done} ${LONG}`,
            amount: 30,
          })
        : turn.text('All refunded.');
    },
  });
}

describe('a run paused 5 times for approval (leftovers62)', () => {
  let fake: FakeGemini;
  let runs: DurableRuns;
  let worker: WorkerProcess;
  let pool: pg.Pool;
  const counter = createCounter();

  beforeAll(async () => {
    fake = script();
    await fake.listen();
    const databaseUrl = await workerDatabase('paused-events');
    worker = await startWorker({
      DATABASE_URL: databaseUrl,
      FAKE_URL: fake.url,
      COUNTER_FILE: counter.file,
      POLLING_MS: '50',
    });
    runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 50 });
    pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  });

  afterAll(async () => {
    await runs?.close();
    await pool?.end();
    if (worker !== undefined) await stopWorker(worker);
    await fake?.close();
  });

  it('writes each event to its stream once, and the key in its first step reaches no reader', async () => {
    const { runId } = await runs.start('approver', { runId: 'paused-5', input: 'refund them' });
    const approved = new Set<string>();
    for (let pause = 0; pause < PAUSES; pause++) {
      let next: string | undefined;
      await waitFor(
        async () => {
          const pending = await runs.pendingApprovals(runId);
          next = pending.find(({ toolCallId }) => !approved.has(toolCallId))?.toolCallId;
          return next !== undefined;
        },
        `${runId} to pause (${pause + 1})`,
      );
      approved.add(next as string);
      await runs.approve(runId, next as string, { type: 'approve' });
    }
    expect((await runs.result(runId)).text).toBe('All refunded.');
    const { rows } = await pool.query<{ entries: string; written: string; stored: string }>(
      `SELECT count(*) AS entries, sum(json_array_length(b->'events')) AS written,
              max((b->>'from')::int + json_array_length(b->'events')) AS stored
         FROM (SELECT CASE WHEN value::json->>'__dbos_serializer' = 'superjson'
                           THEN value::json->'json' ELSE value::json END AS b
                 FROM "dbos".streams WHERE workflow_uuid = $1 AND key = 'gemloop.events') AS entries
        WHERE json_typeof(b->'events') = 'array'`,
      [runId],
    );
    const { entries, written, stored } = rows[0] as {
      entries: string;
      written: string;
      stored: string;
    };
    const read = [];
    for await (const { event } of runs.events(runId)) read.push(event);
    expect(read).toHaveLength(Number(stored));
    // Each index written once: before, each execution wrote the run from its start again,
    // 3 times the run's events (measured: 72 written for 24, in 9 entries; now 24 in 6).
    expect(Number(written)).toBe(Number(stored));
    expect(Number(entries)).toBeLessThanOrEqual(2 * (PAUSES + 1));
    expect(JSON.stringify(read)).not.toContain(KEY);
    expect(JSON.stringify(read)).toContain('[redacted] 0 y');
    expect(counter.lines().filter((line) => line.startsWith('done refund'))).toHaveLength(PAUSES);
  });
});
