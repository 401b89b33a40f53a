import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  crashWorker,
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  waitFor,
  workerDatabase,
} from '../../__fixtures__/fleet.ts';
import { ownerOf } from '../../__fixtures__/holding-fleet.ts';
import {
  createDurableRuns,
  DurableRunError,
  type DurableRunEvent,
  type DurableRuns,
} from '../../index.ts';

// What a recorded hook's outcome holds besides its value, through a SIGKILL. Real Postgres and
// DBOS, worker processes (__fixtures__/worker.ts).
//
// A recorded `afterAnswer` that adds the next question itself (`run.addInput`) and returns
// `run-again` with no contents (the `followUp` agent of __fixtures__/worker.ts). A replay does not
// call a recorded hook, so before, the worker that took the run over after a SIGKILL met the
// hook's stored `run-again` with nothing added and failed the run with the seam's "run-again that
// adds nothing" PluginError. The record now carries what the hook added; the replay adds it
// again, where it was.
//
// A recorded `beforeModelCall` that ends the run with the plugin's own typed error (`ownErrors`,
// the `quota` agent: a third party's plugin as examples/plugins/quota-plugin.ts). Before, the
// recorder kept the throw as its name and message and threw a plain Error again, which
// `ownErrors` did not claim: the durable run ended with a PluginError where the same run in
// process ends with the plugin's error.
//
// A recorded `beforeToolCall` that reports each call it clears (the `audited` agent). Its
// reports were not in its record: the run taken over lost them, and every later event took an
// index one lower than the first execution wrote it at (a watcher skips indices it passed, so it
// lost events). Each report now goes out just before its call's result, from the record on a
// replay, in call order.
//
// A recorded `beforeModelCall` that reports and then throws an error nobody claims (the `ledger`
// agent). The recorder kept the throw alone, and the run taken over lost the report made before
// it; the record now keeps the error with its reports.

const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-hold-'));
let fake: FakeGemini;
let runs: DurableRuns;
let workers: WorkerProcess[] = [];
const counter = createCounter();

type Body = { contents: { role: string; parts: { text?: string }[] }[] };

/** The follow-up question in a request's contents (`undefined`: none). */
function followUpOf(body: unknown): string[] {
  return (body as Body).contents
    .flatMap((content) => content.parts.map((part) => part.text ?? ''))
    .filter((text) => text.startsWith('FOLLOW-UP'));
}

/** The first text of a request's contents (the run's input). */
function firstTextOf(body: unknown): string {
  return (body as Body).contents[0]?.parts[0]?.text ?? '';
}

let env: Record<string, string>;

beforeAll(async () => {
  // Order 7 answered at once; the follow-up asks for order 8, which needs the slow tool (held
  // until the test killed the worker running it).
  fake = createFakeGemini({
    script: (request, { functionResponses }) => {
      // The quota's runs: a lookup, then (never asked: over quota) the answer.
      // The auditor's run: three calls in one turn (the middle one held), then the answer.
      if (firstTextOf(request.body).startsWith('audit-'))
        return functionResponses.length === 0
          ? turn.calls([
              { name: 'lookup', args: { order: '7' } },
              { name: 'slow', args: { order: '8' } },
              { name: 'lookup', args: { order: '9' } },
            ])
          : turn.text('All shipped.');
      // The ledger's runs: a lookup, then (never asked: the ledger fails first) the answer.
      if (firstTextOf(request.body).startsWith('ledger-'))
        return functionResponses.length === 0
          ? turn.call('lookup', { order: '7' })
          : turn.text('Order 7 shipped.');
      if (firstTextOf(request.body).startsWith('quota-'))
        return functionResponses.length === 0
          ? turn.call('lookup', { order: '7' })
          : turn.text('Order 7 shipped.');
      if (followUpOf(request.body).length === 0) return turn.text('Order 7 shipped.');
      return functionResponses.some((response) => response.name === 'slow')
        ? turn.text('Order 8 shipped.')
        : turn.call('slow', { order: '8' });
    },
  });
  await fake.listen();
  const databaseUrl = await workerDatabase('recorded_add_input');
  env = {
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
    SLOW_MS: '10',
    HOLD_DIR: holdDirectory,
  };
  // One worker: the four runs are on it (its four slots) when killedTogether kills it.
  workers = [await startWorker({ ...env, EXECUTOR_ID: 'add-input-worker-0' })];
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
});

afterAll(async () => {
  await runs?.close();
  for (const worker of workers) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
  rmSync(holdDirectory, { recursive: true, force: true });
});

// The four tests' runs are in flight together on the one worker, each held where its test
// kills it (`followUp` and `audited` inside their slow tool, `quota` and `ledger` in their
// plugin's endRun), and one kill ends them all (killedTogether): each test still reads its own
// run's replay by the survivor, and its requests and counter lines by its own input and run id.
// One kill and two starts instead of four kills and five starts (bench/RESULTS.md, helper
// speed-dbos51b), as crash-recovery's replay kills (helper speed-dbos47).

/** The four runs: agent, run id and input (the user of `quota`, `audited` and `ledger` is its first word). */
const TOGETHER = {
  followUp: { runId: 'add-input-crash', input: 'Where is order 7?' },
  quota: { runId: 'quota-crash', input: 'quota-crash where is order 7?' },
  audited: { runId: 'audit-crash', input: 'audit-crash where are orders 7, 8 and 9?' },
  ledger: { runId: 'ledger-crash', input: 'ledger-crash where is order 7?' },
} as const;

type KilledTogether = {
  /** The worker the four runs were on when it was killed. */
  victim: WorkerProcess;
  /** The counter file's lines just before the kill (what the first execution did). */
  beforeKill: string[];
  /** What a watcher read of the audited run's events before the kill, up to its first result. */
  watched: DurableRunEvent[];
};
let together: Promise<KilledTogether> | undefined;

/**
 * Starts the four runs, waits until each is held (and a watcher has read the audited run up to
 * its first call's result), starts a worker to take them over and SIGKILLs the one that holds
 * them, telling the fleet at once (crashWorker). Once for the four tests, whichever runs first.
 */
function killedTogether(): Promise<KilledTogether> {
  together ??= (async () => {
    for (const [agent, { runId, input }] of Object.entries(TOGETHER)) {
      writeFileSync(join(holdDirectory, runId), '');
      await runs.start(agent, { runId, input });
    }
    const { followUp, quota, audited, ledger } = TOGETHER;
    await waitFor(
      () => counter.count(`start slow ${followUp.runId}:`) === 1,
      'the slow tool to start',
    );
    // The quota and the ledger end their runs (recorded) and are held in endRun.
    await waitFor(
      () => counter.count(`quota end ${quota.runId} `) === 1,
      'the quota to end the run',
    );
    await waitFor(
      () => counter.count(`ledger end ${ledger.runId} `) === 1,
      'the ledger to end the run',
    );
    // The audited run's slow call (the turn's second) is held: the first settles and is written,
    // the third waits.
    await waitFor(
      () => counter.count(`start slow ${audited.runId}:`) === 1,
      'the slow call to start',
    );
    // A watcher reads what the first execution wrote: up to the first call's result, whose report
    // came just before it. (A hang guard: a run that never writes it fails here, not at the limit.)
    const watched: DurableRunEvent[] = [];
    const watching = (async () => {
      for await (const item of runs.events(audited.runId)) {
        watched.push(item);
        if (item.event.type === 'tool-result') return;
      }
    })();
    let guard: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      watching,
      new Promise((_, reject) => {
        guard = setTimeout(() => reject(new Error('the first result was never written')), 120_000);
      }),
    ]).finally(() => clearTimeout(guard));
    const victim = await ownerOf(runs, workers, followUp.runId);
    for (const { runId } of Object.values(TOGETHER))
      expect(await ownerOf(runs, workers, runId)).toBe(victim);
    const beforeKill = counter.lines();
    workers.push(await startWorker({ ...env, EXECUTOR_ID: 'add-input-worker-1' }));
    await crashWorker(victim, () => {
      // The quota's store changed meanwhile (the user was refunded): a verdict asked again would
      // let the model be called and the run answer; the recorded one ends it as before the kill.
      for (let refund = 0; refund < 5; refund++)
        appendFileSync(counter.file, `quota refund ${quota.runId}\n`);
      for (const { runId } of Object.values(TOGETHER)) rmSync(join(holdDirectory, runId));
    });
    return { victim, beforeKill, watched };
  })();
  return together;
}

/** The model requests of the run given `input` (the four runs share the fake). */
const requestsOf = (input: string) =>
  fake.modelRequests.filter((request) => firstTextOf(request.body) === input);

it('a recorded afterAnswer that added input replays it once after a SIGKILL, without being called again', async () => {
  const { runId, input } = TOGETHER.followUp;
  const { victim } = await killedTogether();

  const result = await runs.result(runId);
  expect((await runs.status(runId))?.executorId).not.toBe(victim.executorId);
  expect(result.text).toBe('Order 8 shipped.');
  // The hook ran once for the first answer (the replay took its record) and once for the last.
  expect(counter.count(`follow-up ${input} step 1`)).toBe(1);
  expect(counter.count(`follow-up ${input} step 3`)).toBe(1);
  // The question it added (random, so a second call would have made another) is in the history
  // once, and every request after the first carried that same one.
  const added = followUpOf({ contents: result.contents });
  expect(added).toHaveLength(1);
  const later = requestsOf(input)
    .map((request) => followUpOf(request.body))
    .slice(1);
  expect(later.length).toBeGreaterThanOrEqual(2);
  for (const questions of later) expect(questions).toEqual(added);
});

it("a recorded hook's own typed error ends the durable run as in process, and the run taken over after a SIGKILL ends the same way", async () => {
  const { runId, input } = TOGETHER.quota;
  // Held in the plugin's endRun: the verdict is recorded, the run's end is not. The store changes
  // in the kill's silence (killedTogether refunds the user).
  const { victim, beforeKill } = await killedTogether();
  // Ended with the plugin's error before the kill (a PluginError before: the record's throw was
  // not claimed).
  expect(beforeKill).toContain(`quota end ${runId} QuotaExceededError`);

  const error = await runs.result(runId).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect((await runs.status(runId))?.executorId).not.toBe(victim.executorId);
  expect(DurableRunError.isInstance(error)).toBe(true);
  expect(error).toMatchObject({ runId, status: 'ERROR' });
  // The plugin's own error, not a PluginError around it: its name, its fields, and its message
  // with the client's key redacted, as the run in process ends (examples/plugins/quota-plugin.test.ts).
  const cause = (error as DurableRunError).cause as Error & { user?: unknown; limit?: unknown };
  expect(cause.name).toBe('QuotaExceededError');
  expect(cause).toMatchObject({ user: runId, limit: 1 });
  expect(cause.message).toBe(
    `User "${runId}" has used all 1 model calls (checked with [redacted]).`,
  );
  expect(JSON.stringify(error)).not.toContain('test-key');
  expect(String((error as Error).message)).not.toContain('test-key');
  // Each verdict asked once: the replay took step 2's from the record, and the model was called
  // for step 1 only.
  expect(counter.count(`quota check ${runId} step 1`)).toBe(1);
  expect(counter.count(`quota check ${runId} step 2`)).toBe(1);
  expect(requestsOf(input)).toHaveLength(1);
  // Both executions reached the plugin's endRun with the same error. The run's stored events
  // hold each report once, in order: the verdicts' (made by the first execution, emitted again
  // from the record by the replay: before, a recorded hook's reports were not, and the run's
  // events were lost or shifted past what the first execution wrote) and the end's.
  expect(counter.count(`quota end ${runId} QuotaExceededError`)).toBe(2);
  const reports: unknown[] = [];
  for await (const { event } of runs.events(runId))
    if (event.type === 'plugin' && event.plugin === 'quota') reports.push([event.kind, event.data]);
  expect(reports).toEqual([
    ['checked', { step: 1, used: 0 }],
    ['checked', { step: 2, used: 1 }],
    ['over-quota', { user: runId, error: 'QuotaExceededError' }],
  ]);
});

/** The run's stored events, read to its end. */
async function storedEvents(runId: string): Promise<DurableRunEvent[]> {
  const events: DurableRunEvent[] = [];
  for await (const item of runs.events(runId)) events.push(item);
  return events;
}

/** The rolls the counter file holds for lines starting with `prefix` (the line's last word). */
function rollsOf(prefix: string): number[] {
  return counter
    .lines()
    .filter((line) => line.startsWith(prefix))
    .map((line) => Number(line.split(' ').at(-1)));
}

it("a recorded tool hook's reports come back with their calls after a SIGKILL, once each, and every later event keeps its index", async () => {
  const { runId } = TOGETHER.audited;
  // Held in the slow call (the turn's second), and read by a watcher up to the first call's
  // result before the kill.
  const { victim, watched } = await killedTogether();
  expect(watched.at(-1)?.event.type).toBe('tool-result');

  const result = await runs.result(runId);
  expect((await runs.status(runId))?.executorId).not.toBe(victim.executorId);
  expect(result.text).toBe('All shipped.');
  // Each call cleared once: the replay took the three verdicts and their reports from the record.
  const rolls = rollsOf(`auditor ${runId} `);
  expect(rolls).toHaveLength(3);
  const stored = await storedEvents(runId);
  // One event per index, none missing or repeated, and the watcher's at the same indices.
  expect(stored.map((item) => item.offset)).toEqual(stored.map((_, index) => index));
  for (const item of watched) expect(stored[item.offset]?.event).toEqual(item.event);
  // Each call's report just before its result, in call order, with the roll the one real call made.
  const shown = stored
    .map(({ event }) => {
      if (event.type === 'plugin') return [event.kind, event.data];
      if (event.type === 'tool-call') return `tool-call ${event.toolName}`;
      if (event.type === 'tool-result') return `tool-result ${event.toolCall.toolName}`;
      return event.type;
    })
    .filter((event) => typeof event !== 'string' || /^(tool-|step-|run-end)/.test(event));
  expect(shown).toEqual([
    'step-start',
    'tool-call lookup',
    'tool-call slow',
    'tool-call lookup',
    ['cleared', { order: '7', roll: rolls[0] }],
    'tool-result lookup',
    ['cleared', { order: '8', roll: rolls[1] }],
    'tool-result slow',
    ['cleared', { order: '9', roll: rolls[2] }],
    'tool-result lookup',
    'step-end',
    'step-start',
    'step-end',
    'run-end',
  ]);
});

it('a recorded hook that reported and then threw an error nobody claims keeps its report through a SIGKILL, before the same failure', async () => {
  const { runId, input } = TOGETHER.ledger;
  // Held in the plugin's endRun: the failing check is recorded, the run's end is not.
  const { victim, beforeKill } = await killedTogether();
  expect(beforeKill).toContain(`ledger end ${runId} PluginError`);

  const error = await runs.result(runId).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect((await runs.status(runId))?.executorId).not.toBe(victim.executorId);
  expect(DurableRunError.isInstance(error)).toBe(true);
  const cause = (error as DurableRunError).cause as Error;
  expect(cause.name).toBe('PluginError');
  expect(cause.message).toBe(
    'Plugin "ledger" failed in beforeModelCall: the ledger is unreachable (checked with [redacted])',
  );
  expect(JSON.stringify(error)).not.toContain('test-key');
  // Each check made once (the replay took step 2's, error and report, from the record), the
  // model called for step 1 only, and both executions ended the same way.
  const rolls = rollsOf(`ledger check ${runId} `);
  expect(rolls).toHaveLength(2);
  expect(requestsOf(input)).toHaveLength(1);
  expect(counter.count(`ledger end ${runId} PluginError`)).toBe(2);
  // The stored events hold each report once, in order: step 2's before the end's.
  const reports = (await storedEvents(runId)).flatMap(({ event }) =>
    event.type === 'plugin' && event.plugin === 'ledger' ? [[event.kind, event.data]] : [],
  );
  expect(reports).toEqual([
    ['checked', { step: 1, roll: rolls[0] }],
    ['checked', { step: 2, roll: rolls[1] }],
    ['gave-up', { user: runId, error: 'PluginError' }],
  ]);
});
