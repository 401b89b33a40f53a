import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  waitFor,
  workerDatabase,
} from '../__fixtures__/fleet.ts';
import { createDurableRuns, DurableRunError, type DurableRuns } from '../index.ts';

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
  workers = await Promise.all(
    [0, 1].map((index) => startWorker({ ...env, EXECUTOR_ID: `add-input-worker-${index}` })),
  );
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
});

afterAll(async () => {
  await runs?.close();
  for (const worker of workers) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
  rmSync(holdDirectory, { recursive: true, force: true });
});

it('a recorded afterAnswer that added input replays it once after a SIGKILL, without being called again', async () => {
  const runId = 'add-input-crash';
  const input = 'Where is order 7?';
  writeFileSync(join(holdDirectory, runId), '');
  await runs.start('followUp', { runId, input });
  await waitFor(() => counter.count(`start slow ${runId}:`) === 1, 'the slow tool to start');
  const executorId = (await runs.status(runId))?.executorId;
  const victim = workers.find((worker) => worker.executorId === executorId);
  expect(victim).toBeDefined();
  await stopWorker(victim as WorkerProcess, 'SIGKILL');
  rmSync(join(holdDirectory, runId));

  const result = await runs.result(runId);
  expect((await runs.status(runId))?.executorId).not.toBe(executorId);
  expect(result.text).toBe('Order 8 shipped.');
  // The hook ran once for the first answer (the replay took its record) and once for the last.
  expect(counter.count(`follow-up ${input} step 1`)).toBe(1);
  expect(counter.count(`follow-up ${input} step 3`)).toBe(1);
  // The question it added (random, so a second call would have made another) is in the history
  // once, and every request after the first carried that same one.
  const added = followUpOf({ contents: result.contents });
  expect(added).toHaveLength(1);
  const later = fake.modelRequests.map((request) => followUpOf(request.body)).slice(1);
  expect(later.length).toBeGreaterThanOrEqual(2);
  for (const questions of later) expect(questions).toEqual(added);
});

it("a recorded hook's own typed error ends the durable run as in process, and the run taken over after a SIGKILL ends the same way", async () => {
  // Another worker: the test above killed one of the two.
  workers.push(await startWorker({ ...env, EXECUTOR_ID: 'add-input-worker-2' }));
  const runId = 'quota-crash';
  const input = `${runId} where is order 7?`;
  // Holds the plugin's endRun: the verdict is recorded, the run's end is not.
  writeFileSync(join(holdDirectory, runId), '');
  await runs.start('quota', { runId, input });
  await waitFor(() => counter.count(`quota end ${runId} `) === 1, 'the quota to end the run');
  // Ended with the plugin's error (a PluginError before: the record's throw was not claimed).
  expect(counter.lines()).toContain(`quota end ${runId} QuotaExceededError`);
  const executorId = (await runs.status(runId))?.executorId;
  const victim = workers.find((worker) => worker.executorId === executorId);
  expect(victim).toBeDefined();
  await stopWorker(victim as WorkerProcess, 'SIGKILL');
  // The store changed meanwhile (the user was refunded): a verdict asked again would let the
  // model be called and the run answer; the recorded one ends it as it ended before the kill.
  for (let refund = 0; refund < 5; refund++)
    appendFileSync(counter.file, `quota refund ${runId}\n`);
  rmSync(join(holdDirectory, runId));

  const error = await runs.result(runId).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect((await runs.status(runId))?.executorId).not.toBe(executorId);
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
  expect(fake.modelRequests.filter((request) => firstTextOf(request.body) === input)).toHaveLength(
    1,
  );
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
