import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GenerateContentResponse } from '@gemloop/core/wire';
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
import { createDurableRuns, type DurableRuns } from '../../index.ts';

// Issue 26: a run cancelled mid-step, or taken from a frozen worker, must end that worker's
// execution of it quietly: the worker survives (its other runs with it), and the execution that
// lost the run calls neither the model nor a tool again.

/** A streamed answer long enough to be cut: 40 chunks, 60 ms apart (2.4 s). */
const LONG_ANSWER = Array.from({ length: 40 }, (_, index) => `part${index} `);

function callTurn(name: string, id: string): GenerateContentResponse[] {
  return [
    {
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              {
                functionCall: { name, args: { order: '7' }, id },
                thoughtSignature: Buffer.from(`sig-${id}`).toString('base64'),
              },
            ],
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: { promptTokenCount: 20, candidatesTokenCount: 5, totalTokenCount: 25 },
      modelVersion: 'gemini-3-flash-preview',
    },
  ];
}

/**
 * "(stream)" in the input: a long streamed answer at once; "(hello)": a short one. Otherwise lookup -> slow -> a short
 * answer, each turn with fixed ids. Counts model calls per run input.
 */
function createScript(modelCalls: Map<string, number>): FakeGemini {
  return createFakeGemini({
    chunkDelayMs: 60,
    signatureValidation: 'present',
    script: (request, context) => {
      const first = request.body.contents?.[0]?.parts?.[0];
      const input = first !== undefined && 'text' in first ? (first.text ?? '') : '';
      modelCalls.set(input, (modelCalls.get(input) ?? 0) + 1);
      if (input.includes('(stream)')) {
        return turn.raw(
          LONG_ANSWER.map((text, index) => ({
            candidates: [
              {
                content: { role: 'model', parts: [{ text }] },
                index: 0,
                ...(index === LONG_ANSWER.length - 1 ? { finishReason: 'STOP' } : {}),
              },
            ],
            modelVersion: 'gemini-3-flash-preview',
          })),
        );
      }
      if (input.includes('(hello)')) return turn.text('Hello.');
      const answered = context.functionResponses.map((response) => response.name);
      if (answered.includes('slow')) return turn.text('Order 7 shipped.');
      if (answered.includes('lookup')) return turn.raw(callTurn('slow', 'call-slow'));
      return turn.raw(callTurn('lookup', 'call-lookup'));
    },
  });
}

/** What DBOS logs (at `warn`) when an execution ends without owning its run's outcome. */
const parked = (runId: string): RegExp =>
  new RegExp(
    `Workflow ${runId} (was cancelled during execution|is no longer owned by this execution|outcome was not recorded)`,
  );

describe('cancel and takeover at any moment', () => {
  let fake: FakeGemini;
  let runs: DurableRuns;
  let env: Record<string, string>;
  const workers: WorkerProcess[] = [];
  const counter = createCounter();
  const modelCalls = new Map<string, number>();
  const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-hold-'));

  beforeAll(async () => {
    fake = createScript(modelCalls);
    await fake.listen();
    const databaseUrl = await workerDatabase('cancel');
    env = {
      DATABASE_URL: databaseUrl,
      FAKE_URL: fake.url,
      COUNTER_FILE: counter.file,
      // Long enough that a cancel reaches the tool (DBOS polls for cancels every second) long
      // before it would end on its own, on a loaded machine too.
      SLOW_MS: '5000',
      LOG_LEVEL: 'warn',
      // The frozen-owner test holds its run's slow tool here (a held tool also stops on a cancel).
      HOLD_DIR: holdDirectory,
    };
    // The fixture's 10 minutes of silence before a takeover: this worker judges no one by
    // silence (the frozen-owner test gives that to the worker it starts, see there).
    workers.push(await startWorker({ ...env, EXECUTOR_ID: 'cancel-a' }));
    runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  });

  afterAll(async () => {
    rmSync(holdDirectory, { recursive: true, force: true });
    await runs?.close();
    for (const worker of workers) {
      // A frozen worker must be thawed to take a signal other than SIGKILL.
      worker.child.kill('SIGCONT');
      await stopWorker(worker, 'SIGKILL');
    }
    await fake?.close();
  });

  /**
   * Who sent each model call of `input` and when (the fake's record; the fixture's workers name
   * themselves in a header), then each worker's output: what a failed count needs to be read.
   */
  const whoCalled = (input: string, start: number): string => {
    const calls = fake.requests
      .filter((request) => JSON.stringify(request.body).includes(JSON.stringify(input)))
      .map(
        (request) => `  +${request.receivedAt - start} ms by ${request.headers['x-test-worker']}`,
      );
    const outputs = workers.map((worker) => `--- ${worker.executorId}:\n${worker.output()}`);
    return [`model calls of ${JSON.stringify(input)}:`, ...calls, ...outputs].join('\n');
  };

  const alive = (worker: WorkerProcess): boolean =>
    worker.child.exitCode === null && worker.child.signalCode === null;

  /** Waits until the worker's execution of `runId` ended (or the worker died, which fails). */
  const executionEnded = async (worker: WorkerProcess, runId: string): Promise<void> => {
    await waitFor(
      () => parked(runId).test(worker.output()) || !alive(worker),
      `the execution of ${runId} to end`,
    );
    expect(alive(worker), `the worker died:\n${worker.output()}`).toBe(true);
  };

  it('cancel during a streamed answer: the worker survives, the call is not made again, the next run completes', async () => {
    const worker = workers[0] as WorkerProcess;
    const runId = 'cancel-stream';
    const input = 'Tell me everything (stream)';
    await runs.start('support', { runId, input });
    // Cancel once the answer is under way: its deltas are being written in batches.
    for await (const { event } of runs.events(runId)) {
      if (event.type === 'text-delta') break;
    }
    await runs.cancel(runId);
    await executionEnded(worker, runId);
    expect((await runs.status(runId))?.status).toBe('CANCELLED');
    expect(modelCalls.get(input)).toBe(1);

    // The same worker runs the next run to its end.
    const next = await runs.start('support', { runId: 'after-cancel-stream', input: '(hello)' });
    expect((await runs.result(next.runId)).text).toBe('Hello.');
  });

  it('cancel during a tool call: the worker survives, the tool is stopped, the model is not called again', async () => {
    const worker = workers[0] as WorkerProcess;
    const runId = 'cancel-tool';
    const input = 'Where is order 7? (cancel tool)';
    await runs.start('support', { runId, input });
    await waitFor(() => counter.count(`start slow ${runId}:`) === 1, 'the slow tool to start');
    await runs.cancel(runId);
    await executionEnded(worker, runId);
    expect((await runs.status(runId))?.status).toBe('CANCELLED');
    // lookup's turn and slow's turn: no model call after the cancel.
    expect(modelCalls.get(input)).toBe(2);
    expect(counter.lines().filter((line) => line.includes(`${runId}:`))).toEqual([
      `start lookup ${runId}:1.0:call-lookup`,
      `done lookup ${runId}:1.0:call-lookup`,
      `start slow ${runId}:2.0:call-slow`,
      // The tool's signal aborted with the cancel: it stopped instead of running to its end.
      `stopped slow ${runId}:2.0:call-slow`,
    ]);
  });

  it('a worker frozen past deadAfterMs and thawed while the new owner runs: no model call or tool start of its own after the thaw', async () => {
    // Only what the test means is frozen, and only the worker that takes over judges by silence.
    // The owner is the one worker running when the run starts (it picks it), frozen inside the
    // tool; the taker starts after the freeze with a 3 s deadAfterMs, the owner keeps the
    // fixture's 10 minutes. Both workers judged each other at 3 s before: after the thaw the
    // thawed one judged the new owner, whose heartbeats a loaded machine can hold back for
    // seconds (its first model call loads the request path: 1.3 s of silence measured at load),
    // and a run taken back made the counted calls again; warm-up runs on the new worker kept that
    // cold start out of the silence, about half of this test's wall time. Nothing here now
    // depends on a live worker's heartbeat arriving in time.
    const owner = workers[0] as WorkerProcess;
    const runId = 'takeover-thaw';
    const input = 'Where is order 7? (frozen)';
    const start = Date.now();
    const marks: string[] = [];
    const mark = (what: string): void => {
      marks.push(`  +${Date.now() - start} ms ${what}`);
    };
    // Held until both executions are inside the tool: no timer races the freeze and the takeover.
    writeFileSync(join(holdDirectory, runId), '');
    await runs.start('support', { runId, input });
    // Frozen once the events before the tool are written: a write holds the run's row locked
    // while it commits, and a process frozen there would hold it (DBOS's own transaction).
    for await (const { event } of runs.events(runId)) {
      if (event.type === 'tool-call' && event.toolName === 'slow') break;
    }
    await waitFor(() => counter.count(`start slow ${runId}:`) === 1, 'the slow tool to start');
    expect((await runs.status(runId))?.executorId).toBe(owner.executorId);
    owner.child.kill('SIGSTOP');
    mark(`froze ${owner.executorId}`);
    // A stopped process keeps its Postgres session: the new worker finds it by its silence, 3 s
    // counted while it beat itself (worker-liveness.ts), takes the run over and starts slow.
    const taker = await startWorker({ ...env, EXECUTOR_ID: 'cancel-b', DEAD_AFTER_MS: '3000' });
    workers.push(taker);
    mark(`started ${taker.executorId}`);
    await waitFor(
      () => counter.count(`start slow ${runId}:`) === 2,
      'the new owner to start the slow tool',
    );
    expect((await runs.status(runId))?.executorId).toBe(taker.executorId);
    const callsBeforeThaw = modelCalls.get(input);
    owner.child.kill('SIGCONT');
    mark(`thawed ${owner.executorId}`);
    // Both executions are inside slow: let go, the thawed one's and the new owner's.
    rmSync(join(holdDirectory, runId));

    const result = await runs.result(runId);
    expect(result.text).toBe('Order 7 shipped.');
    // The thawed execution finished the tool it was in, then found the run gone and ended.
    await executionEnded(owner, runId);
    expect(counter.count(`done slow ${runId}:`)).toBe(2);
    // Its own tool and model calls after the thaw: none. The new owner made the answer call.
    const story = `${marks.join('\n')}\n${whoCalled(input, start)}\n${counter.lines().join('\n')}`;
    expect(counter.count(`start slow ${runId}:`), story).toBe(2);
    expect(counter.count(`start lookup ${runId}:`), story).toBe(1);
    expect(callsBeforeThaw, story).toBe(2);
    expect(modelCalls.get(input), story).toBe(3);
    const answerCall = fake.requests.filter((request) =>
      JSON.stringify(request.body).includes(JSON.stringify(input)),
    );
    expect(answerCall.at(-1)?.headers['x-test-worker'], story).toBe(taker.executorId);
    expect(alive(taker)).toBe(true);
  });
});
