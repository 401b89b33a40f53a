import { hostname } from 'node:os';
import { DBOS, DBOSClient } from '@dbos-inc/dbos-sdk';
import {
  agentKeysOf,
  agentTurnsOf,
  preloadRunPath,
  type RunServices,
} from '@gemloop/core/internal';
import pg from 'pg';
import { openCheckedPool } from '../../errors/check-postgres.ts';
import { WorkerAlreadyRunningError } from '../../errors/worker-already-running-error.ts';
import { registerLiveToolWorkflow } from '../../live/live-tool-workflow.ts';
import { openDurableLiveSession } from '../../live/open-durable-live-session.ts';
import {
  createApprovalState,
  DEFAULT_APPROVAL_TIMEOUT_MS,
  type RunPauser,
} from '../approvals/approvals.ts';
import { stopOwnedRun } from '../approvals/stop-owned-run.ts';
import { registerBatchRunsWorkflow } from '../batch/durable-batch-runs.ts';
import { createDurableChildren } from '../children/durable-children.ts';
import { createDurableHandOffAgents } from '../children/durable-hand-off-agents.ts';
import {
  DEFAULT_EVENT_BATCHING,
  EVENTS_STREAM_KEY,
  type EventBatching,
} from '../events/run-events.ts';
import { storedEventCount } from '../events/stored-event-count.ts';
import { createFleetRateLimit, migrateFleetRateLimit } from '../fleet/fleet-rate-limit.ts';
import { checkFleetVersions } from '../fleet/fleet-versions.ts';
import {
  confirmationFreshMs,
  createOwnershipConfirmations,
} from '../fleet/ownership-confirmations.ts';
import {
  checkExecutorIdFree,
  DEFAULT_DEAD_AFTER_MS,
  DEFAULT_HEARTBEAT_MS,
  startWorkerLiveness,
} from '../fleet/worker-liveness.ts';
import { INTERACTION_TOPIC } from '../interactions/interaction-waits.ts';
import { createRunsApi } from '../runs/create-runs-api.ts';
import { DEFAULT_APP_NAME, type DurableRunResult, RUNS_QUEUE } from '../runs/durable-run-types.ts';
import { createRunEndNotices } from '../runs/run-end-notices.ts';
import { DEFAULT_MAX_INPUT_BYTES, runInputLimitOptions } from '../runs/run-input-limit.ts';
import { createDurableReceive } from '../steering/durable-run-messages.ts';
import { createSteerWatch, type SteerCheck } from '../steering/durable-steering.ts';
import { createSteerAnnouncements } from '../steering/steer-announcements.ts';
import { durableGetEvent, durableStartWorkflow } from '../steps/durable-operations.ts';
import { isDurableRunEnding } from '../steps/is-durable-run-ending.ts';
import { dbosConnectUrl } from './dbos-connect-url.ts';
import type { DurableWorker, DurableWorkerHooks } from './durable-worker.ts';
import {
  checkDurableWorkerOptions,
  DEFAULT_QUEUE_POLLING_MS,
  type StartDurableWorkerOptions,
} from './durable-worker-options.ts';
import { createDurableAgentMaker, type PreparedDurableAgent } from './make-durable-agent.ts';
import { migrateWorkerSchema } from './migrate-worker-schema.ts';
import { registerRunWorkflow } from './register-run-workflow.ts';
import { startApprovalSweep } from './start-approval-sweep.ts';
import { createWorkerRunEvents } from './worker-run-events.ts';

export type { DurableWorker, DurableWorkerHooks } from './durable-worker.ts';
export type { StartDurableWorkerOptions } from './durable-worker-options.ts';

/** DBOS's own `idle_in_transaction_session_timeout` for its pool (5.3), kept as the upper bound. */
const DBOS_IDLE_TRANSACTION_TIMEOUT_MS = 60_000;

/**
 * How long Postgres keeps a session of this worker's DBOS pool idle in a transaction: the
 * takeover's silence (whole ms, at least 1 s as the sweep's own limit), at most DBOS's default.
 */
function idleTransactionLimitMs(deadAfterMs: number): number {
  if (!Number.isFinite(deadAfterMs)) return DBOS_IDLE_TRANSACTION_TIMEOUT_MS;
  return Math.min(DBOS_IDLE_TRANSACTION_TIMEOUT_MS, Math.max(1000, Math.round(deadAfterMs)));
}

/** How many run ids the log line of a takeover names (a dead worker may have held thousands). */
const MAX_LOGGED_RUN_IDS = 20;

/**
 * Launches DBOS in this process and makes it a worker of the fleet: it dequeues runs of the
 * given agents (at most `workerConcurrency` at once), runs each as a DBOS workflow, and takes over
 * runs of dead workers.
 *
 * A run is `agent.stream()` inside a workflow whose model calls and tool calls are steps: each
 * model response is recorded verbatim, each tool's result or error too, so a run replayed on
 * another worker after a crash repeats no completed model call and no completed tool call (a tool
 * that was running when its worker died runs again: use `durableContext(context).idempotencyKey`).
 * Parallel function calls of one model turn run at once (up to the agent's `toolConcurrency`),
 * after every approval decision of the turn is made; their steps start in call order and their
 * results are reported in call order, so the order of the steps, which a replay must follow, does
 * not depend on timing. A subagent (`subagent()` of `@gemloop/core/composition`, its agent made by
 * `createAgent`) runs as a DBOS child workflow `<runId>/<step>.<index>:<callId>` whose model and
 * tool calls are its own steps: a crash mid-child resumes the child where it was, and a child's
 * call that needs approval pauses the tree without a worker slot (see `durable-children.ts`).
 * Tool time limits (`toolTimeoutMs`)
 * are in-memory timers: a replay does not reproduce a timeout, so keep limits inside the tool.
 *
 * DBOS is one per process: start one worker per process.
 * @throws {@link PostgresUnreachableError} when Postgres cannot be reached (password redacted).
 */
export function startDurableWorker(options: StartDurableWorkerOptions): Promise<DurableWorker> {
  return startDurableWorkerWith(options, {});
}

/**
 * {@link startDurableWorker} with {@link DurableWorkerHooks}, for the package's own test fixtures.
 * @internal
 */
export async function startDurableWorkerWith(
  {
    databaseUrl,
    agents,
    handoffAgents,
    batchJobs = {},
    appName = DEFAULT_APP_NAME,
    executorId = `${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    workerConcurrency = 4,
    modelRateLimits = {},
    rateLimitMarginMs,
    pollingIntervalMs = DEFAULT_QUEUE_POLLING_MS,
    systemDatabasePoolSize,
    notificationCoalesceMs,
    takeover = {},
    approvalTimeoutMs = DEFAULT_APPROVAL_TIMEOUT_MS,
    approvalSweepMs = 5000,
    eventBatching: eventBatchingOption,
    logLevel = 'warn',
    applicationVersion,
    maxInputBytes,
  }: StartDurableWorkerOptions,
  { onSteerAnnounced, connectTimeoutMs }: DurableWorkerHooks,
): Promise<DurableWorker> {
  checkDurableWorkerOptions({
    databaseUrl,
    agents,
    batchJobs,
    modelRateLimits,
    rateLimitMarginMs,
    systemDatabasePoolSize,
    notificationCoalesceMs,
    eventBatching: eventBatchingOption,
  });
  runInputLimitOptions.check({ maxInputBytes }, 'startDurableWorker');
  // DBOS is one per process: a second worker beside a running one would take its runs under
  // another executor id. Refused before a connection is opened.
  if (DBOS.isInitialized()) throw workerAlreadyRunning(executorId);
  // Created before the agents (their approval hooks pause runs through them); its first
  // connection is the start's check, and reads the schema's version next.
  const pool = await openCheckedPool({
    connectionString: databaseUrl,
    max: 2,
    purpose: 'the DBOS system database',
    missingDatabaseOk: true,
    timeoutMs: connectTimeoutMs,
  });
  // Not DBOS's static API: the static calls made in a workflow are checkpoints of it, which a
  // replay would not make again. A DBOS client resumes a run; its stop is fenced by the calling
  // execution's owner token (stop-owned-run.ts), which DBOS's cancel does not check.
  let dbosClient: DBOSClient | undefined;
  const pauser: RunPauser = {
    pool,
    stop: (runId, ownerXid) => stopOwnedRun(pool, runId, ownerXid),
    resume: async (runId) => {
      await (dbosClient as DBOSClient).resumeWorkflow(runId, { queueName: RUNS_QUEUE });
    },
  };

  // The executions of the worker's runs, each with its events, steering check and approvals.
  const eventBatching: EventBatching = { ...DEFAULT_EVENT_BATCHING, ...eventBatchingOption };
  const events = createWorkerRunEvents(eventBatching);
  // Which runs' next step boundary reads their steering messages (durable-steering.ts).
  const steerAnnouncements = createSteerAnnouncements({
    connectionString: databaseUrl,
    tracked: (runId) => events.running.has(runId),
    onAnnounced: onSteerAnnounced,
  });
  const steerCheck = (): SteerCheck | undefined => events.current()?.steerCheck;
  const steerWatch = createSteerWatch({
    pool,
    checkOf: steerCheck,
    runIdOf: () => DBOS.workflowID,
    announcements: steerAnnouncements,
  });
  // The fleet rate limits, held at the moment each attempt is sent (fleet-rate-limit.ts). Its
  // own connections: a release queued behind a heartbeat would keep a slot from the fleet.
  const limitPool =
    Object.keys(modelRateLimits).length === 0
      ? undefined
      : new pg.Pool({ connectionString: databaseUrl, max: 2 });
  limitPool?.on('error', () => {});
  const closeOpened = async (): Promise<void> => {
    await steerAnnouncements.close();
    await pool.end().catch(() => {});
    await limitPool?.end().catch(() => {});
  };
  const rateLimit =
    limitPool === undefined
      ? undefined
      : createFleetRateLimit({
          pool: limitPool,
          appName,
          limits: modelRateLimits,
          onError: (error) =>
            DBOS.logger.warn(
              `gemloop rate limit: freeing a slot failed (it frees when its lease ends): ${error instanceof Error ? error.message : String(error)}`,
            ),
        });

  const prepared = new Map<string, PreparedDurableAgent>();
  const makeAgent = createDurableAgentMaker({
    rateLimit,
    steerWatch,
    // Well under the takeover's silence: a confirmation older than that is never trusted.
    ownership: createOwnershipConfirmations({
      freshMs: confirmationFreshMs(
        takeover === false
          ? false
          : {
              heartbeatMs: takeover.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
              deadAfterMs: takeover.deadAfterMs ?? DEFAULT_DEAD_AFTER_MS,
            },
      ),
    }),
    events,
    approvalTimeoutMs,
    pauser,
    statusOf: async (runId) =>
      dbosClient === undefined ? undefined : (await dbosClient.getWorkflow(runId))?.status,
  });
  for (const [name, definition] of Object.entries(agents)) {
    prepared.set(name, makeAgent(name, definition));
  }
  // The agents its runs hand off to, each as the worker's own copy, by a stable key (recorded
  // hand-offs store the key): a run handed off stays durable (durable-hand-off-agents.ts).
  const services: RunServices = {
    handOffAgents: createDurableHandOffAgents({
      agents,
      registered: handoffAgents,
      make: (key, options) => makeAgent(key, options).agent,
    }),
    // `run.receive(topic)` and steering: the run's DBOS messages (durable-run-messages.ts).
    receive: createDurableReceive({ checkOf: steerCheck, watch: steerWatch }),
    // A child starter that stops its parent (its child waits for a person: durable-children.ts)
    // or lost the run ends the parent's run there: no tool result, no model step after it.
    endsRun: isDurableRunEnding,
  };
  const children = createDurableChildren({
    maxInputBytes: maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES,
    agents: new Map(Object.entries(agents)),
    build: (key, options) => {
      const { agent } = makeAgent(key, options);
      return {
        agent,
        run: (input, parent, history) =>
          agentTurnsOf(agent).child(
            input,
            {
              signal: new AbortController().signal,
              ...(history === undefined ? {} : { history }),
            },
            parent,
          ),
      };
    },
    top: (topAgent) => {
      const top = prepared.get(topAgent);
      return {
        agent: top?.agent,
        hook: top?.approvals.hook,
      };
    },
    // Each execution of a child workflow keeps its own event buffer and approval state, as a
    // run's does.
    execute: (runId, buffer, body) =>
      events.execute({ runId, buffer, child: true, approvals: createApprovalState() }, body),
    bufferOf: events.currentBuffer,
    storedEvents: (runId) => storedEventCount(pool, runId),
    pauser,
    status: async (runId) => (await (dbosClient as DBOSClient).getWorkflow(runId))?.status,
    services,
  });
  // A name DBOS already has is another worker's, started beside this one (the check above sees
  // only a launched one): refused, its registrations left as they are.
  const registered = await Promise.resolve()
    .then(() => {
      children.register();
      registerBatchRunsWorkflow(batchJobs);
      return {
        // A background tool's thrown error is stored without the keys of its agent's tree (the
        // tree walked only when a tool threw).
        liveToolWorkflow: registerLiveToolWorkflow(agents, (name) => {
          const agent = prepared.get(name)?.agent;
          return agent === undefined ? [] : agentKeysOf(agent);
        }),
        runWorkflow: registerRunWorkflow({
          prepared,
          events,
          steerAnnouncements,
          children,
          services,
          storedEvents: (runId) => storedEventCount(pool, runId),
          pool,
        }),
      };
    })
    .catch(async (error: unknown) => {
      await closeOpened();
      throw workerAlreadyRunning(executorId, error);
    });
  const { liveToolWorkflow, runWorkflow } = registered;

  // DBOS's own connects get the start's limit too (its 10 s failed a watched start: dbos-connect-url.ts).
  const dbosUrl = dbosConnectUrl(databaseUrl, connectTimeoutMs);
  DBOS.setConfig({
    name: appName,
    systemDatabaseUrl: dbosUrl,
    executorID: executorId,
    logLevel,
    // migrateWorkerSchema did it, once for the fleet.
    runMigrations: false,
    ...(systemDatabasePoolSize === undefined ? {} : { systemDatabasePoolSize }),
    ...(notificationCoalesceMs === undefined ? {} : { notificationCoalesceMs }),
    ...(applicationVersion === undefined ? {} : { applicationVersion }),
    // A transaction this worker leaves open, frozen between two of its statements (a SIGSTOP, a
    // suspended VM), keeps the rows it locked: a run's row among them, which DBOS locks to check
    // the owner before each record. The fleet's takeover of that run (an UPDATE of the row)
    // waited behind it until Postgres ended the session, after DBOS's
    // idle_in_transaction_session_timeout (60 s, `DEFAULT_IDLE_TRANSACTION_TIMEOUT_MS` in
    // `dist/src/system_database.js` 5.3), whatever `deadAfterMs` promised. The takeover's silence
    // is the limit, at most DBOS's (frozen-transaction-takeover.attacks.test.ts); a live worker
    // sends a transaction's statements one after the other, and one its stalled event loop held
    // past it is rolled back and made again (DBOS retries on that error, 25P03).
    ...(takeover === false
      ? {}
      : {
          systemDatabaseIdleTransactionTimeoutMs: idleTransactionLimitMs(
            takeover.deadAfterMs ?? DEFAULT_DEAD_AFTER_MS,
          ),
        }),
  });
  // What the first run would load (the loop, the request path, undici) is loaded before the worker
  // takes runs, beside the migrations: a first model call that loaded it held the event loop, and
  // the heartbeats with it, for over a second on a loaded machine (a live worker's run taken over).
  const preloading = preloadRunPath();
  // A start that fails from here on leaves nothing behind: not its connections, and not its
  // workflows in DBOS's registry, which outlives DBOS.shutdown() unless told: a start after a
  // failed one in the same process was refused by DBOS ("Operation ... is already registered").
  const refuseStart = async (error: unknown): Promise<never> => {
    await closeOpened();
    await dbosClient?.destroy().catch(() => {});
    // Before launch too: it then only clears the registry (dbos.js 5.3, `shutdown`).
    await DBOS.shutdown({ deregister: true });
    throw error;
  };
  await migrateWorkerSchema(databaseUrl, pool).catch(refuseStart);
  // No worker of another storage format in this application version (fleet-versions.ts): before
  // DBOS takes runs where the version is known before launch; DBOS computes it otherwise, at launch.
  const knownVersion = applicationVersion || process.env['DBOS__APPVERSION'] || undefined;
  const fence = async (version: string): Promise<void> => {
    if (takeover === false) return;
    const fenced = { pool, appName, executorId, applicationVersion: version, ...takeover };
    await checkFleetVersions(fenced).catch(refuseStart);
  };
  // DBOS's launch recovers this executor id's runs: never while another process runs them.
  if (takeover !== false) {
    await checkExecutorIdFree({ pool, appName, executorId, ...takeover }).catch(refuseStart);
  }
  if (knownVersion !== undefined) await fence(knownVersion);
  if (limitPool !== undefined) {
    await migrateFleetRateLimit({ pool: limitPool, appName, limits: modelRateLimits }).catch(
      refuseStart,
    );
  }
  dbosClient = await DBOSClient.create({
    systemDatabaseUrl: dbosUrl,
    applicationName: appName,
  }).catch(refuseStart);
  await preloading;
  await DBOS.launch().catch(refuseStart);
  if (knownVersion === undefined) await fence(DBOS.applicationVersion);
  await DBOS.registerQueue(RUNS_QUEUE, {
    workerConcurrency,
    minPollingIntervalMs: pollingIntervalMs,
    onConflict: 'always_update',
  }).catch(refuseStart);

  // The heartbeats' own connection: a beat queued behind the pool's other queries (a sweep,
  // the approval sweep, the runs API) made a live worker look silent (worker-liveness.ts).
  // Never closed for idling: the fleet reads this worker's end from its session's (see
  // worker-liveness.ts), and a session that ends with each beat's reconnect is one more window.
  const beatPool =
    takeover === false
      ? undefined
      : new pg.Pool({ connectionString: databaseUrl, max: 1, idleTimeoutMillis: 0 });
  beatPool?.on('error', () => {});
  const liveness =
    takeover === false
      ? undefined
      : await startWorkerLiveness({
          pool,
          beatPool,
          migrated: true,
          applicationVersion: DBOS.applicationVersion,
          appName,
          executorId,
          heartbeatMs: takeover.heartbeatMs,
          deadAfterMs: takeover.deadAfterMs,
          onError: (error) =>
            DBOS.logger.warn(
              `gemloop takeover: ${error instanceof Error ? error.message : String(error)}`,
            ),
          onTakeover: ({ executorId: silent, runIds, otherVersions }) => {
            DBOS.logger.warn(
              `gemloop takeover: worker ${silent} is silent; taking over its ${runIds.length} runs${
                runIds.length === 0 ? '' : `: ${runIds.slice(0, MAX_LOGGED_RUN_IDS).join(', ')}`
              }${runIds.length > MAX_LOGGED_RUN_IDS ? ', ...' : ''}`,
            );
            // DBOS's queue hands a run only to a worker of its application version: said here,
            // or a fleet all on a new version leaves them ENQUEUED with no word anywhere.
            for (const [version, ids] of otherVersions ?? []) {
              DBOS.logger.warn(
                `gemloop takeover: ${ids.length} of them (${ids.slice(0, MAX_LOGGED_RUN_IDS).join(', ')}${ids.length > MAX_LOGGED_RUN_IDS ? ', ...' : ''}) were recorded by application version "${version}", and this worker runs "${DBOS.applicationVersion}": only a worker of that version runs them. Start one, or fork each to this version (DBOS.forkWorkflow with applicationVersion) if the code still fits its record, or cancel them.`,
              );
            }
          },
        }).catch(async (error: unknown) => {
          // Its first beat failed: the start leaves nothing, its own connection included.
          await beatPool?.end().catch(() => {});
          return refuseStart(error);
        });

  // Paused runs whose approval timed out are resumed, to deny the call; runs whose resume never
  // came (a process died in between) too. Each is claimed once, by one worker.
  const sweep = startApprovalSweep({
    pool,
    resume: pauser.resume,
    wake: (runId, interactionId, key) =>
      DBOS.send(runId, { interactionId }, INTERACTION_TOPIC, key),
    sweepMs: approvalSweepMs,
  });

  const notices = createRunEndNotices(databaseUrl);
  // Waits on a stream or a result wake on DBOS's notifications (streams) and the run's end notice;
  // their fallback poll stays at a second, not the queue's short one.
  const waitPollMs = Math.max(pollingIntervalMs, 1000);
  const runs = createRunsApi({
    pool,
    notices,
    resume: pauser.resume,
    maxInputBytes,
    enqueue: async (agent, runId, input, workflowAttributes) => {
      await durableStartWorkflow(
        runWorkflow,
        { workflowID: runId, queueName: RUNS_QUEUE, workflowAttributes },
        agent,
        input,
      );
    },
    // Asked only once the run's status is final (the run's end notice wakes the wait).
    getResult: (runId) =>
      DBOS.getResult<DurableRunResult>(runId, {
        pollingIntervalMs: waitPollMs,
      }) as Promise<DurableRunResult>,
    getStatus: async (runId) =>
      (await DBOS.listWorkflows({ workflowIDs: [runId], loadInput: false, loadOutput: false }))[0],
    readStream: (runId, offset) =>
      DBOS.readStream(runId, EVENTS_STREAM_KEY, { offset, pollingIntervalMs: waitPollMs }),
    getEvent: (runId, key) => durableGetEvent(runId, key, 0),
    send: (runId, message, topic, key) => DBOS.send(runId, message, topic, key),
    // With the run's subagents (child workflows; see create-durable-runs.ts).
    cancel: (runId) => DBOS.cancelWorkflow(runId, { cancelChildren: true }),
    listWorkflows: (input) => DBOS.listWorkflows(input),
    close: async () => {},
  });

  return {
    executorId,
    runs,
    openLiveSession: (agent, options) =>
      openDurableLiveSession({ pool, agents, workflow: liveToolWorkflow }, agent, options),
    async shutdown({ handOver = false } = {}) {
      await sweep.stop();
      await liveness?.stop({ dead: handOver });
      await notices.close();
      await steerAnnouncements.close();
      await pool.end().catch(() => {});
      await beatPool?.end().catch(() => {});
      await limitPool?.end().catch(() => {});
      await dbosClient?.destroy().catch(() => {});
      // The registry too, so this process can start a worker again (restart.test.ts).
      await DBOS.shutdown({ deregister: true });
    },
  };
}

/** The refusal of a start beside a running (or starting) worker of this process. */
function workerAlreadyRunning(executorId: string, cause?: unknown): WorkerAlreadyRunningError {
  const runningExecutorId = DBOS.isInitialized() ? DBOS.executorID : undefined;
  return new WorkerAlreadyRunningError({
    // The ids cut: an executor id is the caller's string, unbounded.
    message: `startDurableWorker({ executorId: ${JSON.stringify(String(executorId).slice(0, 80))} }): a durable worker already ${
      runningExecutorId === undefined
        ? 'starts'
        : `runs (executor id ${JSON.stringify(String(runningExecutorId).slice(0, 80))})`
    } in this process, and DBOS is one per process. Call its shutdown() first, or start this worker in another process.`,
    executorId,
    runningExecutorId,
    cause,
  });
}
