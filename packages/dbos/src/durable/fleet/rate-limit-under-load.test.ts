// The fleet rate limit under load (issue 26), in a Vitest project of its own (`dbos-rate-limit`):
// two worker processes make model calls while busy processes keep every core at 100%, and the
// limit is checked from timestamps, never from how long anything took: the times each worker's
// transport sent a request and the times the fake received them.
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeCallInfo, type FakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGuarded } from '../../../../../scripts/start-guarded.ts';
import {
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  workerDatabase,
} from '../../__fixtures__/fleet.ts';
import { createDurableRuns, type DurableRuns } from '../../index.ts';

const LIMIT = 4;
const PERIOD_MS = 1000;
const RUNS = 12;
/** Each run: a call of `lookup`, then the answer; two requests, each held to the limit. */
const CALLS_PER_RUN = 2;
/**
 * Model calls the fake fails with a retryable 503 (their retries are requests the limit counts):
 * the first *first attempt* at or after each of these call indices. Never a retry: which call a
 * retry lands on depends on the slots, and a run whose retries landed on 1, 6 and 11 failed.
 */
const FAILED_REQUESTS = [1, 6, 11];

/** A fault rule's predicate: fails the first attempts {@link FAILED_REQUESTS} names. */
function firstAttemptsAt(indices: readonly number[]): (call: FakeCallInfo) => boolean {
  const seen = new Set<string>();
  let failed = 0;
  return (call) => {
    const body = JSON.stringify(call.body);
    const retry = seen.has(body);
    seen.add(body);
    const next = indices[failed];
    if (retry || next === undefined || call.callIndex < next) return false;
    failed++;
    return true;
  };
}

/** The largest number of `times` in any half-open window `[t, t + PERIOD_MS)`, and where. */
function busiestWindow(times: readonly number[]): { count: number; from: number } {
  const sorted = [...times].sort((a, b) => a - b);
  let busiest = { count: 0, from: 0 };
  for (let first = 0, last = 0; first < sorted.length; first++) {
    const start = sorted[first] as number;
    while (last < sorted.length && (sorted[last] as number) < start + PERIOD_MS) last++;
    if (last - first > busiest.count)
      busiest = { count: last - first, from: start - (sorted[0] as number) };
  }
  return busiest;
}

describe('the fleet rate limit, with every core busy', () => {
  let fake: FakeGemini;
  let runs: DurableRuns;
  const workers: WorkerProcess[] = [];
  const sendLogs: string[] = [];
  const busy: ChildProcess[] = [];

  beforeAll(async () => {
    fake = createFakeGemini({
      script: (_request, context) =>
        context.functionResponses.some((response) => response.name === 'lookup')
          ? turn.text('fine')
          : turn.call('lookup', { order: '7' }),
      faults: [{ fault: { type: 'overloaded' }, on: firstAttemptsAt(FAILED_REQUESTS) }],
    });
    await fake.listen();
    const databaseUrl = await workerDatabase('ratelimit');
    const counter = createCounter();
    const env = {
      DATABASE_URL: databaseUrl,
      FAKE_URL: fake.url,
      COUNTER_FILE: counter.file,
      RATE_LIMIT: `${LIMIT}/${PERIOD_MS}`,
      WORKER_CONCURRENCY: '5',
      RETRIES: '2',
    };
    workers.push(
      ...(await Promise.all(
        ['a', 'b'].map((id) => {
          const sendLog = join(counter.file, `../sends-${id}.log`);
          writeFileSync(sendLog, '');
          sendLogs.push(sendLog);
          return startWorker({ ...env, EXECUTOR_ID: `rate-${id}`, SEND_LOG: sendLog });
        }),
      )),
    );
    runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
    // The load starts once the workers are up (their start-up is not what is tested): one
    // spinning process per core, and one more.
    for (let index = 0; index <= availableParallelism(); index++) {
      // A burner runs forever: gone with this test process however that ends (a plain spawn's
      // burner spun on at 100 % of a core after a killed run).
      busy.push(
        startGuarded(process.execPath, ['-e', 'for (;;) {}'], {
          stdio: ['ignore', 'ignore', 'ignore'],
        }),
      );
    }
  });

  afterAll(async () => {
    for (const child of busy) child.kill('SIGKILL');
    await runs?.close();
    for (const worker of workers) await stopWorker(worker, 'SIGKILL');
    await fake?.close();
  });

  it(`${RUNS} runs on 2 workers: no ${PERIOD_MS} ms window holds more than ${LIMIT} requests, sent or received`, async () => {
    const ids = Array.from({ length: RUNS }, (_, index) => `rate-${index}`);
    for (const runId of ids) await runs.start('support', { runId, input: `question ${runId}` });
    const results = await Promise.all(ids.map((runId) => runs.result(runId)));
    expect(results.map((result) => result.text)).toEqual(ids.map(() => 'fine'));
    // The load held throughout: every spinning process still runs.
    expect(busy.every((child) => child.exitCode === null && child.signalCode === null)).toBe(true);

    // Every attempt is a request: each step's call, the failed ones and their retries too.
    const received = fake.requests.map((request) => request.receivedAt);
    expect(fake.requests.filter((request) => request.status === 503)).toHaveLength(
      FAILED_REQUESTS.length,
    );
    expect(received).toHaveLength(RUNS * CALLS_PER_RUN + FAILED_REQUESTS.length);
    const sent = sendLogs.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map(Number),
    );
    expect(sent).toHaveLength(received.length);

    const busiestReceived = busiestWindow(received);
    expect(
      busiestReceived.count,
      `received, window from ${busiestReceived.from} ms`,
    ).toBeLessThanOrEqual(LIMIT);
    const busiestSent = busiestWindow(sent);
    expect(busiestSent.count, `sent, window from ${busiestSent.from} ms`).toBeLessThanOrEqual(
      LIMIT,
    );
    // Both workers sent requests (the limit holds across processes, not inside one).
    expect(sendLogs.map((file) => readFileSync(file, 'utf8') !== '')).toEqual([true, true]);
  });
});
