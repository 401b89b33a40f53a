import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentEvent } from '@gemloop/core';
import type { GenerateContentResponse } from '@gemloop/core/wire';
import type { FakeGemini } from '@gemloop/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  crashWorker,
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  waitFor,
  workerDatabase,
} from '../../__fixtures__/fleet.ts';
import { ANSWER, createScriptedFake } from '../../__fixtures__/scripted-crash-fake.ts';
import { createDurableRuns, type DurableRuns } from '../../index.ts';
import { type PackedChunks, unpackChunks } from './packed-chunks.ts';

// A streamed model step's record in the shape of the version before store-step42 (the chunks'
// array, not packed) replays after SIGKILL as a packed one does: the run that takes it over ends
// with the same result (the model's Content verbatim, usage) and the same events.

let fake: FakeGemini;
let runs: DurableRuns;
let pool: pg.Pool;
let databaseUrl: string;
let counter: ReturnType<typeof createCounter>;
const workers: WorkerProcess[] = [];
const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-hold-'));

beforeAll(async () => {
  fake = createScriptedFake(() => {});
  await fake.listen();
  databaseUrl = await workerDatabase('packed_chunks');
  counter = createCounter();
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
});

afterAll(async () => {
  await runs?.close();
  await pool?.end();
  for (const worker of workers) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
  rmSync(holdDirectory, { recursive: true, force: true });
});

const env = (executorId: string): Record<string, string> => ({
  DATABASE_URL: databaseUrl,
  FAKE_URL: fake.url,
  COUNTER_FILE: counter.file,
  SLOW_MS: '10',
  HOLD_DIR: holdDirectory,
  EXECUTOR_ID: executorId,
});

type StoredOutcome = { json: { ok: boolean; value: unknown } } & Record<string, unknown>;

/** Rewrites the run's streamed model step records as the previous version wrote them. */
async function toOlderShape(runId: string): Promise<number> {
  const { rows } = await pool.query<{ id: number; output: string }>(
    `SELECT function_id AS id, output FROM dbos.operation_outputs
      WHERE workflow_uuid = $1 AND function_name = 'gemloop.model:stream'`,
    [runId],
  );
  for (const row of rows) {
    const stored = JSON.parse(row.output) as StoredOutcome;
    const packed = stored.json.value as PackedChunks;
    expect(packed.packedChunks).toBe(1);
    stored.json.value = unpackChunks(packed) satisfies GenerateContentResponse[];
    await pool.query(
      `UPDATE dbos.operation_outputs SET output = $3 WHERE workflow_uuid = $1 AND function_id = $2`,
      [runId, row.id, JSON.stringify(stored)],
    );
  }
  return rows.length;
}

async function eventsOf(runId: string): Promise<AgentEvent[]> {
  const events: AgentEvent[] = [];
  for await (const { event } of runs.events(runId)) events.push(event);
  return events;
}

describe('a streamed model step recorded by the previous version', () => {
  it('replays after SIGKILL to the same result and events as a packed record', async () => {
    const first = await startWorker(env('packed-worker-0'));
    workers.push(first);
    const ids = ['older-shape', 'packed-shape'];
    for (const runId of ids) {
      writeFileSync(join(holdDirectory, runId), '');
      await runs.start('support', { runId, input: 'Where is order 7?' });
    }
    for (const runId of ids) {
      await waitFor(() => counter.count(`start slow ${runId}:`) === 1, 'the slow tool to start');
    }
    await crashWorker(first);
    // The calls' steps before the slow tool (lookup's, then the slow tool's).
    const rewritten = await toOlderShape('older-shape');
    expect(rewritten).toBeGreaterThan(0);
    for (const runId of ids) rmSync(join(holdDirectory, runId));
    workers.push(await startWorker(env('packed-worker-1')));

    const [older, packed] = await Promise.all(ids.map((runId) => runs.result(runId)));
    expect(older?.text).toBe(ANSWER);
    expect(older?.contents).toEqual(packed?.contents);
    expect(older?.usage).toEqual(packed?.usage);
    const [olderEvents, packedEvents] = await Promise.all(ids.map(eventsOf));
    const deltas = (events: AgentEvent[] | undefined): unknown[] =>
      (events ?? []).flatMap((event, index) =>
        event.type === 'text-delta' ? [[index, event]] : [],
      );
    expect(deltas(olderEvents).length).toBeGreaterThan(1);
    expect(deltas(olderEvents)).toEqual(deltas(packedEvents));
    expect(olderEvents?.map((event) => event.type)).toEqual(
      packedEvents?.map((event) => event.type),
    );
    // The answer's step, run by the worker that took the runs over, is recorded packed.
    const { rows } = await pool.query<{ output: string }>(
      `SELECT output FROM dbos.operation_outputs WHERE workflow_uuid = 'older-shape'
        AND function_name = 'gemloop.model:stream' ORDER BY function_id`,
    );
    const packedRows = rows.map(
      (row) => 'packedChunks' in ((JSON.parse(row.output) as StoredOutcome).json.value as object),
    );
    expect(packedRows).toEqual([...Array(rewritten).fill(false), true]);
  });
});
