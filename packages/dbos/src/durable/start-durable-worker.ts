import { hostname } from 'node:os';
import { DBOS, DBOSClient, Error as DBOSErrors } from '@dbos-inc/dbos-sdk';
import { type AgentEvent, createAgent, InvalidArgumentError } from '@gemloop/core';
import { guardrails as makeGuardrails } from '@gemloop/core/guardrails';
import { agentTurnsOf } from '@gemloop/core/internal';
import type { GenerateContentRequest, GenerateContentResponse } from '@gemloop/core/wire';
import pg from 'pg';
import { checkPostgres } from '../errors/check-postgres.ts';
import { createApprovalHook, DEFAULT_APPROVAL_TIMEOUT_MS, type RunPauser } from './approvals.ts';
import { assertStillOwnsRun } from './call-model-step.ts';
import { createRunsApi, type DurableRuns } from './create-durable-runs.ts';
import { type DurableBatchJobDefinition, registerBatchRunsWorkflow } from './durable-batch-runs.ts';
import { createDurableChildren, runsAsChildWorkflow } from './durable-children.ts';
import { callModelStep, createDurableGemini, createModelCalls } from './durable-gemini.ts';
import { toDurableGuardrails } from './durable-guardrails.ts';
import { createDurableInteractions, registerDurableInteractions } from './durable-interactions.ts';
import {
  DEFAULT_APP_NAME,
  type DurableAgentDefinition,
  type DurableRunInput,
  type DurableRunResult,
  RUN_WORKFLOW,
  RUNS_QUEUE,
} from './durable-run-types.ts';
import {
  createDurableSteering,
  createSteerCheck,
  createSteerWatch,
  STEER_TOPIC,
  type SteerCheck,
} from './durable-steering.ts';
import { toDurableTool } from './durable-tool.ts';
import {
  checkModelRateLimits,
  createFleetRateLimit,
  type ModelRateLimit,
  migrateFleetRateLimit,
} from './fleet-rate-limit.ts';
import { isDurableRunEnding } from './is-durable-run-ending.ts';
import { migrateSystemDatabase } from './migrate-system-database.ts';
import { createRunEndNotices, migrateRunEndNotices } from './run-end-notices.ts';
import {
  captureRequest,
  createRunEventBuffer,
  DEFAULT_EVENT_BATCHING,
  EVENTS_STREAM_KEY,
  type EventBatching,
  flushRunEvents,
  pushRunEvent,
  type RunEventBuffer,
  startDeltaPreview,
  withTimedFlush,
} from './run-events.ts';
import { claimRunsToResume, migrateRunPauses } from './run-pauses.ts';
import { createSteerAnnouncements } from './steer-announcements.ts';
import { toJsonSafe } from './to-json-safe.ts';
import { startWorkerLiveness, type TakeoverOptions } from './worker-liveness.ts';

/** How many run ids the log line of a takeover names (a dead worker may have held thousands). */
const MAX_LOGGED_RUN_IDS = 20;

/** Options of {@link startDurableWorker}. */
export type StartDurableWorkerOptions = {
  /** The DBOS system database (`postgres://user:password@host:port/db`); created when missing. */
  databaseUrl: string;
  /** The agents this worker runs, by name; every worker of a fleet defines the same ones. */
  agents: Record<string, DurableAgentDefinition>;
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
   * take over a silent worker's runs after `takeover.deadAfterMs`. @defaultValue `<host>-<pid>-<random>`
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

/** The default of {@link StartDurableWorkerOptions.pollingIntervalMs}. */
const DEFAULT_QUEUE_POLLING_MS = 50;

/** A launched durable worker, from {@link startDurableWorker}. */
export type DurableWorker = {
  readonly executorId: string;
  /** Drive runs from this process (the same API as {@link createDurableRuns}). */
  readonly runs: DurableRuns;
  /**
   * Stops taking runs and disconnects. Runs in progress stay PENDING: this worker recovers them
   * when it starts again with the same `executorId`, others after `takeover.deadAfterMs`
   * (at once with `handOver: true`).
   */
  shutdown(options?: { handOver?: boolean | undefined }): Promise<void>;
};

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
export async function startDurableWorker({
  databaseUrl,
  agents,
  batchJobs = {},
  appName = DEFAULT_APP_NAME,
  executorId = `${hostname()}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
  workerConcurrency = 4,
  modelRateLimits = {},
  rateLimitMarginMs,
  pollingIntervalMs = DEFAULT_QUEUE_POLLING_MS,
  systemDatabasePoolSize,
  takeover = {},
  approvalTimeoutMs = DEFAULT_APPROVAL_TIMEOUT_MS,
  approvalSweepMs = 5000,
  eventBatching: eventBatchingOption,
  logLevel = 'warn',
  applicationVersion,
}: StartDurableWorkerOptions): Promise<DurableWorker> {
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
      message: `startDurableWorker: systemDatabasePoolSize must be an integer of at least 2 (DBOS keeps half for its polling reads); got ${String(systemDatabasePoolSize)}.`,
    });
  }
  checkModelRateLimits(modelRateLimits);
  for (const key of ['batchMs', 'batchSize'] as const) {
    const value = eventBatchingOption?.[key];
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new InvalidArgumentError({
        argument: `eventBatching.${key}`,
        message: `startDurableWorker: eventBatching.${key} must be a positive number (got ${String(value)}).`,
      });
    }
  }
  await checkPostgres({
    connectionString: databaseUrl,
    purpose: 'the DBOS system database',
    missingDatabaseOk: true,
  });

  // Created before the agents (their approval hooks pause runs through them), connected lazily.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  pool.on('error', () => {});
  // A DBOS client, not DBOS's static API, stops and resumes a run from inside it: the static
  // calls made in a workflow are checkpoints of it, which a replay would not make again.
  let dbosClient: DBOSClient | undefined;
  const pauser: RunPauser = {
    pool,
    stop: (runId) => (dbosClient as DBOSClient).cancelWorkflow(runId),
    resume: async (runId) => {
      await (dbosClient as DBOSClient).resumeWorkflow(runId, { queueName: RUNS_QUEUE });
    },
  };

  // Which runs' next step boundary reads their steering messages (durable-steering.ts).
  const steerChecks = new Map<string, SteerCheck>();
  const steerAnnouncements = createSteerAnnouncements({
    connectionString: databaseUrl,
    topic: STEER_TOPIC,
    tracked: (runId) => steerChecks.has(runId),
  });
  const steerWatch = createSteerWatch({
    pool,
    checks: steerChecks,
    runIdOf: () => DBOS.workflowID,
    announcements: steerAnnouncements,
  });

  const eventBatching: EventBatching = { ...DEFAULT_EVENT_BATCHING, ...eventBatchingOption };
  const buffers = new Map<string, RunEventBuffer>();
  const currentBuffer = (): RunEventBuffer | undefined => {
    const runId = DBOS.workflowID;
    return runId === undefined ? undefined : buffers.get(runId);
  };
  // A streamed call of a run writes its text deltas while the answer is written, in batches.
  const streamWithPreview = async (
    stream: (
      onChunk: (chunk: GenerateContentResponse) => void,
    ) => Promise<GenerateContentResponse[]>,
  ): Promise<GenerateContentResponse[]> => {
    const buffer = currentBuffer();
    const preview = buffer === undefined ? undefined : startDeltaPreview(buffer, eventBatching);
    if (preview === undefined) return stream(() => {});
    try {
      const chunks = await stream((chunk) => preview.push(chunk));
      await preview.stop();
      return chunks;
    } catch (error) {
      await preview.abandon();
      throw error;
    }
  };
  // The run's pending events go out with a step's body once they waited eventBatching.batchMs.
  const timed = <T>(body: () => Promise<T>): Promise<T> =>
    withTimedFlush(currentBuffer(), eventBatching.batchMs, body);
  const flushCurrent = async (): Promise<void> => {
    const runId = DBOS.workflowID;
    const buffer = runId === undefined ? undefined : buffers.get(runId);
    if (buffer !== undefined) await flushRunEvents(buffer);
  };
  // The fleet rate limits, held at the moment each attempt is sent (fleet-rate-limit.ts). Its
  // own connections: a release queued behind a heartbeat would keep a slot from the fleet.
  const limitPool =
    Object.keys(modelRateLimits).length === 0
      ? undefined
      : new pg.Pool({ connectionString: databaseUrl, max: 2 });
  limitPool?.on('error', () => {});
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

  type Prepared = {
    agent: ReturnType<typeof createAgent>;
    approvals: ReturnType<typeof createApprovalHook>;
    /** Its guardrails as steps: a subagent's calls meet the tool guardrails of its top run. */
    guardrails: ReturnType<typeof toDurableGuardrails>;
  };
  const prepared = new Map<string, Prepared>();

  // A defined agent, or a subagent's agent at `name` (`support/research`), made durable.
  const makeAgent = (name: string, definition: DurableAgentDefinition): Prepared => {
    const { needsApproval, ...agentOptions } = definition;
    if (agentOptions.toolCallOrder === 'as-ready') {
      throw new InvalidArgumentError({
        argument: `agents.${name}.toolCallOrder`,
        message: `startDurableWorker: agent "${name}" sets toolCallOrder: 'as-ready', which a durable run cannot replay (its tool steps would start in a timing-dependent order). Leave toolCallOrder out: durable runs use 'replayable'.`,
      });
    }
    const calls = createModelCalls(definition.gemini, rateLimit?.admit, assertStillOwnsRun);
    // What each call asks goes out with the run's events (run-events.ts, captureRequest), so
    // the run can become an eval case later (`readRecordedRuns`, @gemloop/dbos/recorded-runs).
    const capture = (request: GenerateContentRequest): void => {
      const buffer = currentBuffer();
      if (buffer !== undefined) captureRequest(buffer, request);
    };
    const gemini = createDurableGemini(definition.gemini, {
      generate: (request, options) => {
        capture(request);
        return callModelStep<GenerateContentResponse>({
          name: 'gemloop.model:generate',
          // The fence of `calls` checks ownership before each attempt is sent.
          fenced: true,
          steer: steerWatch,
          call: () => timed(() => calls.generate(request, options)),
        });
      },
      stream: (request, options) => {
        capture(request);
        return callModelStep<GenerateContentResponse[]>({
          name: 'gemloop.model:stream',
          fenced: true,
          steer: steerWatch,
          call: () =>
            timed(() => streamWithPreview((onChunk) => calls.stream(request, options, onChunk))),
        });
      },
    });
    registerDurableInteractions(gemini, agentOptions.api, () =>
      createDurableInteractions(definition.gemini, calls, timed, async (runId) =>
        dbosClient === undefined ? undefined : (await dbosClient.getWorkflow(runId))?.status,
      ),
    );
    const approvals = createApprovalHook({
      // A tool guardrail may answer `ask`: the hook that pauses for a person is then needed even
      // when no tool is listed.
      needsApproval:
        needsApproval ??
        ((agentOptions.guardrails?.options.tools?.length ?? 0) > 0 ? [] : undefined),
      userHook: agentOptions.beforeToolCall,
      timeoutMs: approvalTimeoutMs,
      flush: flushCurrent,
      pauser,
    });
    // Each check a recorded step: a replay does not ask a classifier again.
    const guardrails = toDurableGuardrails(agentOptions.guardrails, timed);
    const agent = createAgent({
      ...agentOptions,
      gemini,
      // A subagent's calls start child workflows (durable-children.ts), whose calls are the steps.
      tools: agentOptions.tools?.map((tool) =>
        runsAsChildWorkflow(tool) ? tool : toDurableTool(tool, timed, steerWatch),
      ),
      guardrails,
      beforeToolCall: approvals.hook,
      // DBOS's "this execution lost the run" and "cancelled", and the approval pause, end the
      // run as they are: the workflow sees them (and DBOS parks the execution) instead of the
      // model seeing them as a tool's error and being called again.
      isRunEndingError: (error) =>
        isDurableRunEnding(error) || agentOptions.isRunEndingError?.(error) === true,
      // The calls of a turn run at once (up to the definition's toolConcurrency), in an order
      // that depends on the turn alone: every approval decision first, in call order, then the
      // tool steps started in call order (DBOS numbers a step when it starts), settled and
      // reported in call order. A replay meets the same steps in the same order, as DBOS
      // requires ("it should invoke the same steps with the same inputs in the same order":
      // https://docs.dbos.dev/typescript/tutorials/workflow-tutorial, Determinism); a step's
      // number is taken when it starts (`callStepFunction`, `dist/src/dbos-executor.js` 5.3).
      toolCallOrder: 'replayable',
    });
    return { agent, approvals, guardrails };
  };
  for (const [name, definition] of Object.entries(agents)) {
    prepared.set(name, makeAgent(name, definition));
  }
  const children = createDurableChildren({
    agents: new Map(Object.entries(agents)),
    build: (key, options) => {
      const { agent } = makeAgent(key, options);
      return {
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
    inherited: (topAgent) => {
      const top = prepared.get(topAgent);
      const options = top?.guardrails?.options;
      const tools = options?.tools ?? [];
      return {
        hook: top?.approvals.hook,
        forget: (runId) => top?.approvals.forget(runId),
        toolGuardrails:
          tools.length === 0
            ? undefined
            : makeGuardrails({
                tools,
                timeoutMs: options?.timeoutMs,
                onTimeout: options?.onTimeout,
              }),
      };
    },
    pauser,
    status: async (runId) => (await (dbosClient as DBOSClient).getWorkflow(runId))?.status,
  });
  children.register();

  registerBatchRunsWorkflow(batchJobs);

  const runWorkflow = DBOS.registerWorkflow(
    async (agentName: string, request: DurableRunInput): Promise<DurableRunResult> => {
      const entry = prepared.get(agentName);
      if (entry === undefined) {
        throw new Error(
          `This worker defines no agent "${agentName}" (it defines ${[...prepared.keys()].join(', ')}).`,
        );
      }
      const runId = DBOS.workflowID as string;
      const buffer = createRunEventBuffer();
      buffers.set(runId, buffer);
      const steerCheck = createSteerCheck();
      steerChecks.set(runId, steerCheck);
      // The last events and the stream's close in one step: closed from the step body, the
      // close is a plain write (4 round trips) instead of a checkpointed operation of the
      // workflow (7). A body run again after a crash closes again after its (repeated) events;
      // readers stop at the first close, by which they have every event. (A run recorded by an
      // older version, with its close as an operation of its own, replays this step from the
      // record and ends without that operation: readers also stop when the run ends.)
      const finish = (): Promise<void> =>
        DBOS.runStep(
          async () => {
            await flushRunEvents(buffer);
            await DBOS.closeStream(EVENTS_STREAM_KEY);
          },
          { name: 'gemloop.events' },
        );
      try {
        const stream = agentTurnsOf(entry.agent).stream(
          request.input,
          {
            ...(request.history === undefined ? {} : { history: request.history }),
            // The tree's budget; its spent total is rebuilt by the replayed model steps.
            ...(request.budget === undefined ? {} : { budget: request.budget }),
            // runs.steer() from any process: DBOS messages, read at a boundary after a step that
            // saw one waiting (durable-steering.ts).
            steering: createDurableSteering(steerCheck, steerWatch),
          },
          undefined,
          // Its subagents run as child workflows.
          children.starterFor(agentName),
        );
        for await (const event of stream) pushRunEvent(buffer, event as AgentEvent<unknown>);
        const result = await stream.result;
        await finish();
        return toJsonSafe(result);
      } catch (error) {
        // Paused for approval: the workflow is stopped (CANCELLED, its slot free) and this
        // execution ends here, writing nothing (no stream close: the run goes on when resumed).
        // DBOS treats its own cancellation error as "stopped", not as the run's failure.
        if (entry.approvals.paused(runId)) throw new DBOSErrors.DBOSWorkflowCancelledError(runId);
        // Cancelled, or no longer this execution's: it ends here, writing nothing more (a write
        // would fail on DBOS's ownership check anyway). DBOS parks it on the recorded outcome.
        if (isDurableRunEnding(error)) throw error;
        // Whatever happened before the failure reaches the watchers; the failure is the run's.
        await finish().catch(() => {});
        throw error;
      } finally {
        buffers.delete(runId);
        steerChecks.delete(runId);
        steerAnnouncements.clear(runId);
        entry.approvals.forget(runId);
      }
    },
    { name: RUN_WORKFLOW },
  );

  DBOS.setConfig({
    name: appName,
    systemDatabaseUrl: databaseUrl,
    executorID: executorId,
    logLevel,
    // migrateSystemDatabase did it, once for the fleet.
    runMigrations: false,
    ...(systemDatabasePoolSize === undefined ? {} : { systemDatabasePoolSize }),
    ...(applicationVersion === undefined ? {} : { applicationVersion }),
  });
  await migrateSystemDatabase(databaseUrl);
  await migrateRunPauses(pool);
  await migrateRunEndNotices(pool);
  if (limitPool !== undefined) {
    await migrateFleetRateLimit({ pool: limitPool, appName, limits: modelRateLimits });
  }
  dbosClient = await DBOSClient.create({
    systemDatabaseUrl: databaseUrl,
    applicationName: appName,
  });
  await DBOS.launch();
  await DBOS.registerQueue(RUNS_QUEUE, {
    workerConcurrency,
    minPollingIntervalMs: pollingIntervalMs,
    onConflict: 'always_update',
  });

  // The heartbeats' own connection: a beat queued behind the pool's other queries (a sweep,
  // the approval sweep, the runs API) made a live worker look silent (worker-liveness.ts).
  const beatPool =
    takeover === false ? undefined : new pg.Pool({ connectionString: databaseUrl, max: 1 });
  beatPool?.on('error', () => {});
  const liveness =
    takeover === false
      ? undefined
      : await startWorkerLiveness({
          pool,
          beatPool,
          appName,
          executorId,
          heartbeatMs: takeover.heartbeatMs,
          deadAfterMs: takeover.deadAfterMs,
          onError: (error) =>
            DBOS.logger.warn(
              `gemloop takeover: ${error instanceof Error ? error.message : String(error)}`,
            ),
          onTakeover: ({ executorId: silent, runIds }) =>
            DBOS.logger.warn(
              `gemloop takeover: worker ${silent} is silent; taking over its ${runIds.length} runs${
                runIds.length === 0 ? '' : `: ${runIds.slice(0, MAX_LOGGED_RUN_IDS).join(', ')}`
              }${runIds.length > MAX_LOGGED_RUN_IDS ? ', ...' : ''}`,
            ),
        });

  // Paused runs whose approval timed out are resumed, to deny the call; runs whose resume never
  // came (a process died in between) too. Each is claimed once, by one worker.
  let sweeping: Promise<void> = Promise.resolve();
  const sweepTimer = setInterval(() => {
    sweeping = sweeping
      .then(async () => {
        for (const runId of await claimRunsToResume(pool, { staleMs: 2 * approvalSweepMs }))
          await pauser.resume(runId);
      })
      .catch((error: unknown) =>
        DBOS.logger.warn(
          `gemloop approvals: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
  }, approvalSweepMs);
  sweepTimer.unref();

  const notices = createRunEndNotices(databaseUrl);
  // Waits on a stream or a result wake on DBOS's notifications (streams) and the run's end notice;
  // their fallback poll stays at a second, not the queue's short one.
  const waitPollMs = Math.max(pollingIntervalMs, 1000);
  const runs = createRunsApi({
    pool,
    notices,
    resume: pauser.resume,
    enqueue: async (agent, runId, input) => {
      await DBOS.startWorkflow(runWorkflow, { workflowID: runId, queueName: RUNS_QUEUE })(
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
      (await DBOS.listWorkflows({ workflowIDs: [runId], loadInput: true }))[0],
    readStream: (runId, offset) =>
      DBOS.readStream(runId, EVENTS_STREAM_KEY, { offset, pollingIntervalMs: waitPollMs }),
    getEvent: (runId, key) => DBOS.getEvent(runId, key, { timeoutSeconds: 0 }),
    send: (runId, message, topic, key) => DBOS.send(runId, message, topic, key),
    // With the run's subagents (child workflows; see create-durable-runs.ts).
    cancel: (runId) => DBOS.cancelWorkflow(runId, { cancelChildren: true }),
    listWorkflows: (input) => DBOS.listWorkflows(input),
    close: async () => {},
  });

  return {
    executorId,
    runs,
    async shutdown({ handOver = false } = {}) {
      clearInterval(sweepTimer);
      await sweeping;
      await liveness?.stop({ dead: handOver });
      await notices.close();
      await steerAnnouncements.close();
      await pool.end().catch(() => {});
      await beatPool?.end().catch(() => {});
      await limitPool?.end().catch(() => {});
      await dbosClient?.destroy().catch(() => {});
      await DBOS.shutdown();
    },
  };
}
