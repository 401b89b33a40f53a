import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startWorker,
  stopWorker,
  type WorkerProcess,
  workerDatabase,
} from '../../__fixtures__/fleet.ts';
import { createDurableRuns, DurableRunError, type DurableRuns } from '../../index.ts';

// A durable run is agent.stream() inside a workflow, on a worker whose durable tools inherit from
// the user's (durable-tool.ts): the check that refuses a tool's catastrophic pattern must stand
// before the run's first model call there too, and the workflow must record the refusal as the
// run's error. The worker (unsafe-pattern-worker.ts) also runs the same tool with its schema
// marked by allowUnsafePatterns, which must run.

let fake: FakeGemini;
let runs: DurableRuns;
let worker: WorkerProcess;

beforeAll(async () => {
  fake = createFakeGemini({
    script: (_request, context) =>
      context.functionResponses.length > 0
        ? turn.text('Found it.')
        : turn.call('lookup_code', { code: 'aaaa' }),
  });
  await fake.listen();
  const databaseUrl = await workerDatabase('unsafe-pattern');
  worker = await startWorker(
    { DATABASE_URL: databaseUrl, FAKE_URL: fake.url, EXECUTOR_ID: 'unsafe-pattern-0' },
    new URL('../../__fixtures__/unsafe-pattern-worker.ts', import.meta.url).pathname,
  );
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
});

afterAll(async () => {
  await runs?.close();
  if (worker !== undefined) await stopWorker(worker);
  await fake?.close();
});

describe('a durable run of an agent whose tool pattern backtracks exponentially', () => {
  it('fails before its first model call, the refusal its error; the marked schema runs', async () => {
    await runs.start('refused', { runId: 'unsafe-1', input: 'Look the code up.' });
    const error = await runs.result('unsafe-1').then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(DurableRunError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ runId: 'unsafe-1', status: 'ERROR' });
    // The refusal itself, as DBOS revives a recorded error: its name, code and fields (not the
    // class: recorded-add-input.test.ts), the message naming the tool, the pattern and the fix.
    const cause = (error as DurableRunError).cause as Error;
    expect(cause.name).toBe('UnsafePatternError');
    expect(cause).toMatchObject({
      code: 'unsafe-pattern',
      toolName: 'lookup_code',
      path: 'properties.code.pattern',
      pattern: '^(a+)+$',
      complexity: 'exponential',
    });
    expect((error as Error).message).toContain('allowUnsafePatterns');
    expect(fake.modelRequests).toHaveLength(0);

    await runs.start('trusted', { runId: 'trusted-1', input: 'Look the code up.' });
    expect((await runs.result('trusted-1')).text).toBe('Found it.');
    expect(fake.modelRequests).toHaveLength(2);
    expect(worker.child.exitCode).toBeNull();
  });
});
