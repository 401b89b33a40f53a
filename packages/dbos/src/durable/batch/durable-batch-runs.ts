import { DBOS, DBOSClient } from '@dbos-inc/dbos-sdk';
import { InvalidArgumentError } from '@gemloop/core';
import { type BatchRunsOptions, type BatchRunsState, createBatchRuns } from '@gemloop/core/batch';
import { modelCallEntryOf } from '@gemloop/core/internal';
import type { Content } from '@gemloop/core/wire';
import { checkPostgres } from '../../errors/check-postgres.ts';
import { DurableRunError } from '../../errors/durable-run-error.ts';
import { typedStoredError } from '../../errors/typed-stored-error.ts';
import { checkId } from '../../postgres/check-id.ts';
import { DEFAULT_APP_NAME, RUNS_QUEUE } from '../runs/durable-run-types.ts';
import {
  checkRunInputSize,
  DEFAULT_MAX_INPUT_BYTES,
  type RunInputLimitOptions,
  runInputLimitOptions,
} from '../runs/run-input-limit.ts';
import { durableSleep } from '../steps/durable-operations.ts';
import { isDurableRunEnding } from '../steps/is-durable-run-ending.ts';
import { runDurableStep } from '../steps/run-durable-step.ts';
import { redactedRunError } from '../worker/redacted-run-error.ts';

/** The DBOS workflow name of a durable batch job. */
export const BATCH_RUNS_WORKFLOW = 'gemloop.batch-runs';

/** The default poll interval of a durable batch job (as `createBatchRuns`). */
const DEFAULT_POLL_INTERVAL_MS = 30_000;

/** A batch job definition of a worker: the options of `createBatchRuns`, by job name. */
export type DurableBatchJobDefinition = BatchRunsOptions;

/** What a durable batch job starts from: new inputs, or a state saved by `createBatchRuns`. */
export type DurableBatchJobInput =
  | { inputs: readonly (string | Content[])[]; state?: undefined }
  | { state: BatchRunsState; inputs?: undefined };

/**
 * Registers the batch-jobs workflow (before `DBOS.launch`). Each job is a loop of
 * `runs.step(state, { wait: false })`, each one a DBOS step whose result (the new JSON state,
 * the pending batch's name in it) is recorded, and a durable `DBOS.sleepms(pollIntervalMs)` while a
 * round is pending. A worker killed mid-job: another replays the recorded steps and goes on from
 * the last recorded state, so a round whose submit step completed is not sent again; the sleep
 * wakes at its recorded time ("records its intended wake-up time in the database so if it is
 * interrupted and recovers, it still wakes up at the intended time":
 * https://docs.dbos.dev/typescript/reference/methods#dbossleep). A step cut by the kill runs
 * again (DBOS steps are at-least-once: https://docs.dbos.dev/typescript/tutorials/step-tutorial):
 * a submit cut after Google received it sends that round again; a collect runs its tools again.
 * A job's failure is stored and told as a run's is (`redactedRunError`: the class's name, code
 * and text, number and boolean fields, without the job's client's keys and local details): DBOS
 * writes what a step and the workflow throw into `operation_outputs` and `workflow_status`, and
 * every client's `result()` reads it. A gateway's 502 whose answer named its upstream
 * `postgres://batch:pw@10.0.0.7/ledger` sat whole in the step's row (the `ApiCallError`'s
 * `apiMessage` and `responseBody`: durable65).
 * @internal
 */
export function registerBatchRunsWorkflow(
  jobs: Record<string, DurableBatchJobDefinition>,
): (name: string, input: DurableBatchJobInput) => Promise<BatchRunsState> {
  const prepared = new Map(
    Object.entries(jobs).map(([name, definition]) => [
      name,
      {
        runs: createBatchRuns(definition),
        pollIntervalMs: definition.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
        // Read at each failure: a client may learn a credential later (a Vertex access token).
        keys: () => modelCallEntryOf(definition.gemini).secrets?.() ?? [],
      },
    ]),
  );
  return DBOS.registerWorkflow(
    async (name: string, input: DurableBatchJobInput): Promise<BatchRunsState> => {
      const job = prepared.get(name);
      try {
        return await runJob(name, job, input, [...prepared.keys()]);
      } catch (error) {
        // Cancelled, or no longer this execution's: ends as it is (DBOS parks it on the outcome).
        if (isDurableRunEnding(error)) throw error;
        throw redactedRunError(error, job?.keys() ?? []);
      }
    },
    { name: BATCH_RUNS_WORKFLOW },
  );
}

/** A prepared batch job: its runs, its poll interval, and its client's keys. */
type PreparedBatchJob = {
  runs: ReturnType<typeof createBatchRuns>;
  pollIntervalMs: number;
  keys: () => readonly string[];
};

/** One job's loop of recorded steps and durable sleeps (see {@link registerBatchRunsWorkflow}). */
async function runJob(
  name: string,
  job: PreparedBatchJob | undefined,
  input: DurableBatchJobInput,
  names: readonly string[],
): Promise<BatchRunsState> {
  if (job === undefined) {
    throw new Error(
      `This worker defines no batch job "${name}" (it defines ${names.join(', ') || 'none'}).`,
    );
  }
  // start() is pure: the same inputs make the same state on a replay.
  let state = input.state ?? job.runs.start(input.inputs as readonly (string | Content[])[]);
  while (!job.runs.isDone(state)) {
    const current = state;
    // A poll that finds the round still pending records null, not the whole state again:
    // a job of 100,000 runs polled every minute for two days would otherwise write its
    // histories to Postgres thousands of times.
    const next = await runDurableStep(
      async (): Promise<BatchRunsState | null> => {
        try {
          const stepped = await job.runs.step(current, { wait: false });
          return current.pending !== undefined && stepped.pending !== undefined ? null : stepped;
        } catch (error) {
          // The step's row holds what it throws, as the workflow's does.
          throw redactedRunError(error, job.keys());
        }
      },
      { name: 'gemloop.batch:step' },
    );
    state = next ?? current;
    if (state.pending !== undefined) await durableSleep(job.pollIntervalMs);
  }
  return state;
}

/** Options of {@link createDurableBatchRuns}. */
export type CreateDurableBatchRunsOptions = RunInputLimitOptions & {
  /** The DBOS system database the workers use (`postgres://user:password@host:port/db`). */
  databaseUrl: string;
  /** The fleet's name in that database. @defaultValue `'gemloop'` */
  appName?: string | undefined;
  /** How often `result` polls when no notification arrives. @defaultValue DBOS's */
  pollingIntervalMs?: number | undefined;
};

/**
 * Starts and awaits durable batch jobs (defined in the workers' `batchJobs`) from any process.
 */
export type DurableBatchRuns = {
  /**
   * Enqueues a job: `inputs` (one run each) or a `state` saved by `createBatchRuns`. `jobId` is
   * its idempotency key: starting an id that exists starts nothing. A job id is at most 1024
   * UTF-8 bytes, without NUL characters (every method refuses another with an
   * `InvalidArgumentError`, argument `jobId`).
   */
  start(
    job: string,
    options: DurableBatchJobInput & { jobId?: string | undefined },
  ): Promise<{ jobId: string }>;
  /**
   * Waits for the job's final state (every run done or failed). A run's failure is in the state
   * (its `status: 'failed'` and `error`), never thrown: a job fails only on what fails a whole
   * step (a request's `ApiCallError`, an `InvalidArgumentError`), which its `cause` is, as its
   * class again. No `AgentRunError` ends a job, so none carries a run here.
   * @throws {@link DurableRunError} when the job failed, was cancelled, or does not exist.
   */
  result(jobId: string): Promise<BatchRunsState>;
  /** The job's DBOS status and the worker running it, or `undefined` for an unknown id. */
  status(jobId: string): Promise<{ status: string; executorId: string | undefined } | undefined>;
  /** Cancels the job at its next checkpoint (its pending batch is not cancelled at Google). */
  cancel(jobId: string): Promise<void>;
  /** Closes the Postgres connections. */
  close(): Promise<void>;
};

/**
 * Drives durable batch jobs: many agent runs in batch mode (`@gemloop/core/batch`) as one DBOS
 * workflow that survives worker crashes and sleeps durably between polls, for jobs of days.
 * @throws {@link PostgresUnreachableError} when Postgres cannot be reached (password redacted).
 * @example
 * ```ts
 * const batches = await createDurableBatchRuns({ databaseUrl });
 * const { jobId } = await batches.start('weather', { jobId: 'nightly', inputs: ['Paris?', 'Rome?'] });
 * const done = await batches.result(jobId);
 * ```
 */
export async function createDurableBatchRuns({
  databaseUrl,
  appName = DEFAULT_APP_NAME,
  pollingIntervalMs,
  maxInputBytes = DEFAULT_MAX_INPUT_BYTES,
}: CreateDurableBatchRunsOptions): Promise<DurableBatchRuns> {
  if (typeof databaseUrl !== 'string' || databaseUrl === '') {
    throw new InvalidArgumentError({
      argument: 'databaseUrl',
      message: 'createDurableBatchRuns: databaseUrl must be a Postgres connection string.',
    });
  }
  runInputLimitOptions.check({ maxInputBytes }, 'createDurableBatchRuns');
  await checkPostgres({ connectionString: databaseUrl, purpose: 'the DBOS system database' });
  const client = await DBOSClient.create({
    systemDatabaseUrl: databaseUrl,
    applicationName: appName,
  });
  const polling = pollingIntervalMs === undefined ? {} : { pollingIntervalMs };
  return {
    async start(job, { jobId = crypto.randomUUID(), inputs, state }) {
      checkJobId(jobId);
      if (typeof job !== 'string' || job === '') {
        throw new InvalidArgumentError({
          argument: 'job',
          message: 'start: job must name a batch job of the workers (their batchJobs).',
        });
      }
      if ((inputs === undefined) === (state === undefined)) {
        throw new InvalidArgumentError({
          argument: 'inputs',
          message: 'start: give either inputs (prompts or contents) or a saved state, not both.',
        });
      }
      const input = inputs === undefined ? { state } : { inputs };
      // A job's inputs are stored with its workflow, as a run's are, under the same bound.
      checkRunInputSize(jobId, job, input, maxInputBytes);
      await client.enqueue(
        { workflowName: BATCH_RUNS_WORKFLOW, queueName: RUNS_QUEUE, workflowID: jobId },
        job,
        input,
      );
      return { jobId };
    },
    async result(jobId) {
      checkJobId(jobId);
      const [status] = await client.listWorkflows(statusOnly(jobId));
      if (status === undefined) {
        throw new DurableRunError({
          message: `No durable batch job ${jobId}.`,
          runId: jobId,
          status: 'NOT_FOUND',
        });
      }
      try {
        return (await client
          .retrieveWorkflow<BatchRunsState>(jobId)
          .getResult(polling)) as BatchRunsState;
      } catch (error) {
        const [after] = await client.listWorkflows(statusOnly(jobId));
        throw new DurableRunError({
          message: `The durable batch job ${jobId} ended without a result (${after?.status ?? 'unknown'}).`,
          runId: jobId,
          status: after?.status ?? 'ERROR',
          cause: typedStoredError(error),
        });
      }
    },
    async status(jobId) {
      checkJobId(jobId);
      const [status] = await client.listWorkflows(statusOnly(jobId));
      return status === undefined
        ? undefined
        : { status: status.status, executorId: status.executorId };
    },
    async cancel(jobId) {
      checkJobId(jobId);
      await client.cancelWorkflow(jobId);
    },
    async close() {
      await client.destroy();
    },
  };
}

/**
 * Refuses a job id Postgres cannot hold or index (see {@link checkId}): it is DBOS's workflow id,
 * as a run id is, and failed the same raw ways ("invalid byte sequence for encoding UTF8: 0x00").
 */
function checkJobId(jobId: unknown): void {
  checkId(jobId, 'jobId', 'batch job id');
}

/** A job's status read: without its inputs and result, which DBOS loads unless told. */
function statusOnly(jobId: string): {
  workflowIDs: string[];
  loadInput: false;
  loadOutput: false;
} {
  return { workflowIDs: [jobId], loadInput: false, loadOutput: false };
}
