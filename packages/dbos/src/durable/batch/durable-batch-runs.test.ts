import { DBOSClient } from '@dbos-inc/dbos-sdk';
import type { BatchRunsState } from '@gemloop/core/batch';
import { createFakeGemini, type FakeGemini, type FakeScriptFunction, turn } from '@gemloop/testing';
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
import { createDurableBatchRuns, type DurableBatchRuns } from '../../index.ts';

// Each run asks the weather of the cities of its prompt, one call per round, then answers.
const script: FakeScriptFunction = (request, { lastUserText }) => {
  const cities = (lastUserText ?? '').split(',').filter(Boolean);
  // The tool turns so far (the context's functionResponses are the last turn's only).
  const asked = (request.body.contents ?? []).filter((content) =>
    content.parts?.some((part) => part.functionResponse !== undefined),
  ).length;
  if (asked < cities.length) return turn.call('get_weather', { city: cities[asked] });
  return turn.text(`done after ${asked}: ${cities.join(' and ')} are clear`);
};

type Fleet = {
  fake: FakeGemini;
  batches: DurableBatchRuns;
  client: DBOSClient;
  workers: WorkerProcess[];
  counter: ReturnType<typeof createCounter>;
};
let fleet: Fleet;

beforeAll(async () => {
  // Each batch moves one state per get: PENDING, PENDING, RUNNING, RUNNING, SUCCEEDED.
  const fake = createFakeGemini({ script, filesApi: { batchPolls: 2 } });
  await fake.listen();
  const databaseUrl = await workerDatabase('batch');
  const counter = createCounter();
  const env = {
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
    BATCH_POLL_MS: '400',
  };
  const workers = await Promise.all(
    [0, 1].map((index) => startWorker({ ...env, EXECUTOR_ID: `batch-worker-${index}` })),
  );
  const batches = await createDurableBatchRuns({ databaseUrl, pollingIntervalMs: 100 });
  const client = await DBOSClient.create({
    systemDatabaseUrl: databaseUrl,
    applicationName: 'gemloop',
  });
  fleet = { fake, batches, client, workers, counter };
});

afterAll(async () => {
  await fleet?.batches.close();
  await fleet?.client.destroy();
  for (const worker of fleet?.workers ?? []) await stopWorker(worker, 'SIGKILL');
  await fleet?.fake.close();
});

const INPUTS = ['Paris,Rome', 'Oslo'];

/** The keys of each batch the fake was asked to create from request `from` on. */
function batchCreates(from: number): string[][] {
  return fleet.fake.requests
    .slice(from)
    .filter((request) => request.url.includes(':batchGenerateContent'))
    .map((request) =>
      (
        request.body as {
          batch: { inputConfig: { requests: { requests: Array<{ metadata: { key: string } }> } } };
        }
      ).batch.inputConfig.requests.requests.map((line) => line.metadata.key),
    );
}

/** The state without the fake's random thought signatures and call ids. */
const comparable = (state: BatchRunsState): unknown =>
  JSON.parse(
    JSON.stringify(state, (key, value) =>
      key === 'thoughtSignature' || key === 'id' ? undefined : value,
    ),
  );

const batchGets = (from: number): number =>
  fleet.fake.requests.slice(from).filter((request) => request.method === 'batches.get').length;

describe('durable batch jobs', () => {
  it('a worker killed while a round is pending: another finishes the job, each round sent once, the same result', async () => {
    // An uninterrupted job first.
    let before = fleet.fake.requests.length;
    const baselineId = (
      await fleet.batches.start('weather', { jobId: 'batch-baseline', inputs: INPUTS })
    ).jobId;
    const baseline: BatchRunsState = await fleet.batches.result(baselineId);
    expect(baseline.runs.map((run) => [run.status, run.text ?? run.error])).toEqual([
      ['done', 'done after 2: Paris and Rome are clear'],
      ['done', 'done after 1: Oslo are clear'],
    ]);
    expect(batchCreates(before)).toEqual([['run-0', 'run-1'], ['run-0', 'run-1'], ['run-0']]);
    // The recorded steps: a state for each submit and each collect (3 rounds), and a bare null
    // for each poll that found its round still pending (not the whole state again).
    const steps = ((await fleet.client.listWorkflowSteps(baselineId)) ?? []).filter(
      (step) => step.name === 'gemloop.batch:step',
    );
    expect(steps.filter((step) => step.output !== null)).toHaveLength(6);
    expect(steps.filter((step) => step.output === null).length).toBeGreaterThanOrEqual(3);

    before = fleet.fake.requests.length;
    const { jobId } = await fleet.batches.start('weather', {
      jobId: 'batch-crash',
      inputs: INPUTS,
    });
    // Round 1 is sent and has been polled once: the job sleeps durably before its next poll.
    await waitFor(() => batchGets(before) >= 1, 'the first poll of round 1');
    const ownerId = (await fleet.batches.status(jobId))?.executorId;
    const victim = fleet.workers.find((worker) => worker.executorId === ownerId);
    if (victim === undefined) throw new Error(`no worker owns ${jobId} (executor ${ownerId})`);
    await crashWorker(victim);

    const done = await fleet.batches.result(jobId);
    expect((await fleet.batches.status(jobId))?.executorId).not.toBe(victim.executorId);
    // Each round's batch created once: the recorded state held round 1's batch name, so the
    // worker that took over polled it instead of sending the round again.
    expect(batchCreates(before)).toEqual([['run-0', 'run-1'], ['run-0', 'run-1'], ['run-0']]);
    // The same job as the uninterrupted one: statuses, texts, histories, usage (less the fake's
    // random signatures and call ids, which differ between any two calls).
    expect(comparable(done)).toEqual(comparable(baseline));
    expect(done.round).toBe(3);
    // Each tool ran once per job (the kill came before round 1 was collected).
    for (const city of ['Paris', 'Rome', 'Oslo'])
      expect(fleet.counter.count(`done get_weather ${city}`)).toBe(2);
  });

  it('names the job a worker does not define, as the job failure', async () => {
    const { jobId } = await fleet.batches.start('nope', { jobId: 'batch-unknown', inputs: ['x'] });
    await expect(fleet.batches.result(jobId)).rejects.toMatchObject({
      code: 'durable-run',
      status: 'ERROR',
    });
  });

  it('refuses a start with neither inputs nor state', async () => {
    await expect(
      fleet.batches.start('weather', {} as unknown as { inputs: string[] }),
    ).rejects.toMatchObject({ code: 'invalid-argument' });
  });
});
