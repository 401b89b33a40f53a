import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeGemini } from '@gemloop/testing';
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
import { createScriptedFake } from '../../__fixtures__/scripted-crash-fake.ts';
import { createDurableRuns, type DurableRuns } from '../../index.ts';
import { STEER_TOPIC } from './durable-steering.ts';

// Outside attack on what a worker reads back (attack24): a message of a run in DBOS's
// notifications table that DBOS cannot parse (a row written by hand or by another program,
// cut short). Core drops a message that is not plain JSON, "not thrown: it came from elsewhere,
// and throwing would end the run for a sender's mistake" (receive-messages.ts, and steering's
// `fromRunner`); but DBOS's `recv` threw its parser's SyntaxError before that check, and the
// run ended ERROR. The same path serves every plugin topic (`runs.send`).

const KEY = 'AIzaSyA1234567890abcdefghijklmnopqrstuv';
const STEER = 'Also say which day it arrives.';

let fake: FakeGemini;
let runs: DurableRuns;
let worker: WorkerProcess;
let pool: pg.Pool;
let counter: ReturnType<typeof createCounter>;
const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-hold-'));

beforeAll(async () => {
  fake = createScriptedFake(() => {});
  await fake.listen();
  const databaseUrl = await workerDatabase('messages');
  counter = createCounter();
  worker = await startWorker({
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
    SLOW_MS: '10',
    HOLD_DIR: holdDirectory,
    SLOW_AWAITS_STEER: '1',
  });
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
});

afterAll(async () => {
  await runs?.close();
  await pool?.end();
  if (worker !== undefined) await stopWorker(worker);
  await fake?.close();
  rmSync(holdDirectory, { recursive: true, force: true });
});

describe('a run message DBOS cannot parse', () => {
  it('is dropped as a malformed message is, and the run goes on with the messages after it', async () => {
    const runId = 'unparsable-steer';
    writeFileSync(join(holdDirectory, runId), '');
    await runs.start('support', { runId, input: 'Where is order 7?' });
    await waitFor(() => counter.count(`start slow ${runId}:`) === 1, 'the slow tool to start');
    // First in the run's queue: a steer cut short (holding a key-shaped text), then a good one.
    await pool.query(
      `INSERT INTO dbos.notifications (destination_uuid, topic, message, serialization, message_uuid)
       VALUES ($1, $2, $3, 'portable_json', 'planted-1')`,
      [runId, STEER_TOPIC, `{"message":"${KEY}`],
    );
    await runs.steer(runId, STEER);
    rmSync(join(holdDirectory, runId));

    const result = await runs.result(runId);
    expect(result.steering?.map((steer) => steer.status)).toEqual(['applied']);
    const sent = JSON.stringify(fake.modelRequests.at(-1)?.body);
    expect(sent).toContain(STEER);
    expect(sent).not.toContain('AIza');
    const events: unknown[] = [];
    for await (const { event } of runs.events(runId)) events.push(event);
    expect(JSON.stringify(events)).not.toContain('AIza');
  });
});
