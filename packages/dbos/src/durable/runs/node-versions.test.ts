import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeMajor, nodeBinary } from '../../../../../scripts/node-binary.ts';
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

// The Node versions users run beside the machines' Node 20 (DBOS Transact tests 20, 22 and 24:
// dbos-inc/dbos-transact-ts .github/workflows/test.yml, its `node-version` matrix), as a fleet in
// the middle of a rolling upgrade: one worker on Node 22, one on Node 24 (the npm registry's
// binaries, scripts/node-binary.ts). A run is killed (SIGKILL) on whichever took it, in the middle
// of a tool call, and the worker on the other version finishes it: both versions run the worker,
// and a run's steps recorded under one are replayed under the other.

const MAJORS: NodeMajor[] = [22, 24];

let fake: FakeGemini;
let runs: DurableRuns;
const workers = new Map<NodeMajor, WorkerProcess>();
const counter = createCounter();
/** Where the test holds the run's slow tool until it has killed the worker (worker.ts HOLD_DIR). */
const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-hold-'));

beforeAll(async () => {
  // Each binary found before anything starts: a missing one fails the file, saying why.
  const binaries = MAJORS.map((major) => [major, nodeBinary(major)] as const);
  fake = createFakeGemini({
    script: (_request, context) => {
      const answered = context.functionResponses.map((response) => response.name);
      if (answered.includes('slow')) return turn.text('Order 7 shipped; no refund needed.');
      if (answered.includes('lookup')) return turn.call('slow', { order: '7' });
      return turn.call('lookup', { order: '7' });
    },
  });
  await fake.listen();
  const databaseUrl = await workerDatabase('node-versions');
  const env = {
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
    SLOW_MS: '10',
    HOLD_DIR: holdDirectory,
  };
  await Promise.all(
    binaries.map(async ([major, node]) => {
      const worker = await startWorker({ ...env, EXECUTOR_ID: `node-${major}` }, undefined, {
        node,
      });
      workers.set(major, worker);
    }),
  );
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
});

afterAll(async () => {
  await runs?.close();
  for (const worker of workers.values()) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
  rmSync(holdDirectory, { recursive: true, force: true });
});

describe('a fleet of a Node 22 and a Node 24 worker', () => {
  it('finishes a run on one version after the other was killed in the middle of its tool call', async () => {
    writeFileSync(join(holdDirectory, 'node-versions-1'), '');
    const { runId } = await runs.start('support', {
      runId: 'node-versions-1',
      input: 'Where is order 7?',
    });
    await waitFor(() => counter.count(`start slow ${runId}:`) === 1, 'the slow tool to start');
    const firstOwner = (await runs.status(runId))?.executorId;
    const [victimMajor, victim] = [...workers].find(
      ([, worker]) => worker.executorId === firstOwner,
    ) ?? [undefined, undefined];
    if (victim === undefined) throw new Error(`no worker owns ${runId} (executor ${firstOwner})`);
    await crashWorker(victim, () => rmSync(join(holdDirectory, runId)));

    const result = await runs.result(runId);
    const survivor = workers.get(victimMajor === 22 ? 24 : 22);
    expect((await runs.status(runId))?.executorId).toBe(survivor?.executorId);
    expect(result.text).toBe('Order 7 shipped; no refund needed.');
    expect(result.steps.map((step) => step.toolCalls.map((call) => call.toolName))).toEqual([
      ['lookup'],
      ['slow'],
      [],
    ]);
    // The lookup the killed worker completed is not run again; the slow tool it was in is, once.
    expect(counter.count(`done lookup ${runId}:`)).toBe(1);
    expect(counter.count(`start slow ${runId}:`)).toBe(2);
    expect(counter.count(`done slow ${runId}:`)).toBe(1);
    // Model calls from both versions: the first two from the killed worker, the answer's from the
    // survivor (each worker names itself in a header).
    expect(fake.modelRequests.map((request) => request.headers['x-test-worker'])).toEqual([
      `node-${victimMajor}`,
      `node-${victimMajor}`,
      survivor?.executorId,
    ]);
  });
});
