import { type AgentResult, createAgent, createGemini } from '@gemloop/core';
import { guardrails } from '@gemloop/core/guardrails';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  workerDatabase,
} from '../../__fixtures__/fleet.ts';
import { createDurableRuns, type DurableRuns } from '../../index.ts';

// A durable run's input guardrail whose check runs its own agent, whose input check runs that agent
// again (worker.ts `checkedByCycle`): the run depth limit ends the cycle, 64 runs deep, at the same
// depth as in process. The durable run's check is a recorded step, and DBOS calls a step's body
// after an await, where the depth set around the check was gone: the check's agent started at depth
// 0 instead of 1 and the cycle went one run deeper (leftovers53 noticed, leftovers54).
describe('a durable run whose guardrail runs its own agent in a cycle', () => {
  let fake: FakeGemini;
  let runs: DurableRuns;
  let worker: WorkerProcess;
  const counter = createCounter();

  beforeAll(async () => {
    fake = createFakeGemini({ script: () => turn.text('checked') });
    await fake.listen();
    const databaseUrl = await workerDatabase('guardrail_cycle');
    worker = await startWorker({
      DATABASE_URL: databaseUrl,
      FAKE_URL: fake.url,
      COUNTER_FILE: counter.file,
    });
    runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  });

  afterAll(async () => {
    await runs?.close();
    if (worker !== undefined) await stopWorker(worker, 'SIGKILL');
    await fake?.close();
  });

  /** The same tree in this process: how many checker runs start before the limit refuses one. */
  async function inProcessStarts(): Promise<number> {
    const gemini = createGemini({
      apiKey: 'test-key',
      baseUrl: fake.url,
      retry: { maxRetries: 0 },
    });
    let starts = 0;
    const again = (): Promise<undefined> => {
      starts++;
      return checker.run('Again.').then(
        () => undefined,
        () => undefined,
      );
    };
    const checker = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      guardrails: guardrails({ input: [{ name: 'again', check: again }] }),
    });
    const top = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      guardrails: guardrails({ input: [{ name: 'cycle', check: again }] }),
    });
    await top.run('Go.');
    return starts;
  }

  it('ends the cycle at the run depth limit, as in process', async () => {
    const expected = await inProcessStarts();
    expect(expected).toBe(65);
    const runId = 'guardrail-cycle';
    await runs.start('checkedByCycle', { runId, input: 'Go.' });
    const result = (await runs.result(runId)) as AgentResult<unknown>;
    expect(result.text).toBe('checked');
    expect(counter.count('checker start')).toBe(expected);
    const refused = counter.lines().filter((line) => line.startsWith('checker failed'));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toContain('a run 65 deep');
  });
});
