import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeGemini, type FakeScriptFunction, turn } from '@gemloop/testing';
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
import { INTERACTION_WAITS_TABLE } from './interaction-waits.ts';

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

const script: FakeScriptFunction = (_request, { lastUserText, functionResponses }) =>
  functionResponses.length > 0
    ? turn.text(`${lastUserText ?? ''}: clear skies.`)
    : turn.call('get_weather', { city: lastUserText ?? '' });

/** What DBOS logs (at `warn`) when an execution ends without owning its run's outcome. */
const ended = (runId: string): RegExp =>
  new RegExp(
    `Workflow ${runId} (was cancelled during execution|is no longer owned by this execution|outcome was not recorded)`,
  );

describe('a stale execution’s park and stop, with real workers (takeover of a frozen owner)', () => {
  let fake: FakeGemini;
  let runs: DurableRuns;
  let pool: pg.Pool;
  let env: Record<string, string>;
  const workers: WorkerProcess[] = [];
  const counter = createCounter();
  const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-park-hold-'));
  const hold = (executorId: string): string => join(holdDirectory, `park-${executorId}`);

  beforeAll(async () => {
    fake = createFakeGemini({ script, interactions: { holdBackground: () => true } });
    await fake.listen();
    const databaseUrl = await workerDatabase('stale_park_workers');
    pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    env = {
      DATABASE_URL: databaseUrl,
      FAKE_URL: fake.url,
      COUNTER_FILE: counter.file,
      HOLD_DIR: holdDirectory,
      HOLD_PARK: '1',
      LOG_LEVEL: 'warn',
    };
    runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  });

  /** The last test's taker, left running as the next test's owner (see afterEach). */
  let nextOwner: WorkerProcess | undefined;
  /** The taker the running test started. */
  let taker: WorkerProcess | undefined;

  // Each test's workers but its taker are gone before the next one: the taker, alone then, picks
  // the next test's run as its owner (bench/RESULTS.md, helper speed-dbos50). The rows of the
  // gone too: the next owner would take them over (none of their runs is left), and an owner
  // frozen inside that sweep holds the fleet's election lock for its idle limit (10 minutes in
  // the fixture), so no one took its run over.
  afterEach(async () => {
    nextOwner = taker?.child.exitCode === null ? taker : undefined;
    taker = undefined;
    for (const worker of workers.splice(0)) {
      if (worker === nextOwner) continue;
      // A frozen worker must be thawed to take a signal other than SIGKILL.
      worker.child.kill('SIGCONT');
      await stopWorker(worker, 'SIGKILL');
    }
    await pool.query('DELETE FROM gemloop.workers WHERE executor_id IS DISTINCT FROM $1', [
      nextOwner?.executorId,
    ]);
  });

  afterAll(async () => {
    if (nextOwner !== undefined) await stopWorker(nextOwner, 'SIGKILL');
    rmSync(holdDirectory, { recursive: true, force: true });
    await runs?.close();
    await pool?.end();
    await fake?.close();
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
    const owning = left ?? (await startWorker({ ...env, EXECUTOR_ID: owner }));
    workers.push(owning);
    const ownerId = owning.executorId;
    await runs.start('webhookBackground', { runId, input: 'Oslo' });
    await until(() => heldAt(ownerId) !== undefined, 'the owner held at its park', runId);
    const interactionId = heldAt(ownerId) as string;
    expect(await row(runId)).toEqual({ interaction_id: interactionId, state: 'waiting' });
    owning.child.kill('SIGSTOP');
    const taking = await startWorker({ ...env, EXECUTOR_ID: takerId });
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
    expect(await wakeToEnd(runId)).toBe('Oslo: clear skies.');
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
    expect(await wakeToEnd(runId)).toBe('Oslo: clear skies.');
  });
});
