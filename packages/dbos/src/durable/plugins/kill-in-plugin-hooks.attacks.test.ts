import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
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
import { createDurableRuns, type DurableRuns } from '../../index.ts';

// A worker SIGKILLed inside a third-party plugin of a durable run (attack45a), with the fixture's
// `hooked` agent: a recorded beforeModelCall that reports (`run.emit`) and notes which worker
// answered, then a request wrapper, each held on a file until the test has killed the worker.
// The worker that takes the run over must end it with one model request, one report of the hook
// and the hook's result of the execution that recorded it.
describe('a worker SIGKILLed inside a third-party plugin of a durable run', () => {
  let fake: FakeGemini;
  let runs: DurableRuns;
  let env: Record<string, string>;
  const workers: WorkerProcess[] = [];
  const counter = createCounter();
  const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-hold-'));

  beforeAll(async () => {
    fake = createFakeGemini({ script: () => turn.text('done') });
    await fake.listen();
    const databaseUrl = await workerDatabase('plugin_kill');
    env = {
      DATABASE_URL: databaseUrl,
      FAKE_URL: fake.url,
      COUNTER_FILE: counter.file,
      HOLD_DIR: holdDirectory,
    };
    runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  });

  afterAll(async () => {
    rmSync(holdDirectory, { recursive: true, force: true });
    await runs?.close();
    for (const worker of workers) await stopWorker(worker, 'SIGKILL');
    await fake?.close();
  });

  /**
   * Starts `runId` held on `hold`, kills its worker once `line` is counted, lets a new one go;
   * the executor id of the worker killed. The victim is the worker the previous test left (the one
   * that took its run over: the same code and env, idle), so each test after the first starts one
   * worker, not two; a test run alone starts its own.
   */
  async function killAt(runId: string, hold: string, line: string): Promise<string> {
    writeFileSync(join(holdDirectory, hold), '');
    const old = workers.pop() ?? (await startWorker({ ...env, EXECUTOR_ID: `${runId}-old` }));
    workers.push(old);
    await runs.start('hooked', { runId, input: runId });
    await waitFor(() => counter.count(line) === 1, line);
    workers.push(await startWorker({ ...env, EXECUTOR_ID: `${runId}-new` }));
    await crashWorker(old);
    workers.splice(workers.indexOf(old), 1);
    rmSync(join(holdDirectory, hold));
    return old.executorId;
  }

  /** The run's `plugin` events of held-hook, as `runs.events()` reads them back. */
  async function stamps(runId: string): Promise<unknown[]> {
    const found: unknown[] = [];
    for await (const { event } of runs.events(runId)) {
      if (event.type === 'plugin' && event.plugin === 'held-hook') found.push(event.data);
    }
    return found;
  }

  /** The contents of the run's model requests the fake received (one each). */
  const sentNotes = (before: number): unknown[] =>
    fake.modelRequests
      .slice(before)
      .map((request) => JSON.stringify(request.body).match(/HOOKED [\w-]+/g));

  it("inside a recorded hook: the hook is called again (no record yet), its second result and report are the run's, one request", async () => {
    const runId = 'in-hook';
    const before = fake.modelRequests.length;
    await killAt(runId, 'hook', `hooked hook ${runId} step 1`);
    expect((await runs.result(runId)).text).toBe('done');
    // At-least-once, as any step's body: the killed worker's call left nothing behind.
    expect(counter.count(`hooked hook ${runId} step 1`)).toBe(2);
    expect(await stamps(runId)).toEqual([{ step: 1, by: `${runId}-new` }]);
    expect(sentNotes(before)).toEqual([[`HOOKED ${runId}-new`]]);
  });

  it('in wrapModelRequest, after the recorded hook: the hook is not called again, its recorded result and report are sent once', async () => {
    const runId = 'in-request';
    const before = fake.modelRequests.length;
    const victim = await killAt(runId, 'request', `hooked request ${runId}`);
    expect((await runs.result(runId)).text).toBe('done');
    expect(counter.count(`hooked hook ${runId} step 1`)).toBe(1);
    // The wrapper runs again around the request (documented: keep what must happen once out of
    // it); the killed worker's request was held before it was sent, so the fake has one.
    expect(counter.count(`hooked request ${runId}`)).toBe(2);
    expect(await stamps(runId)).toEqual([{ step: 1, by: victim }]);
    expect(sentNotes(before)).toEqual([[`HOOKED ${victim}`]]);
  });
});
