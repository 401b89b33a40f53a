import { createFakeGemini, type FakeGemini, type FakeTurn, turn } from '@gemloop/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  waitFor,
  workerDatabase,
  workerHeap,
} from '../../__fixtures__/fleet.ts';
import { agentOf, answered, type Body, firstText } from '../../__fixtures__/subagent-fake.ts';
import { createDurableRuns, type DurableRunStatus, type DurableRuns } from '../../index.ts';

/** The input of the run that pauses `PAUSES` times (its describe's comment says why). */
const MANY_PAUSES_INPUT = 'refund them';
/** The fixture worker's client key: the first refund's order of that run holds it. */
const KEY = 'test-key';
const PAUSES = 5;
const LONG = 'y'.repeat(1000);

/** The `teamApproval` tree's run: its child's refund waits for an approval that times out. */
const TREE_INPUT = 'approve-timeout';

/**
 * The `teamApproval` tree's turns (the subagent fake's, __fixtures__/subagent-fake.ts, with the
 * same call ids; signed by this fake, which checks that each signature it gets back is one it
 * issued): the parent asks its researcher, the researcher asks for a refund and then answers.
 */
function treeTurn(body: Body): FakeTurn {
  const input = firstText(body);
  const done = answered(body);
  if (agentOf(body) === 'child')
    return done.includes('refund')
      ? turn.text(`child answer to ${input}`)
      : turn.calls([{ name: 'refund', args: { order: '7', amount: 5 }, id: 'call-refund' }]);
  return done.includes('research')
    ? turn.text(`parent answer to ${input}`)
    : turn.calls([{ name: 'research', args: { task: `approve ${input}` }, id: 'call-research' }]);
}

/**
 * "refund ..." asks for a refund (which needs approval); anything else looks an order up. The run
 * given {@link MANY_PAUSES_INPUT} asks for refunds until `PAUSES` were made, then answers; the
 * tree given {@link TREE_INPUT} is answered by {@link treeTurn}.
 */
function script(): FakeGemini {
  return createFakeGemini({
    script: ({ body }, context) => {
      if (agentOf(body as Body) === 'child' || firstText(body as Body) === TREE_INPUT)
        return treeTurn(body as Body);
      const contents = JSON.stringify(body.contents);
      if (contents.includes(MANY_PAUSES_INPUT)) {
        const done = (contents.match(/"functionResponse"/g) ?? []).length;
        return done < PAUSES
          ? turn.call('refund', {
              order: `${done === 0 ? `${KEY} ` : ''}${done} ${LONG}`,
              amount: 30,
            })
          : turn.text('All refunded.');
      }
      const response = context.functionResponses[0];
      if (response !== undefined)
        return turn.text(`answered: ${JSON.stringify(response.response)}`);
      return context.lastUserText?.startsWith('refund')
        ? turn.call('refund', { order: '7', amount: 30 })
        : turn.call('lookup', { order: '7' });
    },
  });
}

/** One describe's fleet: the fake, a worker started with `env` on a database of its own, a client. */
type PausedFleet = {
  fake: FakeGemini;
  runs: DurableRuns;
  worker: WorkerProcess;
  counter: ReturnType<typeof createCounter>;
};

/** Starts the describe's fleet before its tests and stops it after them. */
function pausedFleet(prefix: string, env: Record<string, string>): PausedFleet {
  const fleet = { counter: createCounter() } as PausedFleet;
  beforeAll(async () => {
    const fake = script();
    fleet.fake = fake;
    await fake.listen();
    const databaseUrl = await workerDatabase(prefix);
    fleet.worker = await startWorker({
      DATABASE_URL: databaseUrl,
      FAKE_URL: fake.url,
      COUNTER_FILE: fleet.counter.file,
      ...env,
    });
    fleet.runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  });
  afterAll(async () => {
    await fleet.runs?.close();
    if (fleet.worker !== undefined) await stopWorker(fleet.worker, 'SIGKILL');
    await fleet.fake?.close();
  });
  return fleet;
}

// One worker with one slot for both describes: a worker start is ~1 s of CPU and its own database
// and fake more (bench/RESULTS.md, speed-new48), and neither describe's runs touch the other's.
describe('one worker with one slot', () => {
  const fleet = pausedFleet('paused', {
    WORKER_CONCURRENCY: '1',
    POLLING_MS: '50',
  });

  describe('a run paused for approval frees its worker', () => {
    const paused = async (runId: string): Promise<string> => {
      await waitFor(
        async () => (await fleet.runs.status(runId))?.awaitingApproval === true,
        `${runId} to pause`,
      );
      const [pending] = await fleet.runs.pendingApprovals(runId);
      return pending?.toolCallId as string;
    };

    it('with workerConcurrency 1, a paused run does not block the next; it resumes when approved', async () => {
      const first = await fleet.runs.start('approver', {
        runId: 'paused-first',
        input: 'refund order 7',
      });
      const toolCallId = await paused(first.runId);
      const status = await fleet.runs.status(first.runId);
      expect(status).toMatchObject({ status: 'PENDING', awaitingApproval: true });
      expect((await fleet.runs.list({ status: 'PENDING' })).map((run) => run.runId)).toContain(
        first.runId,
      );
      expect(
        (await fleet.runs.list({ status: 'CANCELLED' })).map((run) => run.runId),
      ).not.toContain(first.runId);

      // The only slot of the only worker is free: another run goes through meanwhile.
      const second = await fleet.runs.start('support', {
        runId: 'paused-second',
        input: 'where is 7',
      });
      expect((await fleet.runs.result(second.runId)).text).toBe(
        'answered: {"order":"7","status":"shipped"}',
      );
      expect((await fleet.runs.status(first.runId))?.awaitingApproval).toBe(true);

      // A watcher that started before the decision reads on across the pause.
      const watched = (async () => {
        const items = [];
        for await (const item of fleet.runs.events(first.runId)) items.push(item);
        return items;
      })();
      const waiting = fleet.runs.result(first.runId);
      await fleet.runs.approve(first.runId, toolCallId, { type: 'approve' });
      const result = await waiting;
      expect(result.text).toBe('answered: {"order":"7","amount":30,"refunded":true}');
      expect(fleet.counter.lines().filter((line) => line.includes(first.runId))).toEqual([
        `done refund ${first.runId}:1.0:${toolCallId} 7 30`,
      ]);
      const events = await watched;
      expect(events.map((item) => item.offset)).toEqual(events.map((_, index) => index));
      expect(events.filter((item) => item.event.type === 'tool-call')).toHaveLength(1);
      expect(events.at(-1)?.event.type).toBe('run-end');
      expect(await fleet.runs.status(first.runId)).toMatchObject({
        status: 'SUCCESS',
        awaitingApproval: false,
      });
    });

    it('cancels a paused run: CANCELLED, not awaiting, and a late decision is refused', async () => {
      const { runId } = await fleet.runs.start('approver', {
        runId: 'paused-cancel',
        input: 'refund 7',
      });
      const toolCallId = await paused(runId);
      await fleet.runs.cancel(runId);
      expect(await fleet.runs.status(runId)).toMatchObject({
        status: 'CANCELLED',
        awaitingApproval: false,
      });
      await expect(fleet.runs.result(runId)).rejects.toMatchObject({ status: 'CANCELLED' });
      await expect(
        fleet.runs.approve(runId, toolCallId, { type: 'approve' }),
      ).rejects.toMatchObject({
        state: 'cancelled',
      });
      expect(fleet.counter.count(`done refund ${runId}`)).toBe(0);
    });
  });

  // leftovers62 (issue 53): a run paused for approval runs again from its start when approved, in
  // a new execution that emitted, scanned and wrote every event of the run so far again (k pauses:
  // k + 1 writes of the run). Now the execution asks what its stream holds and writes the rest.
  describe('a run paused 5 times for approval (leftovers62)', () => {
    let pool: pg.Pool;
    beforeAll(() => {
      pool = new pg.Pool({ connectionString: fleet.worker.databaseUrl, max: 1 });
    });
    afterAll(async () => {
      await pool?.end();
    });

    it('writes each event to its stream once, and the key in its first step reaches no reader', async () => {
      const { runs, counter } = fleet;
      const { runId } = await runs.start('approver', {
        runId: 'paused-5',
        input: MANY_PAUSES_INPUT,
      });
      const approved = new Set<string>();
      for (let pause = 0; pause < PAUSES; pause++) {
        let next: string | undefined;
        await waitFor(
          async () => {
            const pending = await runs.pendingApprovals(runId);
            next = pending.find(({ toolCallId }) => !approved.has(toolCallId))?.toolCallId;
            return next !== undefined;
          },
          `${runId} to pause (${pause + 1})`,
        );
        approved.add(next as string);
        await runs.approve(runId, next as string, { type: 'approve' });
      }
      expect((await runs.result(runId)).text).toBe('All refunded.');
      const { rows } = await pool.query<{ entries: string; written: string; stored: string }>(
        `SELECT count(*) AS entries, sum(json_array_length(b->'events')) AS written,
              max((b->>'from')::int + json_array_length(b->'events')) AS stored
         FROM (SELECT CASE WHEN value::json->>'__dbos_serializer' = 'superjson'
                           THEN value::json->'json' ELSE value::json END AS b
                 FROM "dbos".streams WHERE workflow_uuid = $1 AND key = 'gemloop.events') AS entries
        WHERE json_typeof(b->'events') = 'array'`,
        [runId],
      );
      const { entries, written, stored } = rows[0] as {
        entries: string;
        written: string;
        stored: string;
      };
      const read = [];
      for await (const { event } of runs.events(runId)) read.push(event);
      expect(read).toHaveLength(Number(stored));
      // Each index written once: before, each execution wrote the run from its start again,
      // 3 times the run's events (measured: 72 written for 24, in 9 entries; now 24 in 6).
      expect(Number(written)).toBe(Number(stored));
      expect(Number(entries)).toBeLessThanOrEqual(2 * (PAUSES + 1));
      expect(JSON.stringify(read)).not.toContain(KEY);
      expect(JSON.stringify(read)).toContain('[redacted] 0 y');
      expect(counter.count(`done refund ${runId}:`)).toBe(PAUSES);
    });
  });
});

describe('a worker keeps no memory per paused run', () => {
  /** More slots than one: the runs' round trips overlap (see the test's last comment). */
  const SLOTS = 8;
  const fleet = pausedFleet('paused_heap', {
    WORKER_CONCURRENCY: String(SLOTS),
    POLLING_MS: '50',
  });

  it('bounded over many: bytes per paused run, and every slot free with 130 paused', async () => {
    // Paused, and its workflow stopped: `awaitingApproval` is set when the run reaches the call,
    // before it stops its workflow and lets go of what it holds (no executor once stopped). A run
    // still unwinding when the heap is read was counted as kept.
    const stopped = (run: DurableRunStatus | undefined): boolean =>
      run?.awaitingApproval === true && run.executorId === undefined;
    // The whole batch is queued at once and the worker's slots take the runs as they come.
    const pauseBatch = async (prefix: string, count: number): Promise<void> => {
      const ids: string[] = [];
      for (let index = 0; index < count; index++) {
        const { runId } = await fleet.runs.start('approver', {
          runId: `${prefix}-${index}`,
          input: 'refund order 7',
        });
        ids.push(runId);
      }
      // The slots take the batch in the order it was queued, so its last run pauses about last:
      // one status read of it every 250 ms, then a list that every run of the batch is paused
      // (polled on until it is). A list of every paused run each poll (up to 130, with their
      // inputs) read more as the batch grew; a status read of each run every 50 ms before that
      // (bench/RESULTS.md, the dbos suites' third pass).
      const last = ids.at(-1) as string;
      await waitFor(
        async () => stopped(await fleet.runs.status(last)),
        `the last run of ${prefix} to pause`,
        840_000,
        250,
      );
      await waitFor(
        async () => {
          const awaiting = new Set(
            (await fleet.runs.list({ status: 'PENDING' })).filter(stopped).map((run) => run.runId),
          );
          return ids.every((runId) => awaiting.has(runId));
        },
        `the ${count} runs of ${prefix} to pause`,
        840_000,
        250,
      );
    };
    // Warm up first (compiled code, DBOS's and pg's caches and pools grow over the first runs of
    // a process). Measured, the heap after each 10 paused runs (one worker, load 16-17): it
    // still grew by 5.4 KiB a run from the 30th to the 130th run with one slot (6.6 with 8), and
    // by 4.4 from the 50th with either: the measured window starts at the 50th.
    await pauseBatch('warm', 50);
    const before = await workerHeap(fleet.worker);
    await pauseBatch('paused', 40);
    await pauseBatch('paused-more', 40);
    const after = await workerHeap(fleet.worker);
    // A run that waited in DBOS.recv kept ~33 KiB of this heap; a paused run is rows in Postgres
    // only (the bound leaves room for the warm-up's noise, not for a run's state: a paused run
    // that kept only its approval state and its call's context read 10.8 KiB). The heap's objects,
    // without compiled code (workerHeap): read with the code, it failed at 9.0 KiB (load 7) and
    // 61 KiB (CI), 473 of the 649 KB grown in one of them code; without it, 0.1 and 2.3 KiB at
    // load 30 (bench/RESULTS.md, the thirtieth session's end).
    expect((after - before) / 80).toBeLessThan(8 * 1024);
    // And the worker's slots are free: the next run goes through at once with 130 paused runs,
    // far more than its 8 slots (a paused run that kept its slot stops the batch at the 9th).
    const next = await fleet.runs.start('support', { runId: 'heap-next', input: 'where is 7' });
    expect((await fleet.runs.result(next.runId)).text).toContain('shipped');
    expect(
      (await fleet.runs.list({ status: 'PENDING' })).filter((run) => run.awaitingApproval),
    ).toHaveLength(130);
    // 130 durable runs: CPU-bound. Through one slot they took 68-103 s at load 10-22 (the file
    // 89-137 s) and 163 s at load 17 (one run of a probe), each run's round trips to Postgres and
    // the fake waiting their turn for a core one after another; through 8 slots, 59 s at load 16
    // (the probe), the worker's CPU no higher. What it checks is heap bytes per run, never
    // time; the limit only catches a hang. At load 30-56 on two cores the runs through one slot
    // took longer than 300 s (test-speed-dbos3), so the guard is 900 s: a run that progresses is
    // never cut, one that hangs is.
  }, 900_000);
});

// A top run's and a subagent's approval timeouts share this worker (the subagent's had a file of
// its own, child-approval-timeout.test.ts, with the same env: a worker start, a database and a
// Vitest fork fewer; bench/RESULTS.md, helper speed-dbos50).
describe('a paused run whose approval times out', () => {
  const fleet = pausedFleet('timeout', {
    APPROVAL_TIMEOUT_MS: '1500',
    // The sweep answers the timeout: every 500 ms here (the fixture's default is 2 s).
    APPROVAL_SWEEP_MS: '500',
  });

  it('is resumed by the sweep and the call is denied, without running it', async () => {
    const { runId } = await fleet.runs.start('approver', { runId: 'times-out', input: 'refund 7' });
    const result = await fleet.runs.result(runId);
    expect(result.steps[0]?.toolCalls[0]?.outcome).toBe('denied');
    expect(result.text).toContain('No approval arrived within 2 s');
    expect(fleet.counter.count('done refund')).toBe(0);
    const [call] = result.steps[0]?.toolCalls ?? [];
    await expect(
      fleet.runs.approve(runId, call?.toolCallId as string, { type: 'approve' }),
    ).rejects.toMatchObject({ state: 'timed-out' });
  });

  // The sweep resumes the child (not its parent, which waits on it), the child denies the call
  // and ends, and its end resumes the parent.
  it("a subagent's call: denied in the child, which ends and resumes its parent", async () => {
    const { runs, counter } = fleet;
    const { runId } = await runs.start('teamApproval', {
      runId: 'team-timeout',
      input: TREE_INPUT,
    });
    await waitFor(
      async () => (await runs.status(runId))?.awaitingApproval === true,
      'the tree to pause',
    );
    const result = await runs.result(runId);
    expect(result.text).toBe(`parent answer to ${TREE_INPUT}`);
    expect(counter.count(`done refund ${runId}/`)).toBe(0);
    const child = fleet.fake.modelRequests.filter(
      (request) =>
        agentOf(request.body as Body) === 'child' &&
        firstText(request.body as Body) === `approve ${TREE_INPUT}`,
    );
    expect(child).toHaveLength(2);
    expect(JSON.stringify(child[1]?.body)).toContain('No approval arrived within');
    expect(await runs.status(runId)).toMatchObject({ status: 'SUCCESS', awaitingApproval: false });
    expect(await runs.childRuns(runId)).toMatchObject([
      { runId: `${runId}/1.0:call-research`, status: 'SUCCESS' },
    ]);
  });
});
