import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  waitFor,
  workerDatabase,
} from '../../__fixtures__/fleet.ts';
import { createDurableRuns, type DurableRuns } from '../../index.ts';
import { INTERACTION_WAITS_TABLE } from '../interactions/interaction-waits.ts';

// Issue 26: a run cancelled mid-step, or taken from a frozen worker, must end that worker's
// execution of it quietly: the worker survives (its other runs with it), and the execution that
// lost the run calls neither the model nor a tool again. And a frozen owner's stale park and stop
// (park-fence41, leftovers42), below.
//
// One fleet for the file (a fake, a database, a runs client, a counter and a hold folder), and the
// first describe's owner, alive after its thaw, is the second's first owner: the stale park's tests
// had a file of their own (interactions/stale-park.workers.test.ts) with the same worker env but
// HOLD_PARK, which touches only a run that parks. A Vitest fork, a database copy and a worker start
// fewer (bench/RESULTS.md, helper speed-dbos51a).

/** A streamed answer long enough to be cut: 40 chunks, 60 ms apart (2.4 s). */
const LONG_ANSWER = Array.from({ length: 40 }, (_, index) => `part${index} `);

/** The stale park's runs' input: their weather agent's script answers it. */
const CITY = 'Oslo';

/**
 * "(stream)" in the input: a long streamed answer at once; "(hello)": a short one; {@link CITY}: the
 * weather tool, then its answer. Otherwise lookup -> slow -> a short answer, each call with a fixed
 * id (signed by this fake, which checks that each signature it gets back is one it issued). Counts
 * model calls per run input.
 */
function createScript(modelCalls: Map<string, number>): FakeGemini {
  return createFakeGemini({
    chunkDelayMs: 60,
    interactions: { holdBackground: () => true },
    script: (request, context) => {
      const { lastUserText, functionResponses } = context;
      if (lastUserText === CITY)
        return functionResponses.length > 0
          ? turn.text(`${CITY}: clear skies.`)
          : turn.call('get_weather', { city: CITY });
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
      const answered = functionResponses.map((response) => response.name);
      if (answered.includes('slow')) return turn.text('Order 7 shipped.');
      if (answered.includes('lookup'))
        return turn.calls([{ name: 'slow', args: { order: '7' }, id: 'call-slow' }]);
      return turn.calls([{ name: 'lookup', args: { order: '7' }, id: 'call-lookup' }]);
    },
  });
}

/** What DBOS logs (at `warn`) when an execution ends without owning its run's outcome. */
const ended = (runId: string): RegExp =>
  new RegExp(
    `Workflow ${runId} (was cancelled during execution|is no longer owned by this execution|outcome was not recorded)`,
  );

let fake: FakeGemini;
let runs: DurableRuns;
let pool: pg.Pool;
let env: Record<string, string>;
const counter = createCounter();
const modelCalls = new Map<string, number>();
const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-hold-'));
/** Every worker the file started, each stopped after it (a frozen one thawed first). */
const started: WorkerProcess[] = [];
/** The first describe's owner, left running as the second's first owner (see there). */
let handedOver: WorkerProcess | undefined;

const startFleetWorker = async (extra: Record<string, string>): Promise<WorkerProcess> => {
  const worker = await startWorker({ ...env, ...extra });
  started.push(worker);
  return worker;
};

const alive = (worker: WorkerProcess): boolean =>
  worker.child.exitCode === null && worker.child.signalCode === null;

/** SIGKILLs `worker`, thawed first: a frozen worker takes no other signal. */
const kill = async (worker: WorkerProcess): Promise<void> => {
  worker.child.kill('SIGCONT');
  await stopWorker(worker, 'SIGKILL');
};

beforeAll(async () => {
  fake = createScript(modelCalls);
  await fake.listen();
  const databaseUrl = await workerDatabase('cancel');
  pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  env = {
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
    // Long enough that a cancel reaches the tool (DBOS polls for cancels every second) long
    // before it would end on its own, on a loaded machine too.
    SLOW_MS: '5000',
    LOG_LEVEL: 'warn',
    // The frozen-owner test holds its run's slow tool here (a held tool also stops on a cancel),
    // and the stale park's tests an owner's park (HOLD_PARK, `park-<EXECUTOR_ID>`).
    HOLD_DIR: holdDirectory,
    HOLD_PARK: '1',
  };
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
});

afterAll(async () => {
  for (const worker of started) await kill(worker);
  rmSync(holdDirectory, { recursive: true, force: true });
  await runs?.close();
  await pool?.end();
  await fake?.close();
});

/** Deletes every worker row but `keep`'s (the stale park's describe says why). */
const forgetWorkersBut = async (keep: WorkerProcess | undefined): Promise<void> => {
  await pool.query('DELETE FROM gemloop.workers WHERE executor_id IS DISTINCT FROM $1', [
    keep?.executorId,
  ]);
};

describe('cancel and takeover at any moment', () => {
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    // The fixture's 10 minutes of silence before a takeover: this worker judges no one by
    // silence (the frozen-owner test gives that to the worker it starts, see there).
    workers.push(await startFleetWorker({ EXECUTOR_ID: 'cancel-a' }));
  });

  // The owner, thawed and alive, goes on as the stale park's first owner; the taker, which judges
  // by 3 s of silence, must not outlive this describe (it would take a frozen owner's run there).
  afterAll(async () => {
    const [owner, ...others] = workers;
    for (const worker of others) await kill(worker);
    if (owner !== undefined && alive(owner)) handedOver = owner;
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

  /** Waits until the worker's execution of `runId` ended (or the worker died, which fails). */
  const executionEnded = async (worker: WorkerProcess, runId: string): Promise<void> => {
    await waitFor(
      () => ended(runId).test(worker.output()) || !alive(worker),
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
    const taker = await startFleetWorker({ EXECUTOR_ID: 'cancel-b', DEAD_AFTER_MS: '3000' });
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

// park-fence41 fenced a stale execution's park with the run's owner token and proved it by direct
// calls with a forged owner; leftovers42 fenced the run's own stop the same way. Here with real
// workers: the owner O is held between its wait's step and its park (the fixture's HOLD_PARK, at
// the park's lock, before anything is sent), frozen there (SIGSTOP), and a second worker N takes
// the run over once the test marks O gone. No timer orders them: each move waits for the one
// before it to show in the database or the counter file.
//   1. N parks the run (row `parked`, workflow `CANCELLED`), then O thaws: O's park leaves N's
//      row (before park-fence41 it deleted it, and the run stayed `CANCELLED` with no row that a
//      wake-up resumes), and the wake-up runs the run to its end.
//   2. N is held at its own park too, and O thaws first: O finds the row `waiting`, marks it
//      `parking` and stops the run. Its stop is refused (the run is N's): the workflow stays
//      N's, `PENDING` (DBOS's `cancelWorkflow` checks no owner: the stale stop cancelled N's run).

describe('a stale execution’s park and stop, with real workers (takeover of a frozen owner)', () => {
  const workers: WorkerProcess[] = [];
  const hold = (executorId: string): string => join(holdDirectory, `park-${executorId}`);

  /**
   * The last test's taker, left running as the next test's owner (see afterEach); before the
   * first test, the first describe's owner (its cancels' and takeover's runs all ended).
   */
  let nextOwner: WorkerProcess | undefined;
  /** The taker the running test started. */
  let taker: WorkerProcess | undefined;

  beforeAll(async () => {
    nextOwner = handedOver;
    handedOver = undefined;
    await forgetWorkersBut(nextOwner);
  });

  // Each test's workers but its taker are gone before the next one: the taker, alone then, picks
  // the next test's run as its owner (bench/RESULTS.md, helper speed-dbos50). The rows of the
  // gone too: the next owner would take them over (none of their runs is left), and an owner
  // frozen inside that sweep holds the fleet's election lock for its idle limit (10 minutes in
  // the fixture), so no one took its run over.
  afterEach(async () => {
    nextOwner = taker?.child.exitCode === null ? taker : undefined;
    taker = undefined;
    for (const worker of workers.splice(0)) if (worker !== nextOwner) await kill(worker);
    await forgetWorkersBut(nextOwner);
  });

  const row = async (runId: string) =>
    (
      await pool.query<{ interaction_id: string; state: string }>(
        `SELECT interaction_id, state FROM ${INTERACTION_WAITS_TABLE} WHERE run_id = $1`,
        [runId],
      )
    ).rows[0];
  const workflow = async (runId: string) =>
    (
      await pool.query<{ status: string; executor_id: string; owner_xid: string | null }>(
        `SELECT status, executor_id, owner_xid FROM dbos.workflow_status WHERE workflow_uuid = $1`,
        [runId],
      )
    ).rows[0];
  const heldAt = (executorId: string): string | undefined =>
    counter
      .lines()
      .find((line) => line.startsWith(`held park ${executorId} `))
      ?.split(' ')[3];

  /** `waitFor`, its failure telling the run's row, its workflow and each worker's output. */
  async function until(
    check: () => boolean | Promise<boolean>,
    what: string,
    runId: string,
  ): Promise<void> {
    await waitFor(check, what).catch(async (error: unknown) => {
      const outputs = workers.map((worker) => `--- ${worker.executorId}:\n${worker.output()}`);
      throw new Error(
        [
          String(error),
          `row: ${JSON.stringify(await row(runId))}`,
          `workflow: ${JSON.stringify(await workflow(runId))}`,
          ...counter.lines(),
          ...outputs,
        ].join('\n'),
      );
    });
  }

  /**
   * With the last test's taker alone (or worker `owner`, started alone when no test ran before),
   * starts `runId` on it and holds it at its park, freezes it there, then starts `taker` and lets
   * it take the run over.
   * Returns the interaction the run waits on.
   */
  async function freezeAtPark(
    runId: string,
    owner: string,
    takerId: string,
    holdTaker: boolean,
  ): Promise<{ owning: WorkerProcess; taking: WorkerProcess; interactionId: string }> {
    const left = nextOwner;
    nextOwner = undefined;
    writeFileSync(hold(left?.executorId ?? owner), '');
    if (holdTaker) writeFileSync(hold(takerId), '');
    const owning = left ?? (await startFleetWorker({ EXECUTOR_ID: owner }));
    workers.push(owning);
    const ownerId = owning.executorId;
    await runs.start('webhookBackground', { runId, input: CITY });
    await until(() => heldAt(ownerId) !== undefined, 'the owner held at its park', runId);
    const interactionId = heldAt(ownerId) as string;
    expect(await row(runId)).toEqual({ interaction_id: interactionId, state: 'waiting' });
    owning.child.kill('SIGSTOP');
    const taking = await startFleetWorker({ EXECUTOR_ID: takerId });
    workers.push(taking);
    taker = taking;
    // The fleet told the frozen owner is gone, as crashWorker tells it of a killed one: the taker's
    // next beat takes the run over, with no silence counted (a loaded machine's own gaps in the
    // taker's beats start that count again). Told again until then: a beat the owner sent before
    // it froze may land after the mark.
    await until(
      async () => {
        await pool.query(`UPDATE gemloop.workers SET seen_at = 'epoch' WHERE executor_id = $1`, [
          ownerId,
        ]);
        return (await workflow(runId))?.executor_id === takerId;
      },
      'the taker to take the run over',
      runId,
    );
    return { owning, taking, interactionId };
  }

  /** Wakes the run on each interaction it waits on until it ends; returns its answer. */
  async function wakeToEnd(runId: string): Promise<string> {
    for (let wakes = 0; wakes < 2; wakes++) {
      await until(async () => (await row(runId))?.state === 'parked', 'the run parked', runId);
      const { interaction_id: interactionId } = (await row(runId)) as { interaction_id: string };
      await fake.finishInteraction(interactionId);
      expect((await runs.wakeInteraction(interactionId)).runIds).toEqual([runId]);
      await until(
        async () => (await row(runId))?.interaction_id !== interactionId,
        'the run woken past its wait',
        runId,
      );
    }
    return (await runs.result(runId)).text;
  }

  it('the taker parks, then the stale owner thaws: its park leaves the taker’s row, and the wake-up ends the run', async () => {
    const runId = 'stale-park-after';
    const { owning, taking, interactionId } = await freezeAtPark(
      runId,
      'park-o1',
      'park-n1',
      false,
    );
    // N took the run over, replayed the wait's step, parked and stopped the run.
    await until(
      async () => {
        const [wait, run] = [await row(runId), await workflow(runId)];
        return wait?.state === 'parked' && run?.status === 'CANCELLED';
      },
      'the taker to park the run',
      runId,
    );
    expect(heldAt(taking.executorId)).toBeUndefined();
    rmSync(hold(owning.executorId));
    owning.child.kill('SIGCONT');
    await until(() => ended(runId).test(owning.output()), 'the stale execution to end', runId);
    // The taker's row, as it left it: a wake-up resumes the run.
    expect(await row(runId)).toEqual({ interaction_id: interactionId, state: 'parked' });
    expect(await wakeToEnd(runId)).toBe(`${CITY}: clear skies.`);
  });

  it('the stale owner thaws before the taker parks: its stop is refused, the run stays the taker’s', async () => {
    const runId = 'stale-stop-before';
    const { owning, taking, interactionId } = await freezeAtPark(runId, 'park-o2', 'park-n2', true);
    await until(() => heldAt(taking.executorId) !== undefined, 'the taker held at its park', runId);
    const taken = await workflow(runId);
    expect(taken).toMatchObject({ status: 'PENDING', executor_id: taking.executorId });
    rmSync(hold(owning.executorId));
    owning.child.kill('SIGCONT');
    await until(() => ended(runId).test(owning.output()), 'the stale execution to end', runId);
    // O marked the row `parking` (a waiting row is any execution's to park) but stopped nothing.
    expect(await workflow(runId)).toEqual(taken);
    expect(await row(runId)).toEqual({ interaction_id: interactionId, state: 'parking' });
    rmSync(hold(taking.executorId));
    expect(await wakeToEnd(runId)).toBe(`${CITY}: clear skies.`);
  });
});
