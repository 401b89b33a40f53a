import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@gemloop/core';
import type { FakeGemini } from '@gemloop/testing';
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
import { ownerOf } from '../../__fixtures__/holding-fleet.ts';
import { ANSWER, createScriptedFake } from '../../__fixtures__/scripted-crash-fake.ts';
import { createDurableRuns, DurableRunError, type DurableRuns } from '../../index.ts';

let fake: FakeGemini;
let runs: DurableRuns;
const workers: WorkerProcess[] = [];
let env: Record<string, string>;
let counter: ReturnType<typeof createCounter>;
const answerCalls = new Map<string, number>();

/** Where a test holds a run's slow tool until it has killed the worker (worker.ts HOLD_DIR). */
const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-hold-'));

beforeAll(async () => {
  fake = createScriptedFake((input) => {
    answerCalls.set(input ?? '', (answerCalls.get(input ?? '') ?? 0) + 1);
  });
  await fake.listen();
  const databaseUrl = await workerDatabase('steer');
  counter = createCounter();
  env = {
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
    // The tests hold the slow tool where its length matters (HOLD_DIR); let go, a held one waits
    // until this process has heard of the steer, as the worker hears of it (worker.ts).
    SLOW_MS: '10',
    HOLD_DIR: holdDirectory,
    SLOW_AWAITS_STEER: '1',
  };
  // One worker until both crash tests' runs are on it (killedTogether starts the second).
  workers.push(await startWorker({ ...env, EXECUTOR_ID: 'steer-worker-0' }));
  // The test process is the "other process": it steers through a DBOS client, never a worker.
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
});

afterAll(async () => {
  await runs?.close();
  for (const worker of workers ?? []) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
});

const STEER = 'Also say which day it arrives.';

/** The two crash tests' runs: one whose steer was read before the kill, one whose was not. */
const READ = { runId: 'steer-read', input: 'Where is order 7? (steer read)' } as const;
const UNREAD = { runId: 'steer-unread', input: 'Where is order 7? (steer unread)' } as const;

let together: Promise<Map<string, WorkerProcess>> | undefined;

/**
 * Both crash tests' runs on the one worker, killed by one SIGKILL (each had a kill of its own, and
 * a worker: bench/RESULTS.md, helper speed-dbos52a): each run's slow tool is held until it is
 * steered, the worker that takes them over is started while both are held (they are the first
 * worker's by then: the taker cannot dequeue them), then the read run is steered and let go, and
 * the worker is killed once that run's answer is streaming, the unread run still held with its
 * steer sent and let go only after the kill. Once for both, whichever runs first; the worker each
 * run was on when it was killed.
 */
function killedTogether(): Promise<Map<string, WorkerProcess>> {
  together ??= (async () => {
    // The slow tool waits for the steer (a timer raced it on a busy machine), then lets go; the
    // unread run's waits until the worker is dead: its own timer raced the kill on a busy
    // machine, and a boundary reached before the kill would read the steer.
    for (const { runId, input } of [READ, UNREAD]) {
      writeFileSync(join(holdDirectory, runId), '');
      await runs.start('support', { runId, input });
    }
    for (const { runId } of [READ, UNREAD])
      await waitFor(() => counter.count(`start slow ${runId}:`) === 1, 'the slow tool to start');
    const victims = new Map<string, WorkerProcess>();
    for (const { runId } of [READ, UNREAD]) victims.set(runId, await ownerOf(runs, workers, runId));
    workers.push(await startWorker({ ...env, EXECUTOR_ID: 'steer-worker-1' }));
    await runs.steer(UNREAD.runId, STEER);
    await runs.steer(READ.runId, STEER);
    rmSync(join(holdDirectory, READ.runId));
    // The answer's call starts only after the boundary that read the steer (and recorded it).
    await waitFor(() => answerCalls.get(READ.input) === 1, 'the answer to start streaming');
    const victim = victims.get(READ.runId) as WorkerProcess;
    await crashWorker(victim, () => rmSync(join(holdDirectory, UNREAD.runId)));
    workers.splice(workers.indexOf(victim), 1);
    return victims;
  })();
  return together;
}

/** The contents as `role:kind` (`text:<text>`, `call:<name>`, `response:<name>`). */
function shape(contents: readonly unknown[]): string[] {
  return contents.map((content) => {
    const { role, parts = [] } = content as { role?: string; parts?: Record<string, unknown>[] };
    return `${role}:${parts
      .map((part) =>
        typeof part['text'] === 'string'
          ? part['text'] === ANSWER
            ? 'answer'
            : `text:${part['text']}`
          : part['functionCall'] !== undefined
            ? `call:${(part['functionCall'] as { name: string }).name}`
            : part['functionResponse'] !== undefined
              ? `response:${(part['functionResponse'] as { name: string }).name}`
              : '?',
      )
      .join('+')}`;
  });
}

/** The model requests of one run (its input is the first text), each as the steers it holds. */
function steersSent(input: string): number[] {
  return fake.modelRequests
    .map((request) => (request.body as { contents?: unknown[] }).contents ?? [])
    .filter((contents) => shape(contents)[0] === `user:text:${input}`)
    .map((contents) => shape(contents).filter((line) => line === `user:text:${STEER}`).length);
}

async function steerEvents(runId: string): Promise<string[]> {
  const seen: string[] = [];
  for await (const { event } of runs.events(runId)) {
    if (event.type === 'steer') seen.push(`${event.status} ${event.stepNumber}`);
  }
  return seen;
}

const EXPECTED = [
  'user:text:INPUT',
  'model:call:lookup',
  'user:response:lookup',
  'model:call:slow',
  'user:response:slow',
  `user:text:${STEER}`,
  'model:answer',
];

describe('a durable run steered from another process, its worker SIGKILLed', () => {
  it('a steer the run had read before the kill is applied once, at the same step', async () => {
    const { runId, input } = READ;
    const victim = (await killedTogether()).get(runId) as WorkerProcess;

    const result = await runs.result(runId);
    expect((await runs.status(runId))?.executorId).not.toBe(victim.executorId);
    expect(answerCalls.get(input)).toBe(2);
    expect(shape(result.contents)).toEqual(EXPECTED.map((line) => line.replace('INPUT', input)));
    // Every request of the run: none before the boundary, once in the cut call and its redo.
    expect(steersSent(input)).toEqual([0, 0, 1, 1]);
    expect(await steerEvents(runId)).toEqual(['received 3', 'applied 3']);
    // The durable result says what became of the steer, as agent.run()'s does.
    expect(result.steering?.map((steer) => `${steer.status} ${steer.stepNumber}`)).toEqual([
      'applied 3',
    ]);
  });

  it('a steer sent before the boundary, the worker killed before reading it, is not lost', async () => {
    const { runId, input } = UNREAD;
    const victim = (await killedTogether()).get(runId) as WorkerProcess;

    const result = await runs.result(runId);
    expect((await runs.status(runId))?.executorId).not.toBe(victim.executorId);
    expect(counter.count(`done slow ${runId}:`)).toBe(1);
    expect(shape(result.contents)).toEqual(EXPECTED.map((line) => line.replace('INPUT', input)));
    expect(steersSent(input)).toEqual([0, 0, 1]);
    expect(result.steering?.map((steer) => `${steer.status} ${steer.stepNumber}`)).toEqual([
      'applied 3',
    ]);
  });

  it('refuses a steer for an unknown run, a finished one, and an empty or oversized message', async () => {
    await expect(runs.steer('no-such-run', STEER)).rejects.toMatchObject({
      name: 'DurableRunError',
      status: 'NOT_FOUND',
    });
    await expect(runs.steer('steer-read', STEER)).rejects.toBeInstanceOf(DurableRunError);
    await expect(runs.steer('steer-read', '  ')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(runs.steer('steer-read', 'x'.repeat(300 * 1024))).rejects.toThrow(/256 KB|262144/);
    await expect(
      runs.steer('steer-read', STEER, { mode: 'later' as never }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
