import { createGemini } from '@gemloop/core';
import { createInteractions } from '@gemloop/core/interactions';
import { createFakeGemini, type FakeGemini, type FakeScriptFunction, turn } from '@gemloop/testing';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  crashWorker,
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  waitFor,
  workerDatabase,
} from '../../__fixtures__/fleet.ts';
import { createDurableRuns, type DurableRunEvent, type DurableRuns } from '../../index.ts';

// Durable runs of an agent on background interactions (issue 34): each model call is a
// background interaction whose create is a recorded step and whose polls are recorded steps with
// durable sleeps between them, so a worker killed while an interaction runs is replaced by one
// that polls the same interaction; a cancelled run cancels its interaction on the server.

const script: FakeScriptFunction = (_request, { lastUserText, functionResponses }) =>
  functionResponses.length > 0
    ? turn.text(`${lastUserText ?? ''}: clear skies.`)
    : turn.call('get_weather', { city: lastUserText ?? '' });

// Each interaction answers on its eleventh get (the slot test counts them); the crash and cancel
// tests hold it running (`holdBackground`) until they have killed the worker or cancelled the run.
const POLLS = 10;
/** While set, the fake keeps every background interaction running (released after the kill). */
let holding = false;

type Fleet = {
  fake: FakeGemini;
  pool: pg.Pool;
  runs: DurableRuns;
  workers: WorkerProcess[];
  counter: ReturnType<typeof createCounter>;
};
let fleet: Fleet;

beforeAll(async () => {
  const fake = createFakeGemini({
    script,
    interactions: { backgroundPolls: POLLS, holdBackground: () => holding },
  });
  await fake.listen();
  const databaseUrl = await workerDatabase('interactions');
  const counter = createCounter();
  const env = {
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
    // Short polls: the slot test waits 4 interactions x 10 polls of durable sleep (8 s at 200 ms);
    // no test depends on a poll's length (the crash and cancel tests hold the interaction).
    INTERACTIONS_POLL_MS: '50',
    // One run at a time per worker: the last test measures what a sleeping run holds.
    WORKER_CONCURRENCY: '1',
  };
  const workers = await Promise.all(
    [0, 1].map((index) => startWorker({ ...env, EXECUTOR_ID: `interactions-worker-${index}` })),
  );
  const runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  fleet = { fake, pool, runs, workers, counter };
});

afterAll(async () => {
  await fleet?.pool.end();
  await fleet?.runs.close();
  for (const worker of fleet?.workers ?? []) await stopWorker(worker, 'SIGKILL');
  await fleet?.fake.close();
});

const requestsFrom = (from: number, method: string) =>
  fleet.fake.requests.slice(from).filter((request) => request.method === method);

/** The interaction ids the gets from request `from` on asked for. */
const polledIds = (from: number): string[] => [
  ...new Set(
    requestsFrom(from, 'interactions.get').map(
      (request) => new URL(request.url, 'http://fake').pathname.split('/').at(-1) as string,
    ),
  ),
];

async function eventsOf(runId: string): Promise<DurableRunEvent[]> {
  const events: DurableRunEvent[] = [];
  for await (const item of fleet.runs.events(runId)) events.push(item);
  return events;
}

/** Event types and texts, without the random call ids. */
const shape = (events: DurableRunEvent[]) =>
  events.map(({ event }) => [event.type, 'text' in event ? event.text : undefined]);

// A test that failed while holding must not hold the next one's interactions.
afterEach(() => {
  holding = false;
});

describe('durable runs on background interactions', () => {
  it('a worker killed while an interaction runs: another polls the same interaction, each created once, the same events', async () => {
    // An uninterrupted run first.
    let before = fleet.fake.requests.length;
    const baseline = await fleet.runs.start('background', { runId: 'bg-baseline', input: 'Oslo' });
    expect((await fleet.runs.result(baseline.runId)).text).toBe('Oslo: clear skies.');
    expect(requestsFrom(before, 'interactions.create')).toHaveLength(2);
    expect(requestsFrom(before, 'interactions.create').map((request) => request.body)).toEqual([
      expect.objectContaining({ background: true }),
      expect.objectContaining({ background: true }),
    ]);
    const baselineEvents = await eventsOf(baseline.runId);

    before = fleet.fake.requests.length;
    // The first interaction stays running until the worker is killed (a poll count would race it).
    holding = true;
    const { runId } = await fleet.runs.start('background', { runId: 'bg-crash', input: 'Oslo' });
    // The first interaction is created and polled once: the run sleeps durably before the next poll.
    await waitFor(
      () => requestsFrom(before, 'interactions.get').length >= 1,
      'the first poll of the first interaction',
    );
    const ownerId = (await fleet.runs.status(runId))?.executorId;
    const victim = fleet.workers.find((worker) => worker.executorId === ownerId);
    if (victim === undefined) throw new Error(`no worker owns ${runId} (executor ${ownerId})`);
    await crashWorker(victim, () => {
      holding = false;
    });

    const result = await fleet.runs.result(runId);
    expect(result.text).toBe('Oslo: clear skies.');
    expect((await fleet.runs.status(runId))?.executorId).not.toBe(victim.executorId);
    // One interaction per model call, each polled to its end: the worker that took over read the
    // first one's id from the record and polled it instead of creating it again.
    expect(requestsFrom(before, 'interactions.create')).toHaveLength(2);
    expect(polledIds(before)).toHaveLength(2);
    // The tool ran once for this run (the kill came before the first interaction finished).
    expect(fleet.counter.count('done get_weather Oslo')).toBe(2);
    // Every event once, in order, the same as the uninterrupted run's.
    const events = await eventsOf(runId);
    expect(events.map((item) => item.offset)).toEqual(events.map((_, index) => index));
    expect(shape(events)).toEqual(shape(baselineEvents));
  });

  it("keeps a plugin's reports made while an interaction runs with its create and polls", async () => {
    // `poll-wait` (worker.ts) reports every 20 ms while a model call waits: a replay of the run
    // emits what the records hold instead of its own (core's interactions-step-reports.test.ts
    // shows the replay); before issue 53's reports54 the steps were given none to keep.
    const { runId } = await fleet.runs.start('backgroundWaits', {
      runId: 'bg-waits',
      input: 'Bergen',
    });
    expect((await fleet.runs.result(runId)).text).toBe('Bergen: clear skies.');
    const { rows } = await fleet.pool.query<{ output: string | null }>(
      "SELECT output FROM dbos.operation_outputs WHERE workflow_uuid = $1 AND function_name LIKE 'gemloop.interactions:%' ORDER BY function_id",
      [runId],
    );
    // DBOS writes a step's output with superjson (`{ json: outcome }`).
    const kept = rows.flatMap(
      (row) =>
        (
          (row.output === null ? {} : JSON.parse(row.output)) as {
            json?: {
              emitted?: { plugin: string; kind: string; data: { step: number; tick: number } }[];
            };
          }
        ).json?.emitted ?? [],
    );
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.every((report) => report.plugin === 'poll-wait' && report.kind === 'waiting')).toBe(
      true,
    );
    // The first call's ticks, over its create, its sleeps and its polls, each in one record and
    // none left out between two of them (a tick made while the run slept between two polls is
    // kept with the poll after it).
    const ticks = kept.filter((report) => report.data.step === 1).map((report) => report.data.tick);
    expect(ticks.length).toBeGreaterThan(1);
    expect(ticks).toEqual(ticks.map((_, index) => (ticks[0] as number) + index));
    // Each report kept went out once with the run's events.
    const shown = (await eventsOf(runId)).filter(
      ({ event }) => event.type === 'plugin' && event.plugin === 'poll-wait',
    );
    expect(shown.length).toBeGreaterThanOrEqual(kept.length);
  });

  it('runs.cancel() cancels the running interaction on the server', async () => {
    const before = fleet.fake.requests.length;
    holding = true;
    const { runId } = await fleet.runs.start('background', { runId: 'bg-cancel', input: 'Rome' });
    await waitFor(
      () => requestsFrom(before, 'interactions.get').length >= 1,
      'the first poll of the interaction',
    );
    await fleet.runs.cancel(runId);
    await waitFor(
      () => requestsFrom(before, 'interactions.cancel').length === 1,
      'the interaction cancelled on the server',
    );
    holding = false;
    const [id] = polledIds(before);
    const gemini = createGemini({ baseUrl: fleet.fake.url, apiKey: 'test-key', retry: false });
    expect((await createInteractions(gemini).get(id as string)).status).toBe('cancelled');
    expect((await fleet.runs.status(runId))?.status).toBe('CANCELLED');
    // No tool ran: the run ended while the model was still answering.
    expect(fleet.counter.count('done get_weather Rome')).toBe(0);
  });

  it('an agent on interactions without background: each call one recorded streamed step', async () => {
    const before = fleet.fake.requests.length;
    const { runId } = await fleet.runs.start('interactions', { runId: 'fg-run', input: 'Lima' });
    expect((await fleet.runs.result(runId)).text).toBe('Lima: clear skies.');
    const creates = requestsFrom(before, 'interactions.create');
    expect(creates.map((request) => request.body)).toEqual([
      expect.objectContaining({ stream: true }),
      expect.objectContaining({ stream: true }),
    ]);
    expect(requestsFrom(before, 'interactions.get')).toEqual([]);
  });

  it('a run sleeping between polls holds its worker slot (DBOS counts it as running)', async () => {
    // One worker left (the first test killed the other), one slot: two runs started together
    // run one after the other, each interaction created and polled to its end before the next.
    const before = fleet.fake.requests.length;
    const started = await Promise.all(
      ['Kyiv', 'Lagos'].map((city) =>
        fleet.runs.start('background', { runId: `bg-slot-${city}`, input: city }),
      ),
    );
    for (const { runId } of started) await fleet.runs.result(runId);
    const methods = fleet.fake.requests.slice(before).map((request) => request.method);
    const oneInteraction = ['interactions.create', ...Array(POLLS + 1).fill('interactions.get')];
    expect(methods).toEqual(Array(4).fill(oneInteraction).flat());
  });
});
