import type { FakeGemini } from '@gemloop/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  workerDatabase,
} from '../../__fixtures__/fleet.ts';
import { createSubagentFake } from '../../__fixtures__/subagent-fake.ts';
import { createDurableRuns, type DurableRuns } from '../../index.ts';

// Outside attack on a subagent's stored input (attack24b): a child run's input (the model's
// arguments for the subagent, and any history it is given) is stored with its DBOS child
// workflow like a top run's. Before, any size was started; now the worker's `maxInputBytes`
// bounds it: the child is not started, and the call fails, fed back to the parent's model.
// One worker of its own: another worker of a shared fleet (without the bound) could run it.

let fake: FakeGemini;
let runs: DurableRuns;
let worker: WorkerProcess | undefined;

beforeAll(async () => {
  fake = createSubagentFake();
  await fake.listen();
  const databaseUrl = await workerDatabase('child-input');
  worker = await startWorker({
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: createCounter().file,
    SLOW_MS: '10',
    EXECUTOR_ID: 'child-input-worker',
    MAX_INPUT_BYTES: '3000',
  });
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
});

afterAll(async () => {
  await runs?.close();
  if (worker !== undefined) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
});

it("refuses a child run whose input is over the worker's maxInputBytes; the parent's model is told", async () => {
  // The parent hands its whole input to the researcher (subagent-fake.ts, `cut…`): 4,000 bytes.
  const input = `cut ${'x'.repeat(4_000)}`;
  const { runId } = await runs.start('team', { runId: 'child-too-large', input });
  const result = await runs.result(runId);
  expect(result.text).toBe(`parent answer to ${input}`);
  const response = JSON.stringify(
    result.contents[2]?.parts.map((part) => part.functionResponse?.response),
  );
  expect(response).toContain('over the limit of 3000');
  expect(response).toContain('maxInputBytes');
  expect(await runs.childRuns(runId)).toEqual([]);
});
