import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeGemini } from '@gemloop/testing';
import pg from 'pg';
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
import {
  agentOf,
  type Body,
  createSubagentFake,
  firstText,
} from '../../__fixtures__/subagent-fake.ts';
import { createDurableRuns, type DurableRuns } from '../../index.ts';

// attack30: a durable tree under attack from its child workflow. The parent cancelled while its
// child runs (the child's slow tool held in the middle of its run), then the worker that ran it
// SIGKILLed: the cancel must reach the child (its tool's signal, its workflow's status), no model
// call of the child or the parent may follow it, and a worker that takes the dead one's runs
// over must not resume the cancelled child. A child that fails with a driver's message: its
// password and addresses must not reach the parent model, the stored result or the events.
// Two workers of their own: the second takes over after the kill.

const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-hold-'));
let fake: FakeGemini;
let runs: DurableRuns;
let workers: WorkerProcess[] = [];
let counter: ReturnType<typeof createCounter>;
let databaseUrl: string;

beforeAll(async () => {
  fake = createSubagentFake();
  await fake.listen();
  databaseUrl = await workerDatabase('child-cancel');
  counter = createCounter();
  const env = {
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
    SLOW_MS: '10',
    HOLD_DIR: holdDirectory,
  };
  workers = await Promise.all(
    [0, 1].map((index) => startWorker({ ...env, EXECUTOR_ID: `child-cancel-${index}` })),
  );
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
});

afterAll(async () => {
  await runs?.close();
  for (const worker of workers) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
  rmSync(holdDirectory, { recursive: true, force: true });
});

/** The rows of the fleet's worker table of `executorId` (0 once a survivor took its runs over). */
async function workerRows(executorId: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM gemloop.workers WHERE executor_id = $1',
      [executorId],
    );
    return rows[0]?.count ?? 0;
  } finally {
    await client.end();
  }
}

const requestsOf = (agent: 'child' | 'parent', input: string): number =>
  fake.modelRequests.filter(
    (request) =>
      agentOf(request.body as Body) === agent && firstText(request.body as Body) === input,
  ).length;

it('stops a running child workflow when its parent is cancelled, and no worker resumes it after a SIGKILL', async () => {
  const input = 'cancel-mid-child';
  writeFileSync(join(holdDirectory, 'tree-cancel'), '');
  const { runId } = await runs.start('team', { runId: 'tree-cancel', input });
  const childId = `${runId}/1.0:call-research`;
  await waitFor(
    () => counter.count(`start slow ${childId}:`) === 1,
    'the child to start its slow tool',
  );
  const ownerId = (await runs.status(runId))?.executorId;
  await runs.cancel(runId);
  expect((await runs.status(runId))?.status).toBe('CANCELLED');
  // The cancel reaches the child while its tool still runs: the tool's signal stops it (the
  // hold is still there), and the child's workflow is cancelled with the tree.
  await waitFor(
    () => counter.count(`stopped slow ${childId}:`) === 1,
    "the child's slow tool to be stopped by the cancel",
  );
  expect(await runs.childRuns(runId)).toMatchObject([{ runId: childId, status: 'CANCELLED' }]);
  const error = await runs.result(runId).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).toMatch(/cancel/i);

  // The worker that ran the tree dies; the other takes its runs over. Let go of the hold: a
  // resumed child would now finish its tool and call its model again.
  const victim = workers.find((worker) => worker.executorId === ownerId);
  if (victim === undefined) throw new Error(`no worker owns ${runId} (executor ${ownerId})`);
  await crashWorker(victim, () => rmSync(join(holdDirectory, runId)));
  // The survivor takes the dead worker's runs over, then forgets it (worker-liveness.ts); a run
  // started after that ends on the survivor, by when a resumed child would have gone on.
  await waitFor(
    async () => (await workerRows(victim.executorId)) === 0,
    'the takeover',
    120_000,
    100,
  );
  const { runId: later } = await runs.start('team', { runId: 'after-takeover', input: 'after' });
  expect((await runs.result(later)).text).toBe('parent answer to after');

  expect(counter.count(`done slow ${childId}:`)).toBe(0);
  // Lookup then slow: the child's two model calls before the cancel, none after it.
  expect(requestsOf('child', `crash ${input}`)).toBe(2);
  expect(requestsOf('parent', input)).toBe(1);
  expect((await runs.status(runId))?.status).toBe('CANCELLED');
  expect(await runs.childRuns(runId)).toMatchObject([{ runId: childId, status: 'CANCELLED' }]);
});

it("tells the parent model of a child workflow that failed without the thrown message's secrets", async () => {
  const input = 'leak-run';
  const { runId } = await runs.start('teamLeak', { runId: 'tree-leak', input });
  const result = await runs.result(runId);
  expect(result.text).toBe(`parent answer to ${input}`);
  const answer = JSON.stringify(result.contents[2]?.parts?.[0]?.functionResponse?.response);
  // The parent model learns the child failed, and the driver's own words.
  expect(answer).toContain('"error"');
  expect(answer).toContain('ECONNREFUSED');
  const events: unknown[] = [];
  for await (const { event } of runs.events(runId)) events.push(event);
  const seen = JSON.stringify({
    requests: fake.modelRequests.map((request) => request.body),
    result,
    events,
  });
  for (const leaked of ['hunter2-child-driver', '10.20.30.40', 'vault.internal']) {
    expect(seen).not.toContain(leaked);
  }
  expect(await runs.childRuns(runId)).toMatchObject([{ status: 'ERROR' }]);
  // Nor the tree's rows (redact41): the child's status row and the parent's record of its wait
  // held the driver's message whole in the PluginError's cause.
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ text: string }>(
      `SELECT t::text AS text FROM dbos.workflow_status t WHERE workflow_uuid LIKE $1
       UNION ALL
       SELECT t::text FROM dbos.operation_outputs t WHERE workflow_uuid LIKE $1`,
      [`${runId}%`],
    );
    const stored = rows.map((row) => row.text).join('\n');
    expect(stored).toContain('PluginError');
    expect(stored).toContain('ECONNREFUSED <host> (<url>)');
    for (const leaked of ['hunter2-child-driver', '10.20.30.40', 'vault.internal']) {
      expect(stored).not.toContain(leaked);
    }
  } finally {
    await client.end();
  }
});
