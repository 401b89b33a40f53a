import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { createDurableRuns, type DurableRuns } from '../index.ts';
import {
  crashWorker,
  createCounter,
  workerDatabase,
  startWorker,
  stopWorker,
  waitFor,
  type WorkerProcess,
} from './fleet.ts';

/** lookup → slow → answer, whatever the request: the support agents' run in three model calls. */
export function supportTurns(answer: string): NonNullable<Parameters<typeof createFakeGemini>[0]>['script'] {
  return (_request, context) => {
    const answered = context.functionResponses.map((response) => response.name);
    if (answered.includes('slow')) return turn.text(answer);
    if (answered.includes('lookup')) return turn.call('slow', { order: '7' });
    return turn.call('lookup', { order: '7' });
  };
}

/**
 * Workers (two unless told) on a fresh database whose slow tool waits while a file named after the
 * run exists.
 */
export type HoldingFleet = {
  fake: FakeGemini;
  runs: DurableRuns;
  databaseUrl: string;
  counter: ReturnType<typeof createCounter>;
  workers: WorkerProcess[];
  /** The workers' env but their EXECUTOR_ID: a worker a test starts into the fleet takes it. */
  env: Record<string, string>;
  /** The folder of the hold files (worker.ts HOLD_DIR). */
  holdDirectory: string;
  /** Waits for the run's slow tool to start, then SIGKILLs the worker that runs it. */
  killInSlowTool(runId: string): Promise<WorkerProcess>;
  /**
   * Waits for each held run's slow tool to start, then ends them all with one kill
   * ({@link killHeldRuns}, its taker `takerId`); the worker each run was on when it was killed.
   */
  killHeldInSlowTools(
    takerId: string,
    held: KillHeldRunsOptions['held'],
  ): Promise<Map<string, WorkerProcess>>;
  close(): Promise<void>;
};

/** The worker of `workers` that runs `runId` now (by the executor its status names). */
export async function ownerOf(
  runs: Pick<DurableRuns, 'status'>,
  workers: readonly WorkerProcess[],
  runId: string,
): Promise<WorkerProcess> {
  const executorId = (await runs.status(runId))?.executorId;
  const owner = workers.find((worker) => worker.executorId === executorId);
  if (owner === undefined) throw new Error(`no worker owns ${runId} (executor ${executorId})`);
  return owner;
}

/** What {@link killHeldRuns} is given. */
export type KillHeldRunsOptions = {
  runs: Pick<DurableRuns, 'status'>;
  /** The live workers: the killed ones are taken out, the taker is put in. */
  workers: WorkerProcess[];
  /** The workers' env but their EXECUTOR_ID (the taker's is `takerId`). */
  env: Record<string, string>;
  takerId: string;
  /** The folder of the hold files (worker.ts HOLD_DIR). */
  holdDirectory: string;
  /** The runs held where their tests kill them, each with the hold file it waits on. */
  held: readonly { runId: string; hold: string }[];
};

/**
 * One kill for several crash tests whose runs are held on one worker: starts a worker to take
 * them over, then SIGKILLs each worker that runs one of them (`crashWorker`), letting a run's hold
 * go once its worker is dead. Each test still reads its own run's replay, and a worker that dies
 * with several runs is the common case; a start and a kill a test cost a worker start, its life
 * and a wait for Postgres to end its sessions each (bench/RESULTS.md, helpers speed-dbos50,
 * speed-dbos51b, speed-dbos52a). The worker each run was on when it was killed.
 */
export async function killHeldRuns({
  runs,
  workers,
  env,
  takerId,
  holdDirectory,
  held,
}: KillHeldRunsOptions): Promise<Map<string, WorkerProcess>> {
  const victims = new Map<string, WorkerProcess>();
  for (const { runId } of held) victims.set(runId, await ownerOf(runs, workers, runId));
  workers.push(await startWorker({ ...env, EXECUTOR_ID: takerId }));
  for (const victim of new Set(victims.values())) {
    await crashWorker(victim, () => {
      for (const { runId, hold } of held)
        if (victims.get(runId) === victim) rmSync(join(holdDirectory, hold), { force: true });
    });
    workers.splice(workers.indexOf(victim), 1);
  }
  return victims;
}

/** How a {@link HoldingFleet} is started beside its fake's options. */
export type HoldingFleetOptions = {
  /** How many workers (two unless told; one for a file that holds its crash tests' runs together on it and starts their taker itself). */
  workers?: number | undefined;
  /** More worker env (worker.ts), e.g. WORKER_CONCURRENCY for a worker that holds more than four runs at once. */
  env?: Record<string, string> | undefined;
};

/** Starts a {@link HoldingFleet} against a fake made with `fakeOptions`. */
export async function startHoldingFleet(
  prefix: string,
  fakeOptions: Parameters<typeof createFakeGemini>[0],
  { workers: count = 2, env: extra = {} }: HoldingFleetOptions = {},
): Promise<HoldingFleet> {
  const fake = createFakeGemini(fakeOptions);
  await fake.listen();
  const databaseUrl = await workerDatabase(prefix);
  const counter = createCounter();
  const holdDirectory = mkdtempSync(join(tmpdir(), 'gemloop-hold-'));
  const env = {
    DATABASE_URL: databaseUrl,
    FAKE_URL: fake.url,
    COUNTER_FILE: counter.file,
    SLOW_MS: '10',
    HOLD_DIR: holdDirectory,
    ...extra,
  };
  const workers = await Promise.all(
    Array.from({ length: count }, (_, index) =>
      startWorker({ ...env, EXECUTOR_ID: `${prefix}-worker-${index}` }),
    ),
  );
  const runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 100 });
  return {
    fake,
    runs,
    databaseUrl,
    counter,
    workers,
    env,
    holdDirectory,
    async killInSlowTool(runId) {
      await waitFor(() => counter.count(`start slow ${runId}:`) === 1, 'the slow tool to start');
      const victim = await ownerOf(runs, workers, runId);
      await crashWorker(victim);
      return victim;
    },
    async killHeldInSlowTools(takerId, held) {
      for (const { runId } of held)
        await waitFor(() => counter.count(`start slow ${runId}:`) === 1, 'the slow tool to start');
      return killHeldRuns({ runs, workers, env, takerId, holdDirectory, held });
    },
    async close() {
      await runs.close();
      for (const worker of workers) await stopWorker(worker, 'SIGKILL');
      await fake.close();
    },
  };
}
