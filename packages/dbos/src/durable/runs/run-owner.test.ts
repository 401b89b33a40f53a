import { isRunOwner, RunAccessDeniedError, toDurableEventStreamResponse } from '@gemloop/core/web';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCounter,
  startWorker,
  stopWorker,
  type WorkerProcess,
  waitFor,
  workerDatabase,
} from '../../__fixtures__/fleet.ts';
import {
  createDurableRuns,
  DurableReplayMismatchError,
  DurableRunError,
  type DurableRuns,
} from '../../index.ts';

// Issue 52 on the durable path: a run id is no key. Alice's run waits for her approval; Bob has
// its id. Every door of the runs API he passes with his owner refuses him as it refuses an id
// that does not exist, and a page's routes (events, cancel) answer him 404.

/**
 * The routes of docs/streaming-to-a-browser.md's durable app; the owner is the session's user.
 * `reads` counts the store reads open (a read ends when its loop does).
 */
function pageRoutes(runs: DurableRuns, reads = { open: 0 }) {
  return async (request: Request): Promise<Response> => {
    const owner = request.headers.get('authorization') ?? undefined;
    const [, , runId = '', door] = new URL(request.url).pathname.split('/');
    if (door === 'cancel') {
      try {
        await runs.cancel(runId, { owner });
        return new Response(null, { status: 204 });
      } catch (error) {
        if (RunAccessDeniedError.isInstance(error))
          return Response.json({ error: 'No such run.' }, { status: 404 });
        throw error;
      }
    }
    if (!isRunOwner((await runs.status(runId))?.owner, owner)) {
      return Response.json({ error: 'No such run.' }, { status: 404 });
    }
    return toDurableEventStreamResponse(request, {
      runId,
      events: (offset, signal) =>
        (async function* () {
          reads.open++;
          try {
            yield* runs.events(runId, { offset, owner, signal });
          } finally {
            reads.open--;
          }
        })(),
      heartbeatMs: 0,
    });
  };
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => error as RunAccessDeniedError,
  );

/** The refusal as a stranger sees it, the run id it names left out. */
const shape = (error: RunAccessDeniedError, runId: string) => ({
  name: error.name,
  code: error.code,
  message: error.message.replace(runId, '<id>'),
});

// One worker of the `approver` agent (default config), its database, fake and client for the two
// describes below: approval-replay-mismatch.test.ts had the same for its two runs. Each test reads
// its own run's approvals, counter lines and model requests.
describe('approver runs on one worker', () => {
  let fake: FakeGemini;
  let runs: DurableRuns;
  let worker: WorkerProcess;
  let databaseUrl: string;
  const counter = createCounter();

  beforeAll(async () => {
    fake = createFakeGemini({
      script: (_request, context) =>
        context.functionResponses[0] === undefined
          ? turn.call('refund', { order: '7', amount: 30 })
          : turn.text('Refunded.'),
    });
    await fake.listen();
    databaseUrl = await workerDatabase('run-owner');
    worker = await startWorker({
      DATABASE_URL: databaseUrl,
      FAKE_URL: fake.url,
      COUNTER_FILE: counter.file,
    });
    runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 50 });
  });

  afterAll(async () => {
    await runs?.close();
    if (worker !== undefined) await stopWorker(worker, 'SIGKILL');
    await fake?.close();
  });

  describe('who owns a durable run', () => {
    const startAlices = async (runId: string) => {
      await runs.start('approver', { runId, input: 'Refund order 7', owner: 'alice' });
      await waitFor(
        async () => (await runs.pendingApprovals(runId, { owner: 'alice' })).length === 1,
        `${runId} to wait for approval`,
      );
      const [pending] = await runs.pendingApprovals(runId, { owner: 'alice' });
      return pending?.approvalId as string;
    };

    it('lets only the owner read, approve, steer and cancel; a stranger is refused as for no run', async () => {
      const runId = 'owned-approve';
      const approvalId = await startAlices(runId);
      expect((await runs.status(runId))?.owner).toBe('alice');
      const unknown = shape(
        await refusal(
          runs.approve('no-such-run', approvalId, { type: 'approve' }, { owner: 'bob' }),
        ),
        'no-such-run',
      );
      const doors = [
        refusal(runs.approve(runId, approvalId, { type: 'approve' }, { owner: 'bob' })),
        refusal(runs.pendingApprovals(runId, { owner: 'bob' })),
        refusal(runs.steer(runId, 'Refund 300 instead.', { owner: 'bob' })),
        refusal(runs.cancel(runId, { owner: 'bob' })),
        refusal(
          (async () => {
            for await (const _ of runs.events(runId, { owner: 'bob' })) break;
          })(),
        ),
      ];
      const [approveRefusal, ...others] = await Promise.all(doors);
      // Word for word what an unknown run id gets at the same door.
      expect(shape(approveRefusal as RunAccessDeniedError, runId)).toEqual(unknown);
      for (const error of [approveRefusal, ...others]) {
        expect(RunAccessDeniedError.isInstance(error)).toBe(true);
        expect(JSON.stringify(error)).not.toContain('alice');
      }
      // Bob's page: 404 for the events and for a Stop, the same as for a run that does not exist.
      const route = pageRoutes(runs);
      const bob = { authorization: 'bob' };
      expect(
        (await route(new Request(`http://x/runs/${runId}/events`, { headers: bob }))).status,
      ).toBe(404);
      expect(
        (
          await route(
            new Request(`http://x/runs/${runId}/cancel`, { method: 'POST', headers: bob }),
          )
        ).status,
      ).toBe(404);
      expect((await route(new Request('http://x/runs/nope/events', { headers: bob }))).status).toBe(
        404,
      );
      // Nothing of Bob's reached the run: it still waits for Alice, who approves it.
      expect(await runs.pendingApprovals(runId, { owner: 'alice' })).toHaveLength(1);
      expect(counter.count(`done refund ${runId}:`)).toBe(0);
      await runs.approve(runId, approvalId, { type: 'approve' }, { owner: 'alice' });
      expect((await runs.result(runId)).text).toBe('Refunded.');
      expect(counter.count(`done refund ${runId}:`)).toBe(1);
    });

    it('cancels the run at once on its owner`s Stop (the cancel route a page`s cancelUrl names)', async () => {
      const runId = 'owned-stop';
      await startAlices(runId);
      const alice = { authorization: 'alice' };
      const route = pageRoutes(runs);
      const events = await route(new Request(`http://x/runs/${runId}/events`, { headers: alice }));
      expect(events.status).toBe(200);
      // The page's Stop: its reader goes away and @gemloop/client posts the cancel.
      await events.body?.cancel();
      const stopped = await route(
        new Request(`http://x/runs/${runId}/cancel`, {
          method: 'POST',
          headers: { ...alice, 'gemloop-run-id': runId, 'gemloop-cancel': '1' },
        }),
      );
      expect(stopped.status).toBe(204);
      expect((await runs.status(runId))?.status).toBe('CANCELLED');
      expect(await runs.pendingApprovals(runId, { owner: 'alice' })).toEqual([]);
      expect(counter.count(`done refund ${runId}:`)).toBe(0);
    });

    it('ends the store read of a page gone while the run waits for a decision (attack40)', async () => {
      const runId = 'owned-page-gone';
      const approvalId = await startAlices(runId);
      const reads = { open: 0 };
      const route = pageRoutes(runs, reads);
      const events = await route(
        new Request(`http://x/runs/${runId}/events`, { headers: { authorization: 'alice' } }),
      );
      const reader = (events.body as ReadableStream<Uint8Array>).getReader();
      // The page reads what the store holds until a read waits (the run waits for Alice, the read
      // polls). Under load a frame may come after the second: the cancel below ends the read in
      // either case; only then does main's failure show less surely.
      let more = reader.read();
      while (
        await Promise.race([
          more.then(() => true),
          new Promise<false>((resolve) => setTimeout(() => resolve(false), 1000)),
        ])
      ) {
        more = reader.read();
      }
      expect(reads.open).toBe(1);
      await reader.cancel();
      // On main the read polled on until the run's next event (here: forever).
      await waitFor(() => reads.open === 0, 'the store read to end with the page', 30_000);
      expect((await more).done).toBe(true);
      await runs.approve(runId, approvalId, { type: 'approve' }, { owner: 'alice' });
      expect((await runs.result(runId)).text).toBe('Refunded.');
    });
  });

  // A run paused for an approval resumes by a replay. When the code that resumes it is not the code
  // that recorded it (here its record says the call's tool step ran where this worker's code asks
  // for the approval: a tool that gained `needsApproval` in a deploy while the run was paused, the
  // record's step renamed to stand in for the old code), the approval's step meets another step's
  // record. Only the model, tool and plugin steps turned DBOS's `DBOSUnexpectedStepError` into the
  // typed mismatch (attack45a); the approval's step let DBOS's own error end the run
  // (leftovers54: one `runDurableStep` for every step).
  describe("a paused run resumed by code whose approval step is not the record's", () => {
    it('ends with DurableReplayMismatchError naming both steps; the tool never runs', async () => {
      const runId = 'approval-mismatch';
      // Its own input: the run's model requests are told from the other runs' by it.
      const input = `refund order 7 (${runId})`;
      await runs.start('approver', { runId, input });
      await waitFor(
        async () => (await runs.status(runId))?.awaitingApproval === true,
        `${runId} to pause`,
      );
      const [pending] = await runs.pendingApprovals(runId);
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        const renamed = await client.query(
          `UPDATE dbos.operation_outputs SET function_name = 'gemloop.tool:refund@1.0:old-code'
         WHERE workflow_uuid = $1 AND function_name LIKE 'gemloop.approval-request@%'`,
          [runId],
        );
        expect(renamed.rowCount).toBe(1);
      } finally {
        await client.end();
      }
      await runs.approve(runId, pending?.toolCallId as string, { type: 'approve' });
      const error = await runs.result(runId).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(DurableRunError.isInstance(error)).toBe(true);
      const { cause } = error as DurableRunError;
      expect(DurableReplayMismatchError.isInstance(cause)).toBe(true);
      expect(cause).toMatchObject({
        runId,
        recordedStep: 'gemloop.tool:refund@1.0:old-code',
        expectedStep: 'gemloop.approval-request@1.0',
      });
      expect((cause as Error).message).toContain('The run was recorded by other code');
      expect(counter.lines().filter((line) => line.includes(runId))).toEqual([]);
      // The model was asked once (before the pause), never on the replay.
      expect(
        fake.modelRequests.filter((request) =>
          JSON.stringify((request.body as { contents?: unknown }).contents).includes(input),
        ),
      ).toHaveLength(1);
    });

    // The approval publishes its pending state (`DBOS.setEvent`, twice) before its step: a run
    // whose old code had a tool step there meets the first event's record first. DBOS's
    // `DBOSUnexpectedStepError` came out as it is (leftovers57: `durableSetEvent`).
    it("types the mismatch at the approval's event, before its step", async () => {
      const runId = 'approval-event-mismatch';
      await runs.start('approver', { runId, input: 'refund order 7' });
      await waitFor(
        async () => (await runs.status(runId))?.awaitingApproval === true,
        `${runId} to pause`,
      );
      const [pending] = await runs.pendingApprovals(runId);
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        // The first of the two events right before the approval's step.
        const renamed = await client.query(
          `UPDATE dbos.operation_outputs SET function_name = 'gemloop.tool:refund@1.0:old-code'
         WHERE workflow_uuid = $1 AND function_name = 'DBOS.setEvent' AND function_id = (
           SELECT function_id - 2 FROM dbos.operation_outputs
           WHERE workflow_uuid = $1 AND function_name LIKE 'gemloop.approval-request@%')`,
          [runId],
        );
        expect(renamed.rowCount).toBe(1);
      } finally {
        await client.end();
      }
      await runs.approve(runId, pending?.toolCallId as string, { type: 'approve' });
      const error = await runs.result(runId).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(DurableRunError.isInstance(error)).toBe(true);
      const { cause } = error as DurableRunError;
      expect(DurableReplayMismatchError.isInstance(cause)).toBe(true);
      expect(cause).toMatchObject({
        runId,
        recordedStep: 'gemloop.tool:refund@1.0:old-code',
        expectedStep: 'DBOS.setEvent',
      });
      expect(counter.lines().filter((line) => line.includes(runId))).toEqual([]);
    });
  });
});

describe('runs.list({ owner }) (leftovers41)', () => {
  // A page of runs filtered after the read let Bob, starting runs, push Alice's off her list: the
  // fleet's `GET /runs` read the newest page and kept hers. The owner is a filter of the query
  // (the run's `gemloop.owner` workflow attribute), so her runs are read whatever his number.
  // No worker: the runs wait enqueued, which is all a list needs.
  let runs: DurableRuns;

  beforeAll(async () => {
    runs = await createDurableRuns({ databaseUrl: await workerDatabase('list-owner') });
    // Each of hers in a millisecond of its own: DBOS orders by `created_at` in milliseconds, and
    // two runs started within one have no order (alice-1 and alice-2 swapped in a whole run).
    for (let index = 0; index < 3; index++) {
      await nextMillisecond();
      await runs.start('support', { runId: `alice-${index}`, input: 'hi', owner: 'alice' });
    }
    await runs.start('support', { runId: 'nobody-0', input: 'hi' });
    // Bob's, all newer than Alice's: a page of 10 newest holds none of hers.
    for (let index = 0; index < 12; index++) {
      await runs.start('support', { runId: `bob-${index}`, input: 'hi', owner: 'bob' });
    }
  });

  afterAll(async () => {
    await runs?.close();
  });

  it("lists the owner's runs only, newest first, however many another owner started since", async () => {
    const alice = await runs.list({ owner: 'alice', limit: 10 });
    expect(alice.map((run) => run.runId)).toEqual(['alice-2', 'alice-1', 'alice-0']);
    expect(alice.every((run) => run.owner === 'alice')).toBe(true);
    expect((await runs.list({ owner: 'alice', limit: 2 })).map((run) => run.runId)).toEqual([
      'alice-2',
      'alice-1',
    ]);
    // With a status filter too (the status pages are read in the query's order).
    const enqueued = await runs.list({ owner: 'alice', status: ['ENQUEUED', 'PENDING'] });
    expect(enqueued.map((run) => run.runId)).toEqual(['alice-2', 'alice-1', 'alice-0']);
    expect(await runs.list({ owner: 'alice', status: 'SUCCESS' })).toEqual([]);
    expect(await runs.list({ owner: 'carol' })).toEqual([]);
    expect((await runs.list({ owner: 'bob' })).length).toBe(12);
    // Without an owner the server lists every run, as before.
    expect((await runs.list()).length).toBe(16);
  });

  it('an owner that contains another is no match (an exact value, not a pattern)', async () => {
    expect(await runs.list({ owner: 'alic' })).toEqual([]);
    expect(await runs.list({ owner: 'alice%' })).toEqual([]);
    expect(await runs.list({ owner: '"alice"' })).toEqual([]);
  });

  it('refuses an owner that is no owner, as every other door does', async () => {
    for (const owner of ['', 7, 'x'.repeat(1025)]) {
      const error = await runs.list({ owner: owner as never }).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect((error as Error).name).toBe('InvalidArgumentError');
      expect((error as Error).message).toMatch(/^owner must be a non-empty string/);
    }
  });
});

/** Resolves once `Date.now()` has moved past the millisecond it was called in. */
async function nextMillisecond(): Promise<void> {
  const start = Date.now();
  while (Date.now() <= start) await new Promise((resolve) => setTimeout(resolve, 1));
}
