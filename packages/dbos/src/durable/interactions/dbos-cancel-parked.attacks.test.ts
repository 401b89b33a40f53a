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
  let databaseUrl: string;

  beforeAll(async () => {
    fake = createFakeGemini({ script, interactions: { holdBackground: () => true } });
    await fake.listen();
    databaseUrl = await workerDatabase('dbos_cancel_parked');
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

  // The id the fake gives the next interaction it creates (`i` + its count in base 36).
  const nextInteractionId = (): string => {
    const created = fake.requests.filter((request) => request.method === 'interactions.create');
    return `i${(created.length + 1).toString(36).padStart(11, '0')}`;
  };

  // leftovers35b left: a cancel landing after the run's `await-webhook` step and before its park
  // read as the park's own stop (the confirm recorded the cancel's `updated_at` as the park's),
  // so the run stayed PENDING and the next wake-up resumed it. The race is forced: the run's wait
  // row is made and locked here first, so the park's UPDATE waits on it while DBOS cancels.
  it('a cancel between the await-webhook step and the park ends the run as one of the parked run', async () => {
    const runId = 'cancel-before-park';
    const interactionId = nextInteractionId();
    await pool.query(
      `INSERT INTO ${INTERACTION_WAITS_TABLE} (interaction_id, run_id) VALUES ($1, $2)`,
      [interactionId, runId],
    );
    const holder = new pg.Client({ connectionString: databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(
        `SELECT 1 FROM ${INTERACTION_WAITS_TABLE} WHERE interaction_id = $1 AND run_id = $2 FOR UPDATE`,
        [interactionId, runId],
      );
      await runs.start('webhookBackground', { runId, input: 'Bergen' });
      await waitFor(async () => {
        const { rows } = await pool.query(
          `SELECT 1 FROM dbos.operation_outputs WHERE workflow_uuid = $1
             AND function_name = 'gemloop.interactions:await-webhook'`,
          [runId],
        );
        return rows.length === 1;
      }, 'the await-webhook step');
      await client.cancelWorkflow(runId);
    } finally {
      await holder.query('COMMIT').catch(() => {});
      await holder.end();
    }
    // The execution ends (its row says so, as a parked run's does), cancelled.
    await waitFor(async () => {
      const { rows } = await pool.query<{ state: string }>(
        `SELECT state FROM ${INTERACTION_WAITS_TABLE} WHERE run_id = $1`,
        [runId],
      );
      return rows[0]?.state === 'parked';
    }, 'the run to stop');
    expect(await runs.status(runId)).toMatchObject({ status: 'CANCELLED' });
    expect(await runs.wakeInteraction(interactionId)).toEqual({ runIds: [] });
    expect(await claimDueInteractionWaits(pool, { staleMs: 0 })).toEqual([]);
    expect((await client.getWorkflow(runId))?.status).toBe('CANCELLED');
  });

  // leftovers35b left: DBOS's resume of a run cancelled while parked replayed to its wait, found
  // its row (parked, no wake-up in it) and waited in `DBOS.recv` for a wake-up that was refused:
  // its fallback poll an hour away here. It polls at once, and parks again when still running.
  it('DBOS’s resume of a run cancelled while parked polls its interaction at once', async () => {
    const runId = 'resume-after-cancel';
    const interactionId = nextInteractionId();
    await runs.start('webhookBackground', { runId, input: 'Tromsø' });
    const parkedAt = async (): Promise<number | undefined> => {
      const { rows } = await pool.query<{ stopped_at: string }>(
        `SELECT stopped_at FROM ${INTERACTION_WAITS_TABLE} WHERE run_id = $1 AND state = 'parked'`,
        [runId],
      );
      return rows[0] === undefined ? undefined : Number(rows[0].stopped_at);
    };
    await waitFor(async () => (await parkedAt()) !== undefined, 'the run to park');
    const firstPark = (await parkedAt()) as number;
    await client.cancelWorkflow(runId);
    expect(await runs.status(runId)).toMatchObject({ status: 'CANCELLED' });
    const gets = () =>
      fake.requests.filter(
        (request) => request.method === 'interactions.get' && request.url.includes(interactionId),
      ).length;
    expect(gets()).toBe(0);

    await client.resumeWorkflow(runId);
    // The hang guard only: the run's own poll is an hour away.
    await waitFor(() => gets() === 1, 'the resumed run to poll its interaction', 60_000);
    // Still running (held): it waits again, parked anew, and reads as running.
    await waitFor(
      async () => ((await parkedAt()) ?? firstPark) > firstPark,
      'the run to park again',
    );
    expect(await runs.status(runId)).toMatchObject({ status: 'PENDING' });
  });
});
