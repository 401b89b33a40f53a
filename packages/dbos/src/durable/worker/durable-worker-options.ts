import { type Agent, InvalidArgumentError } from '@gemloop/core';
import { describeValue } from '@gemloop/core/internal';
import type { DurableBatchJobDefinition } from '../batch/durable-batch-runs.ts';
import type { EventBatching } from '../events/run-events.ts';
import { checkModelRateLimits, type ModelRateLimit } from '../fleet/fleet-rate-limit.ts';
import type { TakeoverOptions } from '../fleet/worker-liveness.ts';
import type { DurableAgentDefinition } from '../runs/durable-run-types.ts';
import type { RunInputLimitOptions } from '../runs/run-input-limit.ts';

/** Options of {@link startDurableWorker}. */
export type StartDurableWorkerOptions = RunInputLimitOptions & {
  /** The DBOS system database (`postgres://user:password@host:port/db`); created when missing. */
  databaseUrl: string;
  /** The agents this worker runs, by name; every worker of a fleet defines the same ones. */
  agents: Record<string, DurableAgentDefinition>;
  /**
   * Agents a plugin of your own hands runs off to (`{ type: 'hand-off', to }` from a hook), by a
   * name that every worker of the fleet gives the same agent: a durable run stores a hand-off's
   * agent by that name, and runs the worker's own copy of it (its model and tool calls recorded
   * steps). The agents of `handoff()` tools and of plugins' `receivers` need no entry: the worker
   * finds them in its agents' tools and plugins (and theirs, and those of their subagents' agents),
   * by their handoff name. A run that hands off to an agent found neither
   * way fails with `UnknownHandoffAgentError`.
   */
  handoffAgents?: Record<string, Agent<unknown>> | undefined;
  /**
   * Batch jobs this worker runs, by name: the options of `createBatchRuns` (`@gemloop/core/batch`).
   * Start them with `createDurableBatchRuns(...).start(name, { inputs })`; each is a workflow that
   * steps the job and sleeps durably between polls. Every worker of a fleet defines the same ones.
   */
  batchJobs?: Record<string, DurableBatchJobDefinition> | undefined;
  /** The fleet's name in the database. @defaultValue `'gemloop'` */
  appName?: string | undefined;
  /**
   * This worker's id. A worker restarted with the same id recovers its own runs at once; others
   * take over a silent worker's runs after `takeover.deadAfterMs`. One process per id: a start
   * whose id a live worker beats under fails with `InvalidArgumentError` (`executorId`) before
   * DBOS launches (DBOS would re-run that worker's runs); a restart within `deadAfterMs` of its
   * predecessor's last beat first watches for two heartbeats. @defaultValue `<host>-<pid>-<random>`
   */
  executorId?: string | undefined;
  /** Runs at once in this worker (a run paused for approval holds no slot). @defaultValue 4 */
  workerConcurrency?: number | undefined;
  /**
   * Fleet-wide limits of model requests per model: all workers together send at most `requests`
   * HTTP requests of the model (each attempt, retries included) in any window of `periodMs`, as
   * the API receives them. Each attempt is admitted right before it is sent, by a slot in
   * Postgres that is free again `periodMs` after the API answered (see `fleet-rate-limit.ts`);
   * a call that finds none waits (its time limit starts once admitted). Every worker of a fleet
   * gives the same limits.
   */
  modelRateLimits?: Record<string, ModelRateLimit> | undefined;
  /**
   * @deprecated Removed: the limit is held when each request is sent, with no margin to add.
   * Passing a value throws.
   */
  rateLimitMarginMs?: undefined;
  /**
   * How often the fleet's workers poll the runs queue: the longest a started run waits for a
   * worker on an idle fleet. DBOS 5.3 has no notification for an enqueued workflow (its queue
   * runner polls, `wfqueue.js`, 1 s by default); each poll of an idle worker is a short
   * transaction (about 3 statements, no WAL), so 50 ms costs Postgres about 60 statements a
   * second per worker (measured: `bench/src/durable/fleet-bench.ts`). The queue's setting is
   * shared: the last worker to start sets it for the fleet. @defaultValue 50
   */
  pollingIntervalMs?: number | undefined;
  /**
   * The most connections DBOS's own pool holds to the system database (DBOS's
   * `systemDatabasePoolSize`, 10 by default in DBOS 5.3, `DEFAULT_POOL_SIZE` in
   * `dist/src/system_database.js`); DBOS keeps half of it for its polling reads. A run holds a
   * connection only while one of its statements runs (no step holds one through a model call or
   * a tool), so the default carries the runs one worker can drive (see the package README,
   * "Sizing a fleet"); raise it with `workerConcurrency` past about 50 active runs.
   * @defaultValue DBOS's, 10
   */
  systemDatabasePoolSize?: number | undefined;
  /**
   * How long DBOS gathers the worker's `pg_notify`s (event and stream writes, a `send` to a run
   * waiting in `recv`) before it sends them together: the most a reader that LISTENs waits past a
   * write (DBOS's `notificationCoalesceMs`). DBOS 5.3 sleeps this long between flushes for as
   * long as the worker runs, whether or not anything is waiting: at its 10 ms an idle worker's
   * event loop wakes ~100 times a second, about a third of its idle CPU (bench/RESULTS.md, helper
   * speed-tests54). A fleet whose readers can wait a little longer may raise it. At least 1, at
   * most 60000 (a minute).
   * @defaultValue DBOS's, 10
   */
  notificationCoalesceMs?: number | undefined;
  /** Taking over the runs of dead workers; `false` leaves that to you. */
  takeover?: TakeoverOptions | false | undefined;
  /** How long a call waits for approval before it is denied. @defaultValue 7 days */
  approvalTimeoutMs?: number | undefined;
  /**
   * How often this worker looks for paused runs whose approval timed out (and resumes them, to
   * deny the call). @defaultValue 5000
   */
  approvalSweepMs?: number | undefined;
  /**
   * How a streamed answer's text reaches other processes while it is written: its deltas are
   * written in batches, at most one write per `batchMs` (or at once for `batchSize` deltas).
   * @defaultValue `{ batchMs: 200, batchSize: 64 }`
   */
  eventBatching?: Partial<EventBatching> | undefined;
  /** DBOS's own log level (it logs to the console). @defaultValue `'warn'` */
  logLevel?: 'error' | 'warn' | 'info' | 'debug' | undefined;
  /**
   * The code version DBOS tags runs with; only workers of the same version replay a run.
   * @defaultValue DBOS's hash of the registered workflows
   */
  applicationVersion?: string | undefined;
};

/** The default of {@link StartDurableWorkerOptions.pollingIntervalMs}. @internal */
export const DEFAULT_QUEUE_POLLING_MS = 50;

/**
 * The longest `notificationCoalesceMs`: a minute. Past it a reader that LISTENs hears of a write no
 * sooner than its own polls would (a `runs.result()` wait polls at least once a second), so a
 * larger value is a mistake (seconds given as milliseconds); past 2^31 - 1 ms Node's timers cannot
 * even wait it, and DBOS's sleep became 1 ms, a flush a millisecond (attack55, 1e12).
 */
const MAX_NOTIFICATION_COALESCE_MS = 60_000;

/**
 * Checks the options {@link startDurableWorker} takes before it touches Postgres: a clear
 * {@link InvalidArgumentError} naming the option, the same as the worker threw when the checks
 * sat in its body.
 * @internal
 */
export function checkDurableWorkerOptions({
  databaseUrl,
  agents,
  batchJobs,
  modelRateLimits,
  rateLimitMarginMs,
  systemDatabasePoolSize,
  notificationCoalesceMs,
  eventBatching: eventBatchingOption,
}: Pick<
  StartDurableWorkerOptions,
  | 'databaseUrl'
  | 'agents'
  | 'batchJobs'
  | 'rateLimitMarginMs'
  | 'systemDatabasePoolSize'
  | 'notificationCoalesceMs'
  | 'eventBatching'
> & { modelRateLimits: Record<string, ModelRateLimit> }): void {
  if (typeof databaseUrl !== 'string' || databaseUrl === '') {
    throw new InvalidArgumentError({
      argument: 'databaseUrl',
      message: 'startDurableWorker: databaseUrl must be a Postgres connection string.',
    });
  }
  if (
    typeof agents !== 'object' ||
    agents === null ||
    (Object.keys(agents).length === 0 && Object.keys(batchJobs ?? {}).length === 0)
  ) {
    throw new InvalidArgumentError({
      argument: 'agents',
      message:
        'startDurableWorker: agents must name at least one agent definition ({ support: { gemini, model, ... } }), or batchJobs one batch job.',
    });
  }
  if (rateLimitMarginMs !== undefined) {
    throw new InvalidArgumentError({
      argument: 'rateLimitMarginMs',
      message:
        'startDurableWorker: rateLimitMarginMs is gone: modelRateLimits is now held at the moment a request is sent, with no margin to add. Remove the option.',
    });
  }
  if (
    systemDatabasePoolSize !== undefined &&
    !(Number.isInteger(systemDatabasePoolSize) && systemDatabasePoolSize >= 2)
  ) {
    throw new InvalidArgumentError({
      argument: 'systemDatabasePoolSize',
      message: `startDurableWorker: systemDatabasePoolSize must be an integer of at least 2 (DBOS keeps half for its polling reads); got ${describeValue(systemDatabasePoolSize)}.`,
    });
  }
  if (
    notificationCoalesceMs !== undefined &&
    !(
      Number.isFinite(notificationCoalesceMs) &&
      notificationCoalesceMs >= 1 &&
      notificationCoalesceMs <= MAX_NOTIFICATION_COALESCE_MS
    )
  ) {
    throw new InvalidArgumentError({
      argument: 'notificationCoalesceMs',
      message: `startDurableWorker: notificationCoalesceMs must be a number of milliseconds, at least 1 (DBOS's minimum) and at most ${MAX_NOTIFICATION_COALESCE_MS} (a minute: readers that listen would hear of writes no sooner than their polls); got ${describeValue(notificationCoalesceMs)}.`,
    });
  }
  checkModelRateLimits(modelRateLimits);
  for (const key of ['batchMs', 'batchSize'] as const) {
    const value = eventBatchingOption?.[key];
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new InvalidArgumentError({
        argument: `eventBatching.${key}`,
        message: `startDurableWorker: eventBatching.${key} must be a positive number (got ${describeValue(value)}).`,
      });
    }
  }
}
