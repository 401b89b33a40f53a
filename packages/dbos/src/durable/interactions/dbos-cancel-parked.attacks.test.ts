import { DBOSClient } from '@dbos-inc/dbos-sdk';
import { createFakeGemini, type FakeGemini, type FakeScriptFunction, turn } from '@gemloop/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startWorker,
  stopWorker,
  type WorkerProcess,
  waitFor,
  workerDatabase,
} from '../../__fixtures__/fleet.ts';
import { createDurableRuns, type DurableRuns } from '../../index.ts';
import { claimDueInteractionWaits, INTERACTION_WAITS_TABLE } from './interaction-waits.ts';

// attack28 left: a run parked on a webhook (its workflow stopped, CANCELLED to DBOS, so it holds no
// worker slot) that an operator cancels with DBOS's own tools (`DBOSClient.cancelWorkflow`,
// `dbos workflow cancel`) instead of `runs.cancel()`. DBOS's cancel of a CANCELLED workflow moves
// only its `updated_at`: the run stayed reported PENDING and the next webhook delivery resumed it
// (its interaction polled, its tools run) after the operator had cancelled it. As for a run
// paused for approval (`dbos-admin-actions.attacks.test.ts`), it now ends: reported CANCELLED, a
// later wake-up refused (no run woken), the sweep leaves it.

const script: FakeScriptFunction = (_request, { lastUserText, functionResponses }) =>
  functionResponses.length > 0
    ? turn.text(`${lastUserText ?? ''}: clear skies.`)
    : turn.call('get_weather', { city: lastUserText ?? '' });

describe('DBOS’s own cancel of a run parked on a webhook', () => {
  let fake: FakeGemini;
  let runs: DurableRuns;
  let worker: WorkerProcess;
  let client: DBOSClient;
  let pool: pg.Pool;

  beforeAll(async () => {
    fake = createFakeGemini({ script, interactions: { holdBackground: () => true } });
    await fake.listen();
    const databaseUrl = await workerDatabase('dbos_cancel_parked');
    worker = await startWorker({
      DATABASE_URL: databaseUrl,
      FAKE_URL: fake.url,
      EXECUTOR_ID: 'cancel-parked',
      APPROVAL_SWEEP_MS: '500',
    });
    runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
    client = await DBOSClient.create({ systemDatabaseUrl: databaseUrl });
    pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  });

  afterAll(async () => {
    await client?.destroy();
    await pool?.end();
    await runs?.close();
    if (worker !== undefined) await stopWorker(worker, 'SIGKILL');
    await fake?.close();
  });

  it('ends the parked run: reported CANCELLED, a later webhook wakes nothing, the sweep leaves it', async () => {
    const { runId } = await runs.start('webhookBackground', {
      runId: 'parked-cancel',
      input: 'Oslo',
    });
    let interactionId: string | undefined;
    await waitFor(async () => {
      const { rows } = await pool.query<{ interaction_id: string }>(
        `SELECT interaction_id FROM ${INTERACTION_WAITS_TABLE} WHERE run_id = $1 AND state = 'parked'`,
        [runId],
      );
      interactionId = rows[0]?.interaction_id;
      return interactionId !== undefined;
    }, 'the run to park on its webhook');
    expect(await runs.status(runId)).toMatchObject({ status: 'PENDING' });
    const polls = () => fake.requests.filter((request) => request.method === 'interactions.get');
    const pollsBefore = polls().length;

    await client.cancelWorkflow(runId);

    expect(await runs.status(runId)).toMatchObject({ status: 'CANCELLED' });
    expect((await runs.list({ status: 'PENDING' })).map((run) => run.runId)).not.toContain(runId);
    // The delivery `runs.handleWebhook` passes on once it verifies: refused, nothing resumed.
    expect(await runs.wakeInteraction(interactionId as string)).toEqual({ runIds: [] });
    expect(await claimDueInteractionWaits(pool, { staleMs: 0 })).toEqual([]);
    // Give a wrongly resumed run time to poll (the fixture's sweep runs every 500 ms).
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await client.getWorkflow(runId))?.status).toBe('CANCELLED');
    expect(await runs.status(runId)).toMatchObject({ status: 'CANCELLED' });
    expect(polls().length).toBe(pollsBefore);
  });
});
