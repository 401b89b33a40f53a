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
import { createDurableRuns, DurableRunError, type DurableRuns } from '../../index.ts';

// A deploy between a crash and the recovery: the run was recorded by an agent with the tools
// lookup and slow, its worker died inside slow, and the worker that takes it over runs code whose
// agent no longer has slow (renamed or removed). The replay handed the recorded model answer
// (a call of slow) to an agent without it, which told the model "Unknown function 'slow'": the
// run ended SUCCESS with an answer about a tool that may have done its work before the crash.
describe('a run recovered by code whose agent lost the tool it was running', () => {
  let fake: FakeGemini;
  let runs: DurableRuns;
  let env: Record<string, string>;
  const workers: WorkerProcess[] = [];
  const counter = createCounter();
  const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-hold-'));

  beforeAll(async () => {
    fake = createFakeGemini({
      script: (_request, context) => {
        const answered = context.functionResponses.map((response) => response.name);
        if (answered.includes('slow'))
          return turn.text(`answered: ${JSON.stringify(context.functionResponses)}`);
        if (answered.includes('lookup')) return turn.call('slow', { order: '7' });
        return turn.call('lookup', { order: '7' });
      },
    });
    await fake.listen();
    const databaseUrl = await workerDatabase('tool_set_change');
    env = {
      DATABASE_URL: databaseUrl,
      FAKE_URL: fake.url,
      COUNTER_FILE: counter.file,
      HOLD_DIR: holdDirectory,
    };
    workers.push(await startWorker({ ...env, EXECUTOR_ID: 'tools-old' }));
    runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  });

  afterAll(async () => {
    rmSync(holdDirectory, { recursive: true, force: true });
    await runs?.close();
    for (const worker of workers) await stopWorker(worker, 'SIGKILL');
    await fake?.close();
  });

  it('fails the run with a typed error naming the tool, and calls the model no more', async () => {
    const runId = 'tool-gone';
    writeFileSync(join(holdDirectory, runId), '');
    await runs.start('support', { runId, input: 'Where is order 7?' });
    await waitFor(() => counter.count(`start slow ${runId}:`) === 1, 'the slow tool to start');
    // The new code's worker (its agent has lookup only) is up before the old one dies.
    workers.push(await startWorker({ ...env, EXECUTOR_ID: 'tools-new', TOOLS: 'lookup' }));
    await crashWorker(workers.shift() as WorkerProcess);

    const error = await runs.result(runId).catch((caught: unknown) => caught);
    expect(DurableRunError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ runId, status: 'ERROR' });
    expect((error as Error).message).toContain('recorded calling "slow"');
    expect((error as Error).message).toContain('has no tool of that name (it has lookup)');
    // The model was asked twice before the crash (lookup, then slow), never again.
    expect(fake.modelRequests).toHaveLength(2);
    expect(counter.count(`start lookup ${runId}:`)).toBe(1);
  });

  // attack28 left this case open; it is the documented behaviour (README, "Deploys and
  // recovery"). DBOS calls a change breaking when it changes which steps run or their order
  // (https://docs.dbos.dev/typescript/tutorials/upgrading-workflows.md): a tool's new parameters
  // change neither, so DBOS recovers the run on the new code. The recorded call is then checked
  // against the schema the new code declares, as every call a model makes is: arguments it takes
  // run the tool, and arguments it refuses go back to the model as `invalid-args`, naming what is
  // wrong, so the model calls again in the new shape. Nothing runs with arguments its code cannot
  // read, and the run goes on (ending it, as for a tool gone, would lose a run the model can fix).
  it('a tool whose parameters changed: the recorded call goes back to the model as invalid-args, the tool not run again', async () => {
    const runId = 'tool-schema';
    writeFileSync(join(holdDirectory, runId), '');
    // The case above left a worker without slow: this run's fleet is its own old worker.
    for (const worker of workers.splice(0)) await stopWorker(worker, 'SIGKILL');
    const old = await startWorker({ ...env, EXECUTOR_ID: 'schema-old' });
    workers.push(old);
    const before = fake.modelRequests.length;
    await runs.start('support', { runId, input: 'Where is order 8?' });
    await waitFor(() => counter.count(`start slow ${runId}:`) === 1, 'the slow tool to start');
    workers.push(await startWorker({ ...env, EXECUTOR_ID: 'schema-new', SLOW_SCHEMA: 'v2' }));
    await crashWorker(old);

    const { text } = await runs.result(runId);
    const [response] = JSON.parse(text.replace(/^answered: /, '')) as {
      name: string;
      response: { error: string };
    }[];
    expect(response?.name).toBe('slow');
    expect(response?.response.error).toMatch(/^Invalid arguments for slow: orderId: /);
    // Replayed to the call (lookup and the model's two answers from the record), then one new
    // model request with the refusal; the tool not started by the new code.
    expect(fake.modelRequests.length - before).toBe(3);
    expect(counter.count(`start slow ${runId}:`)).toBe(1);
    expect(counter.count(`start lookup ${runId}:`)).toBe(1);
  });
});
