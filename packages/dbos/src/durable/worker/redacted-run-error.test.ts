import { ContinuationError, ModelCallError, ToolExecutionError } from '@gemloop/core/errors';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startWorker,
  stopWorker,
  type WorkerProcess,
  waitFor,
  workerDatabase,
} from '../../__fixtures__/fleet.ts';
import { createDurableRuns, DurableRunError, type DurableRuns } from '../../index.ts';
import { redactedRunError } from './redacted-run-error.ts';

// redact39 (found by attack30): a failed durable run's error went to DBOS's
// `workflow_status.error` row as thrown, and from there to every client of `runs.result()` and
// `runs.status()`: a tool's `postgres://user:pw@10.0.0.5` included. The run below is a real one
// (embedded Postgres, DBOS, a worker process: secret-error-worker.ts) whose tool throws.

const OTHER_KEY = `AIzaSyB${'q7-W_'.repeat(6)}zz`;
const THROWN = `connect ECONNREFUSED 10.0.0.5:5432 (postgres://app:hunter2pw@10.0.0.5:5432/orders, key ${OTHER_KEY})`;
const LEAKS = ['hunter2pw', '10.0.0.5', 'postgres://', OTHER_KEY, 'AIzaSyClientOwnKey'];

describe('redactedRunError', () => {
  it('keeps the class, name and code, and takes the secrets out of every text', () => {
    class OrderStoreError extends Error {
      override name = 'OrderStoreError';
      readonly code = 'ECONNREFUSED';
      readonly attempts = 3;
      readonly url = 'postgres://app:hunter2pw@10.0.0.5:5432/orders';
    }
    const thrown = new OrderStoreError(`${THROWN} with AIzaSyClientOwnKey-0123456789abcdefghij`, {
      cause: new Error(THROWN),
    });
    const told = redactedRunError(thrown, ['AIzaSyClientOwnKey-0123456789abcdefghij']);
    expect(told).toMatchObject({ name: 'OrderStoreError', code: 'ECONNREFUSED', attempts: 3 });
    expect(told.message).toBe(
      'connect ECONNREFUSED <host> (<url>, key [redacted]) with [redacted]',
    );
    // The cause chain is kept, each link told the same way (everywhere42).
    const cause = told.cause as Error;
    expect(cause.message).toBe('connect ECONNREFUSED <host> (<url>, key [redacted])');
    expect(Object.keys(told)).not.toContain('cause');
    expect(told.stack).toBe(`OrderStoreError: ${told.message}`);
    const all = JSON.stringify({
      ...told,
      message: told.message,
      stack: told.stack,
      cause: cause.message,
    });
    for (const leaked of LEAKS) expect(all).not.toContain(leaked);
  });

  it("keeps a model call's ContinuationError (its reason, hops, reconnects) under the run's ModelCallError", () => {
    // everywhere42: a streamed answer resumed past `continuation.maxHops` fails the run with a
    // ModelCallError whose cause says why; the durable run's stored error dropped the cause.
    const continuation = new ContinuationError({
      reason: 'max-hops',
      hops: 4,
      reconnects: 1,
      message: `gave up after 4 hops at ${THROWN}`,
    });
    const run = { contents: [], steps: [] } as unknown as ConstructorParameters<
      typeof ModelCallError
    >[0]['run'];
    const told = redactedRunError(
      new ModelCallError({ stepNumber: 2, run, cause: continuation }),
      [],
    );
    expect(told).toMatchObject({ name: 'ModelCallError', code: 'model-call', stepNumber: 2 });
    expect(told.cause).toMatchObject({
      name: 'ContinuationError',
      code: 'continuation',
      reason: 'max-hops',
      hops: 4,
      reconnects: 1,
    });
    for (const leaked of LEAKS.slice(0, 3))
      expect((told.cause as Error).message).not.toContain(leaked);
  });

  it('keeps at most 8 links of a cause chain that loops', () => {
    const looping = new Error('a');
    looping.cause = looping;
    let depth = 0;
    for (
      let link: unknown = redactedRunError(looping, []);
      link instanceof Error;
      link = link.cause
    )
      depth++;
    expect(depth).toBe(8);
  });

  it('tells a thrown value that is not an Error as text', () => {
    expect(redactedRunError(`down: ${THROWN}`, []).message).toBe(
      'down: connect ECONNREFUSED <host> (<url>, key [redacted])',
    );
  });
});

describe('a durable run whose tool throws a connection string', () => {
  let fake: FakeGemini;
  let runs: DurableRuns;
  let worker: WorkerProcess;
  let databaseUrl: string;

  beforeAll(async () => {
    fake = createFakeGemini({ script: () => turn.call('lookup', { id: 7 }) });
    await fake.listen();
    databaseUrl = await workerDatabase('redacted-run-error');
    worker = await startWorker(
      {
        DATABASE_URL: databaseUrl,
        FAKE_URL: fake.url,
        EXECUTOR_ID: 'redacted-error-0',
        THROWN,
        // The worker reads a run's failure back in its own process too (errors43).
        READ_BACK: 'leaky-same-process',
      },
      new URL('../../__fixtures__/secret-error-worker.ts', import.meta.url).pathname,
    );
    runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  });

  afterAll(async () => {
    await runs?.close();
    if (worker !== undefined) await stopWorker(worker);
    await fake?.close();
  });

  it("reads the run's error back typed in the worker's own process (errors43)", async () => {
    await waitFor(() => worker.output().includes('read-back '), 'the worker to read its run back');
    const line = /read-back (.*)\n/.exec(worker.output())?.[1] ?? '';
    expect(JSON.parse(line)).toEqual([true, true, true, 'lookup']);
  });

  it('stores and throws the error without them, its class name and code kept', async () => {
    await runs.start('orders', { runId: 'leaky-1', input: 'Find order 7.' });
    const error = await runs.result('leaky-1').then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(DurableRunError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ runId: 'leaky-1', status: 'ERROR' });
    const cause = (error as DurableRunError).cause as Error & Record<string, unknown>;
    // Read back from another process than the worker's: the class itself (errors43).
    expect(ToolExecutionError.isInstance(cause)).toBe(true);
    expect(cause).toBeInstanceOf(ToolExecutionError);
    expect(cause.name).toBe('ToolExecutionError');
    expect(cause['code']).toBe('tool-execution');
    expect(cause['toolName']).toBe('lookup');
    expect((error as Error).message).toContain('ECONNREFUSED <host>');
    // The tool's error under it (as the tool step recorded it: name, message, code), revived by
    // DBOS from the stored chain (everywhere42).
    const thrown = cause.cause as Error & Record<string, unknown>;
    expect(thrown).toMatchObject({ code: 'ECONNREFUSED' });
    expect(thrown.message).toBe('connect ECONNREFUSED <host> (<url>, key [redacted])');
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    let row: string;
    try {
      // The run's rows as DBOS keeps them: its status, its outcome (`workflow_output`, where
      // DBOS 5 writes a workflow's error), and its steps' records (`operation_outputs`): the
      // tool step's holds the error as the model was told it, to replay the failure
      // (durable-tool-record; durable-tool.test.ts replays it).
      const texts: string[] = [];
      for (const name of [
        'dbos.workflow_status',
        'dbos.workflow_output',
        'dbos.operation_outputs',
      ]) {
        const { rows } = await client.query<{ text: string }>(
          `SELECT t::text AS text FROM ${name} t WHERE t::text LIKE '%leaky-1%'`,
        );
        for (const { text } of rows) texts.push(`${name} ${text}`);
      }
      row = texts.join('\n');
    } finally {
      await client.end();
    }
    expect(row).toContain('ToolExecutionError');
    // The tool step's record is among them, its error's code kept.
    expect(row).toMatch(/dbos\.operation_outputs .*gemloop\.tool:lookup.*ECONNREFUSED <host>/);
    const told = [
      row,
      (error as Error).message,
      String((error as Error).stack),
      JSON.stringify(cause),
      String(cause.stack),
      JSON.stringify(thrown),
      thrown.message,
      JSON.stringify(await runs.status('leaky-1')),
    ].join('\n');
    for (const leaked of LEAKS) expect(told).not.toContain(leaked);
  });
});
