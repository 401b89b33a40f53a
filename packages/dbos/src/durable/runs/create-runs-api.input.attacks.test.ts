import type { WorkflowStatus } from '@dbos-inc/dbos-sdk';
import { InvalidArgumentError } from '@gemloop/core';
import { RunAccessDeniedError } from '@gemloop/core/web';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerDatabase } from '../../__fixtures__/fleet.ts';
import {
  createDurableBatchRuns,
  createDurableRuns,
  DurableRunInputTooLargeError,
  type DurableRuns,
} from '../../index.ts';
import { createRunsApi } from './create-runs-api.ts';
import type { RunsBackend } from './runs-backend.ts';

// Outside attack on a durable run's stored input (attack24b, left open by attack24): a caller of
// `runs.start()` could store an input of any size, and every `status()`, owner check (`events`,
// `approve`, `steer`, `send`, `cancel`, `pendingApprovals` with `{ owner }`), `list()` and
// `childRuns()` then read and parsed the whole input to learn the run's owner and agent: three
// runs of 100 MB made `status()` 2.2 s, `list({ limit: 3 })` 5.8 s and the process +506 MB.
// Before: no bound at start; the owner and agent came from the input (a stored input cut short
// lost both); `list()` with a status filter asked DBOS for every run of those statuses, inputs
// included, before its limit.

let databaseUrl: string;
let runs: DurableRuns;
let pool: pg.Pool;

beforeAll(async () => {
  databaseUrl = await workerDatabase('run-input');
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 50, maxInputBytes: 10_000 });
  pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
});

afterAll(async () => {
  await runs?.close();
  await pool?.end();
});

describe('runs.start(): an input over maxInputBytes', () => {
  it('is refused, naming its size, the limit and the option; nothing is stored', async () => {
    const error = await runs
      .start('helper', { runId: 'too-large', input: 'x'.repeat(20_000) })
      .catch((thrown: unknown) => thrown);
    expect(DurableRunInputTooLargeError.isInstance(error)).toBe(true);
    const refused = error as DurableRunInputTooLargeError;
    expect(refused.runId).toBe('too-large');
    expect(refused.limit).toBe(10_000);
    expect(refused.bytes).toBeGreaterThan(20_000);
    expect(refused.message).toContain('maxInputBytes');
    expect(refused.message).toContain(String(refused.bytes));
    expect(await runs.status('too-large')).toBeUndefined();
  });

  it('counts the history too, in UTF-8 bytes (6,000 characters of two bytes each)', async () => {
    const history = [{ role: 'user' as const, parts: [{ text: 'é'.repeat(6_000) }] }];
    const error = await runs
      .start('helper', { runId: 'history-too-large', input: 'hi', history })
      .catch((thrown: unknown) => thrown);
    expect(DurableRunInputTooLargeError.isInstance(error)).toBe(true);
    expect((error as DurableRunInputTooLargeError).bytes).toBeGreaterThan(12_000);
    expect(await runs.status('history-too-large')).toBeUndefined();
  });

  it('starts an input under the limit', async () => {
    await runs.start('helper', { runId: 'under-limit', input: 'x'.repeat(9_000) });
    expect((await runs.status('under-limit'))?.agent).toBe('helper');
  });

  it("refuses a batch job's inputs over the bound too (stored with its workflow)", async () => {
    const batches = await createDurableBatchRuns({ databaseUrl, maxInputBytes: 10_000 });
    try {
      const error = await batches
        .start('weather', {
          jobId: 'batch-too-large',
          inputs: ['x'.repeat(6_000), 'y'.repeat(6_000)],
        })
        .catch((thrown: unknown) => thrown);
      expect(DurableRunInputTooLargeError.isInstance(error)).toBe(true);
      expect((error as DurableRunInputTooLargeError).runId).toBe('batch-too-large');
      expect(await batches.status('batch-too-large')).toBeUndefined();
    } finally {
      await batches.close();
    }
  });

  it.each([0, -1, 1.5, '1000000', Number.NaN])(
    'refuses maxInputBytes %s when the runtime is made',
    async (maxInputBytes) => {
      const error = await createDurableRuns({ databaseUrl, maxInputBytes: maxInputBytes as never })
        .then(async (made) => {
          await made.close();
          return undefined;
        })
        .catch((thrown: unknown) => thrown);
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('maxInputBytes');
    },
  );
});

describe('runs.start(): an owner Postgres cannot hold', () => {
  // attack56: an owner with a NUL (say a token claim a door's `authorize` returned) failed with
  // Postgres's bare "unsupported Unicode escape sequence"; one with half a surrogate pair would be
  // stored as U+FFFD, the twin of another owner's id.
  it.each([
    ['a NUL', 'user\u0000admin'],
    ['a lone surrogate', 'user\uD800'],
  ])('refuses an owner with %s, naming the option, and stores nothing', async (_what, owner) => {
    const runId = `owner-${owner.length}-${owner.charCodeAt(4)}`;
    const error = await runs
      .start('helper', { runId, input: 'hi', owner })
      .catch((thrown: unknown) => thrown);
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).argument).toBe('owner');
    expect((error as Error).message).toContain('run owner');
    expect(await runs.status(runId)).toBeUndefined();
  });
});

/** Cuts the run's stored input to 20 characters: not JSON, and no owner nor agent in it. */
async function cutInput(runId: string): Promise<void> {
  const { rowCount } = await pool.query(
    `UPDATE dbos.workflow_input SET inputs = left(inputs, 20) WHERE workflow_uuid = $1`,
    [runId],
  );
  expect(rowCount).toBe(1);
}

describe("a run's owner and agent, read without its input", () => {
  it('status(), ownerOf() and every owner check keep what the run started with', async () => {
    const runId = 'head-kept';
    await runs.start('helper', { runId, input: 'hi', owner: 'alice' });
    await cutInput(runId);
    const status = await runs.status(runId);
    expect(status?.agent).toBe('helper');
    expect(status?.owner).toBe('alice');
    expect(await runs.ownerOf(runId)).toBe('alice');
    expect(await runs.pendingApprovals(runId, { owner: 'alice' })).toEqual([]);
    const refused = await runs.pendingApprovals(runId, { owner: 'mallory' }).catch((e) => e);
    expect(RunAccessDeniedError.isInstance(refused)).toBe(true);
    const listed = (await runs.list()).find((run) => run.runId === runId);
    expect(listed).toMatchObject({ agent: 'helper', owner: 'alice' });
  });

  it('a run started before gemloop wrote its head (no attributes) is read from its input', async () => {
    const runId = 'head-from-input';
    await runs.start('helper', { runId, input: 'hi', owner: 'alice' });
    await pool.query(`UPDATE dbos.workflow_status SET attributes = NULL WHERE workflow_uuid = $1`, [
      runId,
    ]);
    expect(await runs.status(runId)).toMatchObject({ agent: 'helper', owner: 'alice' });
    expect(await runs.ownerOf(runId)).toBe('alice');
    const listed = (await runs.list({ status: 'ENQUEUED' })).find((run) => run.runId === runId);
    expect(listed).toMatchObject({ agent: 'helper', owner: 'alice' });
    const refused = await runs.cancel(runId, { owner: 'mallory' }).catch((e) => e);
    expect(RunAccessDeniedError.isInstance(refused)).toBe(true);
    // Cut short, such a row still yields no agent and no owner (attack24): fails closed.
    await cutInput(runId);
    const cut = await runs.status(runId);
    expect(cut?.agent).toBeUndefined();
    expect(cut?.owner).toBeUndefined();
  });

  it('attributes of another shape give no owner or agent, never a wrong one', async () => {
    const runId = 'head-edited';
    await runs.start('helper', { runId, input: 'hi', owner: 'alice' });
    await pool.query(
      `UPDATE dbos.workflow_status
          SET attributes = '{"gemloop.agent": 7, "gemloop.owner": ["alice"]}'::jsonb
        WHERE workflow_uuid = $1`,
      [runId],
    );
    const status = await runs.status(runId);
    expect(status?.agent).toBeUndefined();
    expect(status?.owner).toBeUndefined();
    const refused = await runs.cancel(runId, { owner: 'alice' }).catch((e) => e);
    expect(RunAccessDeniedError.isInstance(refused)).toBe(true);
  });
});

describe('runs.list(): its limit before any input is loaded', () => {
  /** 250 queued runs started before gemloop wrote heads, newest first, as DBOS lists them. */
  const workflows: WorkflowStatus[] = Array.from(
    { length: 250 },
    (_, index) =>
      ({
        workflowID: `old-${index}`,
        workflowName: 'gemloop.run',
        status: 'ENQUEUED',
        input: undefined,
      }) as unknown as WorkflowStatus,
  );
  const calls: { limit?: number | undefined; loadInput?: boolean | undefined; ids?: string[] }[] =
    [];
  const unused = (): never => {
    throw new Error('not used by this test');
  };
  const backend: RunsBackend = {
    pool: { query: unused } as never,
    resume: unused,
    readStream: unused,
    enqueue: unused,
    getResult: unused,
    getStatus: unused,
    getEvent: unused,
    send: unused,
    cancel: unused,
    close: unused,
    async listWorkflows(input) {
      calls.push({
        limit: input.limit,
        loadInput: input.loadInput,
        ...(input.workflowIDs === undefined ? {} : { ids: input.workflowIDs }),
      });
      if (input.workflowIDs !== undefined) {
        return input.workflowIDs.map((id) => ({
          ...workflows.find((workflow) => workflow.workflowID === id),
          input: ['helper', { input: 'hi', owner: 'alice' }],
        })) as WorkflowStatus[];
      }
      const offset = input.offset ?? 0;
      return workflows.slice(offset, input.limit === undefined ? undefined : offset + input.limit);
    },
  };

  it('with a status filter, loads the inputs of the runs it returns, no others', async () => {
    calls.length = 0;
    const listed = await createRunsApi(backend).list({ status: 'ENQUEUED', limit: 2 });
    expect(listed.map((run) => [run.runId, run.agent, run.owner])).toEqual([
      ['old-0', 'helper', 'alice'],
      ['old-1', 'helper', 'alice'],
    ]);
    const listings = calls.filter((call) => call.ids === undefined);
    expect(listings.every((call) => call.loadInput === false && call.limit !== undefined)).toBe(
      true,
    );
    expect(calls.filter((call) => call.loadInput === true)).toEqual([
      { loadInput: true, limit: undefined, ids: ['old-0', 'old-1'] },
    ]);
  });
});

describe('a run started before gemloop wrote its head: its input loaded once a call (leftovers33)', () => {
  // An old run (no attributes) has only its input to tell its owner and agent: up to 100 MB read
  // and parsed (attack24b: 1.2 s and +400 MB RSS for one). `events()` with an owner checked it
  // once, then read the run's whole status (head included) after every read of its stream, to
  // learn whether it was over: one more load of the input per poll while the run went on, for as
  // long as a page followed it. The waits now read the status alone.
  const loads: string[][] = [];
  let polls = 0;
  const workflow = (status: string) =>
    ({
      workflowID: 'old-run',
      workflowName: 'gemloop.run',
      status,
      attributes: undefined,
      input: undefined,
    }) as unknown as WorkflowStatus;
  const unused = (): never => {
    throw new Error('not used by this test');
  };
  const backend: RunsBackend = {
    pool: { query: async () => ({ rows: [] }) } as never,
    pollingIntervalMs: 1,
    resume: unused,
    async *readStream() {},
    enqueue: unused,
    getResult: unused,
    // Running for five looks, then over.
    async getStatus() {
      polls += 1;
      return workflow(polls <= 5 ? 'PENDING' : 'SUCCESS');
    },
    getEvent: async () => null,
    send: unused,
    cancel: unused,
    close: unused,
    async listWorkflows(input) {
      if (input.loadInput === true) loads.push([...(input.workflowIDs ?? [])]);
      return (input.workflowIDs ?? []).map((id) => ({
        ...workflow('PENDING'),
        workflowID: id,
        input: ['helper', { input: 'hi', owner: 'alice' }],
      })) as WorkflowStatus[];
    },
  };

  it('events() with an owner loads it for the check alone, not at every poll', async () => {
    loads.length = 0;
    polls = 0;
    const read = [];
    for await (const entry of createRunsApi(backend).events('old-run', { owner: 'alice' })) {
      read.push(entry);
    }
    expect(read).toEqual([]);
    expect(polls).toBeGreaterThan(5);
    expect(loads).toEqual([['old-run']]);
    // Another caller is still refused by what the input says.
    polls = 0;
    const refused = await (async () => {
      for await (const _ of createRunsApi(backend).events('old-run', { owner: 'mallory' })) {
        // nothing: refused before the first read
      }
    })().catch((error: unknown) => error);
    expect(RunAccessDeniedError.isInstance(refused)).toBe(true);
  });
});
