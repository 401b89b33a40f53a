import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DBOSClient } from '@dbos-inc/dbos-sdk';
import { createGemini } from '@gemloop/core';
import { WebhookSignatureError } from '@gemloop/core/errors';
import { createWebhooks, signWebhook } from '@gemloop/core/interactions';
import { createFakeGemini, type FakeGemini, type FakeScriptFunction, turn } from '@gemloop/testing';
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
import { RUNS_QUEUE } from '../runs/durable-run-types.ts';
import { interactionIdOf } from './interaction-id-of.ts';
import {
  claimDueInteractionWaits,
  INTERACTION_TOPIC,
  INTERACTION_WAITS_TABLE,
  recordInteractionWait,
  takeInteractionWaits,
} from './interaction-waits.ts';

// A durable run waiting on a background interaction is woken by Google's webhook instead of
// polling (issue 58): the agent `webhookBackground` (__fixtures__/worker.ts) pauses an hour
// between polls with `wakeOnWebhook`, so a run that ends in this test was woken, and polled once
// per interaction. The fake holds each interaction running until the test finishes it, which
// delivers `interaction.completed` to the receiver below, signed as the Gemini API signs it.

const script: FakeScriptFunction = (_request, { lastUserText, functionResponses }) =>
  functionResponses.length > 0
    ? turn.text(`${lastUserText ?? ''}: clear skies.`)
    : lastUserText?.startsWith('order ')
      ? turn.call('slow', { order: lastUserText })
      : turn.call('get_weather', { city: lastUserText ?? '' });

let fake: FakeGemini;
let runs: DurableRuns;
let worker: WorkerProcess;
let receiver: Server;
let pool: pg.Pool;
let secret = '';
let databaseUrl = '';
let counter: ReturnType<typeof createCounter>;
/** HOLD_DIR of the worker: a file named after a run holds its slow tool (__fixtures__/worker.ts). */
const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-webhook-hold-'));
/** What the receiver answered, in order. */
const answers: number[] = [];

beforeAll(async () => {
  fake = createFakeGemini({ script, interactions: { holdBackground: () => true } });
  await fake.listen();
  databaseUrl = await workerDatabase('webhooks');
  pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  counter = createCounter();
  worker = await startWorker({
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
    EXECUTOR_ID: 'webhook-worker',
    // Two slots: the slot test parks two runs and runs a third beside them.
    WORKER_CONCURRENCY: '2',
    HOLD_DIR: holdDirectory,
    // The sweep resumes a parked run when its fallback poll is due, and leaves a wait being woken
    // (two tests wait on it): every 500 ms here (the fixture's default is 2 s).
    APPROVAL_SWEEP_MS: '500',
  });
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  // The app's webhook endpoint: verify, wake, answer.
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      runs
        .handleWebhook({
          body: Buffer.concat(chunks),
          headers: request.headers as Record<string, string>,
          secret,
        })
        .then(
          () => 204,
          (error: unknown) => (WebhookSignatureError.isInstance(error) ? 401 : 500),
        )
        .then((status) => {
          answers.push(status);
          response.writeHead(status).end();
        });
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.address() as { port: number };
  const gemini = createGemini({ baseUrl: fake.url, apiKey: 'test-key', retry: false });
  const hook = await createWebhooks(gemini).create({
    uri: `http://127.0.0.1:${port}/gemini-webhook`,
    // A call that asks for a tool ends `requires_action`: its webhook is that event.
    subscribed_events: [
      'interaction.completed',
      'interaction.requires_action',
      'interaction.failed',
    ],
  });
  secret = hook.new_signing_secret as string;
});

afterAll(async () => {
  await runs?.close();
  if (worker !== undefined) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
  await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve(undefined)));
  await pool?.end();
  rmSync(holdDirectory, { recursive: true, force: true });
});

const methodsFrom = (from: number) =>
  fake.requests
    .slice(from)
    .map((request) => request.method)
    .filter((method) => method.startsWith('interactions.'));

/** The fake numbers its interactions in order (`i` and the count, base 36, 11 digits). */
const interactionId = (count: number) => `i${count.toString(36).padStart(11, '0')}`;

/** The interaction a run waits on, once its row says it is stopped (`parked`). */
async function parkedOn(runId: string): Promise<string | undefined> {
  const { rows } = await pool.query<{ interaction_id: string }>(
    `SELECT interaction_id FROM ${INTERACTION_WAITS_TABLE} WHERE run_id = $1 AND state = 'parked'`,
    [runId],
  );
  return rows[0]?.interaction_id;
}

async function waitingOn(id: string): Promise<string[]> {
  const { rows } = await pool.query<{ run_id: string }>(
    `SELECT run_id FROM ${INTERACTION_WAITS_TABLE} WHERE interaction_id = $1 AND run_id <> ''`,
    [id],
  );
  return rows.map((row) => row.run_id);
}

describe('durable background interactions woken by a webhook', () => {
  it('each interaction is polled once, when its webhook wakes the run; a forged delivery wakes nothing', async () => {
    const before = fake.requests.length;
    const { runId } = await runs.start('webhookBackground', { runId: 'wh-run', input: 'Oslo' });

    // The first model call: created, then the run waits for its webhook (no poll).
    await waitFor(async () => (await waitingOn(interactionId(1))).length === 1, 'the first wait');
    expect(methodsFrom(before)).toEqual(['interactions.create']);

    // A delivery the Gemini API did not sign is refused and wakes nothing.
    const body = JSON.stringify({ type: 'interaction.completed', data: { id: interactionId(1) } });
    const forged = await signWebhook({
      id: 'msg_forged',
      timestamp: Math.floor(Date.now() / 1000),
      body,
      secret: `whsec_${btoa('an attacker guessing the secret!')}`,
    });
    const refused = await runs.handleWebhook({ body, headers: forged, secret }).catch((e) => e);
    expect(WebhookSignatureError.isInstance(refused) && refused.reason).toBe('bad-signature');
    expect(await waitingOn(interactionId(1))).toEqual([runId]);

    // Google's webhook: the run wakes, polls once, runs the tool, and waits on the second call.
    expect((await fake.finishInteraction(interactionId(1))).map((d) => d.status)).toEqual([204]);
    await waitFor(async () => (await waitingOn(interactionId(2))).length === 1, 'the second wait');
    await fake.finishInteraction(interactionId(2));

    expect((await runs.result(runId)).text).toBe('Oslo: clear skies.');
    expect(methodsFrom(before)).toEqual([
      'interactions.create',
      'interactions.get',
      'interactions.create',
      'interactions.get',
    ]);
    expect(answers).toEqual([204, 204]);
  });

  it('with workerConcurrency 2, two runs waiting on webhooks hold no slot: a third run goes through; each resumes on its webhook', async () => {
    const waiting = ['wh-slot-a', 'wh-slot-b'];
    for (const runId of waiting) {
      await runs.start('webhookBackground', {
        runId,
        input: runId === 'wh-slot-a' ? 'Rome' : 'Lima',
      });
    }
    const first: Record<string, string> = {};
    await waitFor(async () => {
      for (const runId of waiting) {
        const on = await parkedOn(runId);
        if (on !== undefined) first[runId] = on;
      }
      return Object.keys(first).length === 2;
    }, 'both runs to stop and wait');
    // Stopped, yet running as far as a caller goes: PENDING, not awaiting any approval.
    for (const runId of waiting) {
      expect(await runs.status(runId)).toMatchObject({
        status: 'PENDING',
        awaitingApproval: false,
      });
    }
    expect((await runs.list({ status: 'PENDING' })).map((run) => run.runId)).toEqual(
      expect.arrayContaining(waiting),
    );

    // Both slots of the only worker are free: a run that waits on nothing goes through (without
    // the stop it would wait an hour for a slot: the waiting runs poll hourly).
    const third = await runs.start('interactions', { runId: 'wh-slot-c', input: 'Paris' });
    expect((await runs.result(third.runId)).text).toBe('Paris: clear skies.');
    for (const runId of waiting) expect(await parkedOn(runId)).toBe(first[runId]);

    // Each webhook re-enqueues its run, which polls once and stops again on its second call.
    for (const runId of waiting) {
      expect((await fake.finishInteraction(first[runId] as string)).map((d) => d.status)).toEqual([
        204,
      ]);
    }
    const second: Record<string, string> = {};
    await waitFor(async () => {
      for (const runId of waiting) {
        const on = await parkedOn(runId);
        if (on !== undefined && on !== first[runId]) second[runId] = on;
      }
      return Object.keys(second).length === 2;
    }, 'both runs to stop on their second call');
    for (const runId of waiting) await fake.finishInteraction(second[runId] as string);
    expect((await runs.result('wh-slot-a')).text).toBe('Rome: clear skies.');
    expect((await runs.result('wh-slot-b')).text).toBe('Lima: clear skies.');
    // The rows of the waits are gone with them.
    const { rows } = await pool.query(
      `SELECT 1 FROM ${INTERACTION_WAITS_TABLE} WHERE run_id = ANY($1)`,
      [waiting],
    );
    expect(rows).toEqual([]);
  });

  it('a run resumed again while it runs (two executions in one worker) still stops at its next wait', async () => {
    // A second resume of a running run starts a second execution of it in the same worker (DBOS
    // re-enqueues a PENDING workflow; the first execution ends at its next checkpoint, no longer
    // the owner). The worker's sweep does that when it claims a wait whose waker is between
    // marking it `resuming` and resuming the run; a takeover too. The first execution must not
    // take the second's per-run state with it when it ends: without its event buffer the second
    // took itself for a subagent's child, waited in `DBOS.recv` holding its slot for the hour of
    // the pause and never stopped (the flake of the slot test above under load).
    const runId = 'wh-overlap';
    const slowStarts = () => counter.count(`start slow ${runId}`);
    writeFileSync(join(holdDirectory, runId), '');
    await runs.start('webhookSlow', { runId, input: 'order 7' });
    await waitFor(async () => (await parkedOn(runId)) !== undefined, 'the run to stop');
    const first = (await parkedOn(runId)) as string;
    // Its webhook: the run wakes, polls, and runs the slow tool, which the hold keeps running.
    expect((await fake.finishInteraction(first)).map((d) => d.status)).toEqual([204]);
    await waitFor(() => slowStarts() === 1, 'the first execution in the tool');
    // Resumed again while it runs: a second execution replays up to the tool, held too.
    const client = await DBOSClient.create({ systemDatabaseUrl: databaseUrl });
    try {
      await client.resumeWorkflow(runId, { queueName: RUNS_QUEUE });
    } finally {
      await client.destroy();
    }
    await waitFor(() => slowStarts() === 2, 'the second execution in the tool');
    // Let go: the first execution ends (its tool's record is refused), the second goes on to
    // the next call and stops to wait on it.
    rmSync(join(holdDirectory, runId));
    await waitFor(async () => {
      const on = await parkedOn(runId);
      return on !== undefined && on !== first;
    }, 'the run to stop on its second call');
    await fake.finishInteraction((await parkedOn(runId)) as string);
    expect((await runs.result(runId)).text).toBe('order 7: clear skies.');
  });

  it('the sweep leaves a wait its waker has just marked `resuming` to that waker', async () => {
    // A waker marks the wait `resuming`, then sends the wake-up and resumes the run; a run that
    // stopped long before its webhook is CANCELLED until that resume lands. The sweep took such a
    // row for one nobody resumed (a run CANCELLED for longer than its staleMs) and resumed the
    // run a second time, with a second wake-up: two executions of it, its current step run twice.
    const runId = 'wh-waker';
    await runs.start('webhookBackground', { runId, input: 'Quito' });
    await waitFor(async () => (await parkedOn(runId)) !== undefined, 'the run to stop');
    const id = (await parkedOn(runId)) as string;
    const stoppedForMs = async () => {
      const { rows } = await pool.query<{ age: string }>(
        `SELECT (extract(epoch FROM now()) * 1000)::bigint - updated_at AS age
           FROM dbos.workflow_status WHERE workflow_uuid = $1 AND status = 'CANCELLED'`,
        [runId],
      );
      return Number(rows[0]?.age ?? 0);
    };
    // Stopped for longer than the staleMs below, as a run whose webhook comes late.
    await waitFor(async () => (await stoppedForMs()) > 1500, 'the run to be stopped 1.5 s');
    const client = await DBOSClient.create({ systemDatabaseUrl: databaseUrl });
    try {
      // The waker's first half: the wait is marked, the run not resumed yet; the sweep (the
      // worker's says staleMs 1000) leaves it alone.
      expect(await takeInteractionWaits(pool, id)).toEqual([
        { runId, resume: true, wait: expect.stringMatching(/^\d+$/) },
      ]);
      expect(await claimDueInteractionWaits(pool, { staleMs: 1000 })).toEqual([]);
      // Its second half, as runs.wakeInteraction does it (keyed apart from the webhook's, which
      // comes below for the same interaction).
      await client.send(
        runId,
        { interactionId: id },
        INTERACTION_TOPIC,
        `test-wake:${id}:${runId}`,
      );
      await client.resumeWorkflow(runId, { queueName: RUNS_QUEUE });
    } finally {
      await client.destroy();
    }
    // The run polls (still running) and stops again on the same interaction; then its webhook.
    await waitFor(async () => {
      const polled = fake.requests.some(
        (request) => request.method === 'interactions.get' && request.url.endsWith(`/${id}`),
      );
      return polled && (await parkedOn(runId)) === id;
    }, 'the run to poll and stop again');
    await fake.finishInteraction(id);
    await waitFor(async () => {
      const next = await parkedOn(runId);
      return next !== undefined && next !== id;
    }, 'the second call');
    await fake.finishInteraction((await parkedOn(runId)) as string);
    expect((await runs.result(runId)).text).toBe('Quito: clear skies.');
  });

  it('a run woken by the app while its interaction still runs, then by its webhook, wakes both times', async () => {
    // The wake-up was keyed by interaction and run only, so the webhook's (the second for the
    // same pair) was dropped by DBOS as a duplicate and the run waited out its hour-long pause.
    const runId = 'wh-twice';
    await runs.start('webhookBackground', { runId, input: 'Lima' });
    await waitFor(async () => (await parkedOn(runId)) !== undefined, 'the run to stop');
    const id = (await parkedOn(runId)) as string;
    const polls = () =>
      fake.requests.filter(
        (request) => request.method === 'interactions.get' && request.url.endsWith(`/${id}`),
      ).length;
    expect((await runs.wakeInteraction(id)).runIds).toEqual([runId]);
    await waitFor(
      async () => polls() === 1 && (await parkedOn(runId)) === id,
      'the run to poll (still running) and stop again',
    );
    // Google's webhook for the same interaction wakes the run's second wait.
    await fake.finishInteraction(id);
    await waitFor(async () => {
      const next = await parkedOn(runId);
      return next !== undefined && next !== id;
    }, 'the second call');
    expect(polls()).toBe(2);
    await fake.finishInteraction((await parkedOn(runId)) as string);
    expect((await runs.result(runId)).text).toBe('Lima: clear skies.');
  });

  it('a stopped run whose webhook never comes is resumed by the sweep when its fallback poll is due', async () => {
    const runId = 'wh-fallback';
    await runs.start('webhookFallback', { runId, input: 'Kyiv' });
    await waitFor(async () => (await parkedOn(runId)) !== undefined, 'the run to stop');
    const id = (await parkedOn(runId)) as string;
    const polls = () =>
      fake.requests.filter(
        (request) => request.method === 'interactions.get' && request.url.endsWith(`/${id}`),
      ).length;
    expect(polls()).toBe(0);
    // No webhook: the sweep resumes it 1.5 s on, it polls (still running) and stops again.
    await waitFor(async () => polls() >= 1 && (await parkedOn(runId)) === id, 'a fallback poll');
    expect((await runs.status(runId))?.status).toBe('PENDING');
    await fake.finishInteraction(id);
    await waitFor(async () => {
      const next = await parkedOn(runId);
      return next !== undefined && next !== id;
    }, 'the second call');
    await fake.finishInteraction((await parkedOn(runId)) as string);
    expect((await runs.result(runId)).text).toBe('Kyiv: clear skies.');
  });

  it("reads the event's interaction from data.id, data.interaction_id, data.interaction.id or a resource name", () => {
    const event = (data: Record<string, unknown>) => ({ type: 'interaction.completed', data });
    expect(interactionIdOf(event({ id: 'i1' }))).toBe('i1');
    expect(interactionIdOf(event({ interaction_id: 'i2' }))).toBe('i2');
    expect(interactionIdOf(event({ interaction: { id: 'i3' } }))).toBe('i3');
    expect(interactionIdOf(event({ name: 'interactions/i4' }))).toBe('i4');
    expect(interactionIdOf(event({ id: '../models/x' }))).toBeUndefined();
    expect(interactionIdOf({ type: 'interaction.completed' })).toBeUndefined();
  });

  it('a wake-up that comes before the run waits is kept for it (the run then polls at once)', async () => {
    expect(await takeInteractionWaits(pool, 'early')).toEqual([]);
    expect(await recordInteractionWait(pool, 'early', 'run-a')).toBe(true);
    // Taken: the next wait on it waits.
    expect(await recordInteractionWait(pool, 'early', 'run-a')).toBe(false);
    expect(await takeInteractionWaits(pool, 'early')).toEqual([
      { runId: 'run-a', resume: false, wait: expect.stringMatching(/^\d+$/) },
    ]);
    await expect(runs.wakeInteraction('../x')).rejects.toThrow(/interactionId/);
  });
});

// attack28 left: a run parked on a webhook (its workflow stopped, CANCELLED to DBOS, so it holds no
// worker slot) that an operator cancels with DBOS's own tools (`DBOSClient.cancelWorkflow`,
// `dbos workflow cancel`) instead of `runs.cancel()`. DBOS's cancel of a CANCELLED workflow moves
// only its `updated_at`: the run stayed reported PENDING and the next webhook delivery resumed it
// (its interaction polled, its tools run) after the operator had cancelled it. As for a run
// paused for approval (`dbos-admin-actions.attacks.test.ts`), it now ends: reported CANCELLED, a
// later wake-up refused (no run woken), the sweep leaves it.
// It runs on the webhook describe's fleet, after it (the same worker but for its two slots and
// the hold folder, which none of its runs uses; the same fake script): its last run stays parked
// (bench/RESULTS.md, helper speed-dbos52b: dbos-cancel-parked.attacks.test.ts folded in here).
describe('DBOS’s own cancel of a run parked on a webhook', () => {
  // The operator's DBOS client (the fleet, fake and runs client are the file's).
  let client: DBOSClient;

  beforeAll(async () => {
    client = await DBOSClient.create({ systemDatabaseUrl: databaseUrl });
  });

  afterAll(async () => {
    await client?.destroy();
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
