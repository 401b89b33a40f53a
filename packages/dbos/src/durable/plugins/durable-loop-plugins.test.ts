// The loop guard in a durable run: it reads only the run's history, so a worker that takes a run
// over after a SIGKILL replays the guard's count and ends the loop where an uninterrupted run
// would, with the same typed reason. And the tool-result cache in a durable run.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loopGuardReasons } from '@gemloop/core/loop-guard';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  waitFor,
  workerDatabase,
} from '../../__fixtures__/fleet.ts';
import { killHeldRuns } from '../../__fixtures__/holding-fleet.ts';
import { createDurableRuns, type DurableRuns } from '../../index.ts';

const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-hold-'));
let fake: FakeGemini;
let runs: DurableRuns;
const workers: WorkerProcess[] = [];
const counter = createCounter();
let env: Record<string, string>;

beforeAll(async () => {
  // A model that looks order 7 up again and again; once it was told it repeats itself, it calls
  // slow (held in the crash test until its worker is dead) and then looks order 7 up again.
  fake = createFakeGemini({
    script: (request, { functionResponses }) => {
      // The caching agent: lookup, lookup, slow, lookup, then an answer.
      const body = request.body as { contents: { role: string }[] };
      if (JSON.stringify(body).includes('Cache: order 7?')) {
        const made = body.contents.filter((content) => content.role === 'model').length;
        if (made === 4) return turn.text('Order 7 shipped.');
        return turn.call(made === 2 ? 'slow' : 'lookup', { order: '7' });
      }
      const steered = functionResponses.some((response) => 'loopGuard' in response.response);
      const slowed = functionResponses.some((response) => response.name === 'slow');
      return steered && !slowed
        ? turn.call('slow', { order: '7' })
        : turn.call('lookup', { order: '7' });
    },
  });
  await fake.listen();
  const databaseUrl = await workerDatabase('loop_guard');
  env = {
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
    SLOW_MS: '10',
    HOLD_DIR: holdDirectory,
  };
  // One worker until the two crash tests' runs are on it (killedTogether starts the second).
  workers.push(await startWorker({ ...env, EXECUTOR_ID: 'guard-worker-0' }));
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
});

afterAll(async () => {
  await runs?.close();
  for (const worker of workers) await stopWorker(worker, 'SIGKILL');
  await fake?.close();
  rmSync(holdDirectory, { recursive: true, force: true });
});

/** Lookups that ran for a run (each tool execution is a `done` line of the counter). */
const lookups = (runId: string): number => counter.count(`done lookup ${runId}:`);

/** The two crash tests' runs (agent, run id), each held in its slow tool until the kill. */
const CRASHED = [
  { agent: 'looping', runId: 'loop-crash', input: 'Where is order 7?' },
  { agent: 'caching', runId: 'cache-crash', input: 'Cache: order 7?' },
] as const;

let together: Promise<Map<string, string>> | undefined;

/**
 * Starts both crash tests' runs on the one worker, waits until each is in its held slow tool, then
 * kills it with both (`killHeldRuns`; `crashWorker` tells the fleet at once: the fixture's takeover
 * by silence waits 10 minutes): one kill and one start for the two tests, where each had a kill
 * and a worker of its own. Once for both, whichever runs first; the executor each run was on when
 * it was killed.
 */
function killedTogether(): Promise<Map<string, string>> {
  together ??= (async () => {
    for (const { runId } of CRASHED) writeFileSync(join(holdDirectory, runId), '');
    for (const { agent, runId, input } of CRASHED) await runs.start(agent, { runId, input });
    for (const { runId } of CRASHED)
      await waitFor(() => counter.count(`start slow ${runId}:`) === 1, 'the slow tool to start');
    const victims = await killHeldRuns({
      runs,
      workers,
      env,
      takerId: 'guard-worker-1',
      holdDirectory,
      held: CRASHED.map(({ runId }) => ({ runId, hold: runId })),
    });
    return new Map([...victims].map(([runId, victim]) => [runId, victim.executorId]));
  })();
  return together;
}

describe('loopGuard in a durable run', () => {
  it('steers, then ends a looping run with its typed reason', async () => {
    const { runId } = await runs.start('looping', {
      runId: 'loop-plain',
      input: 'Where is order 7?',
    });
    const result = await runs.result(runId);
    expect(result.finishReason).toBe('plugin');
    expect(result.stoppedBy).toEqual({
      plugin: 'loop-guard',
      reason: loopGuardReasons.repeatedCall,
    });
    // lookup ×3 (run), lookup (steered, not run), slow, lookup (the run ends).
    expect(result.steps.map((step) => step.toolCalls.map((call) => call.toolName))).toEqual([
      ['lookup'],
      ['lookup'],
      ['lookup'],
      ['lookup'],
      ['slow'],
      ['lookup'],
    ]);
    expect(lookups(runId)).toBe(3);
  });

  it('after a SIGKILL mid-loop, the worker that takes over ends it where an uninterrupted run does', async () => {
    const runId = 'loop-crash';
    const executorId = (await killedTogether()).get(runId);
    expect(executorId).toBeDefined();
    const result = await runs.result(runId);
    expect((await runs.status(runId))?.executorId).not.toBe(executorId);
    expect(result.finishReason).toBe('plugin');
    expect(result.stoppedBy?.reason).toBe(loopGuardReasons.repeatedCall);
    expect(result.steps).toHaveLength(6);
    expect(lookups(runId)).toBe(3);
  });

  it('serves a repeated read from the run-scoped cache in a durable run, and after a SIGKILL', async () => {
    const { runId } = await runs.start('caching', {
      runId: 'cache-plain',
      input: 'Cache: order 7?',
    });
    const result = await runs.result(runId);
    expect(result.text).toBe('Order 7 shipped.');
    expect(lookups(runId)).toBe(1);

    const crashed = { runId: 'cache-crash' };
    const executorId = (await killedTogether()).get(crashed.runId);
    const after = await runs.result(crashed.runId);
    expect((await runs.status(crashed.runId))?.executorId).not.toBe(executorId);
    expect(after.text).toBe('Order 7 shipped.');
    // The model got the uninterrupted run's responses (call ids aside: the fake makes new ones).
    const responses = (contents: typeof result.contents) =>
      contents.flatMap((content) =>
        content.parts.flatMap((part) =>
          part.functionResponse === undefined
            ? []
            : [[part.functionResponse.name, part.functionResponse.response]],
        ),
      );
    expect(responses(after.contents)).toEqual(responses(result.contents));
    expect(lookups(crashed.runId)).toBe(1);
  });
});
