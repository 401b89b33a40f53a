import { DBOS, Error as DBOSErrors } from '@dbos-inc/dbos-sdk';
import { currentOwnerXid } from '@dbos-inc/dbos-sdk/internal/context';
import type { Gemini } from '@gemloop/core';
import type { CallOptions } from '@gemloop/core/http';
import {
  type AgentApi,
  createInteractions,
  type InteractionEvent,
} from '@gemloop/core/interactions';
import {
  type InteractionsBackend,
  modelStepReportsOf,
  registerInteractionsBackend,
} from '@gemloop/core/internal';
import type pg from 'pg';
import { quoteId } from '../../errors/quote-id.ts';
import { RunPausedSignal, type RunPauser } from '../approvals/approvals.ts';
import { callModelStep } from '../steps/call-model-step.ts';
import { durableRecv, durableSleep } from '../steps/durable-operations.ts';
import { runDurableStep } from '../steps/run-durable-step.ts';
import {
  confirmInteractionPark,
  INTERACTION_TOPIC,
  isParkedByItself,
  parkInteractionWait,
  recordInteractionWait,
} from './interaction-waits.ts';

/**
 * Thrown from a webhook wait when the run stopped to wait without a worker slot: its workflow is
 * stopped (CANCELLED) and this execution ends writing nothing more; the wake-up resumes it.
 * @internal
 */
export class RunParkedSignal extends RunPausedSignal {
  constructor(runId: string, interactionId: string) {
    super(runId);
    this.message = `Run ${quoteId(runId)} stopped to wait for the webhook of interaction ${interactionId}.`;
    this.name = 'RunParkedSignal';
  }
}

/** How a run on the runs queue stops while it waits on a webhook. @internal */
export type InteractionParking = {
  pauser: RunPauser;
  /** Whether this workflow is a run of the runs queue (a subagent's child workflow is not). */
  parks(runId: string): boolean;
  /** Writes the run's pending events (before it stops, so a watcher sees them while it waits). */
  flush(): Promise<void>;
};

/**
 * The Interactions API of a durable run's agent (`api: interactionsApi()`, with or without `background`), as DBOS steps:
 *
 * - `create` is a recorded step whose output is the interaction as the API returned it; with
 *   `background` (see `runInBackground` in `@gemloop/core`) that is the `queued` interaction and
 *   its id, so a run replayed after a crash reads the id from the record and polls the same
 *   interaction instead of creating a second one. The API has no idempotency key for a create
 *   (`@google/genai` 3.1.0's `CreateInteractionParams` has none; ai.google.dev/gemini-api/docs/
 *   interactions documents none), so one window stays at-least-once: a worker killed after Google
 *   received the create and before DBOS recorded the step's output creates it again on replay
 *   (the first one runs on unread; it is one round trip plus one insert wide).
 * - each `get` of the polls is a recorded step, and each pause between two polls is
 *   `DBOS.sleepms`: a checkpoint with its wake-up time, so a worker that dies while the
 *   interaction runs is replaced by one that wakes when it would have and polls the recorded id
 *   ("durable sleep", docs.dbos.dev/typescript/tutorials/workflow-tutorial#durable-sleep).
 * - a streamed call (no `background`) is one step recording its events, as a streamed model call
 *   records its chunks: a crash during it sends it again (the stream's `event_id` resumption
 *   covers a dropped connection inside the step, `Interactions.stream`).
 * - `cancel` is not a step: it is sent once when the run is cancelled (`runs.cancel`), which
 *   DBOS reports to the workflow as `DBOSWorkflowCancelledError` at its next step or at the end
 *   of its current sleep (`DBOS.sleepms` does not wake early: `durableSleepms` in
 *   `dist/src/system_database.js` 5.3 sleeps to the wake-up time, then checks the cancel), so the
 *   remote interaction is cancelled within one poll pause. A worker that loses its run to another
 *   (`DBOSWorkflowConflictError`) does not cancel: the new owner polls the same interaction.
 *
 * Every attempt is admitted by the fleet rate limit and fenced by the run's ownership check, as
 * the model calls are (`calls.callOptions`).
 *
 * With `wakeOnWebhook` (`interactionsApi({ background: { wakeOnWebhook: true } })`) each pause is
 * instead a recorded step that notes the wait in `gemloop.interaction_waits` (or finds the
 * wake-up already there); then the run stops without holding its worker slot, as a run paused
 * for approval does: its workflow is cancelled (DBOS's way to stop a workflow and free its queue
 * slot) and its row says `parked`. `runs.handleWebhook` / `runs.wakeInteraction` send the run its
 * wake-up message (`DBOS.send`) and re-enqueue it (`resumeWorkflow`) when Google's
 * `interaction.completed` webhook arrives; a worker replays it from its recorded steps, finds its
 * row taken and receives the message at once (`DBOS.recv`), and the run polls once. The pause's
 * poll stays as the fallback for a webhook that never comes: the worker's sweep sends the
 * wake-up and resumes the run when it is due.
 *
 * Why stop rather than wait in `DBOS.recv`: a workflow waiting in `DBOS.recv` (or
 * `DBOS.sleepms`) is still a running execution of its queue, and the queue admits a new run on
 * a worker only while its count of running workflows is under `workerConcurrency` ("the maximum
 * number of workflows from this queue that may run concurrently on a single DBOS process",
 * docs.dbos.dev/typescript/tutorials/queue-tutorial; the count is `countRunningWorkflowsForQueue`,
 * the in-memory map of executions that `findAndMarkStartableWorkflows` is given as
 * `localRunningCount`, `dist/src/system_database.js` and `dist/src/wfqueue.js` 5.3; an entry
 * leaves the map only when the workflow's promise settles). A subagent's child workflow is not a
 * run of the queue (its parent holds the slot): it waits in `DBOS.recv`.
 *
 * Worker slots without `wakeOnWebhook`: a run sleeping between two polls holds its slot of
 * `workerConcurrency` for the whole wait, for the same reason. The sleep itself costs no
 * Postgres statement and no CPU, so a fleet that polls long background interactions raises
 * `workerConcurrency` (durable-interactions.test.ts measures one slot per waiting run), or wakes
 * on webhooks.
 * @internal
 */
export function createDurableInteractions(
  inner: Gemini,
  calls: { callOptions(options: CallOptions | undefined): CallOptions },
  timed: <T>(body: () => Promise<T>) => Promise<T>,
  /** The run's status as DBOS stores it, read outside the workflow (no checkpoint). */
  statusOf: (runId: string) => Promise<string | undefined>,
  /** The pool of `gemloop.interaction_waits` (interaction-waits.ts). */
  pool: pg.Pool,
  /** How a run stops while it waits on a webhook; without it, it waits in `DBOS.recv`. */
  parking?: InteractionParking | undefined,
): InteractionsBackend {
  const real = createInteractions(inner);
  return {
    interactions: {
      // A model call's in-step reports (`stepReports`) are kept with its steps, as a
      // generateContent call's are (call-model-step.ts); a background call's span its create and
      // every poll, so one made while it sleeps between two polls is kept with the next poll.
      create: (request, options, stepReports) =>
        callModelStep({
          name: 'gemloop.interactions:create',
          fenced: true,
          reports: modelStepReportsOf(stepReports),
          call: () => timed(() => real.create(request, calls.callOptions(options))),
        }),
      get: (id, options, stepReports) =>
        callModelStep({
          name: 'gemloop.interactions:get',
          fenced: true,
          reports: modelStepReportsOf(stepReports),
          call: () => timed(() => real.get(id, calls.callOptions(options))),
        }),
      // Sent from a run that was just cancelled: no fence (it no longer owns the run) and no
      // rate-limit slot (it ends a billed run rather than starting one).
      cancel: (id, options) => real.cancel(id, options),
      stream(request, options, stepReports) {
        return (async function* (): AsyncGenerator<InteractionEvent, void> {
          const events = await callModelStep<InteractionEvent[]>({
            name: 'gemloop.interactions:stream',
            fenced: true,
            reports: modelStepReportsOf(stepReports),
            call: () =>
              timed(async () => {
                const out: InteractionEvent[] = [];
                for await (const event of real.stream(request, calls.callOptions(options)))
                  out.push(event);
                return out;
              }),
          });
          yield* events;
        })();
      },
    },
    sleep: (milliseconds) => durableSleep(milliseconds),
    // `wakeOnWebhook`: the run stops (a run of the queue) or waits in `DBOS.recv` on its wake-up
    // topic, the pause its timeout (checkpointed as `DBOS.sleepms` is: a replay returns what the
    // first run received). A wake-up sent while the run was not waiting (during a poll) stays
    // queued for the next wait, so none is lost. A run resumed after it stopped comes back here
    // in its replay, finds its row taken and its message waiting: `recv` returns at once.
    async wait(interactionId, milliseconds) {
      const runId = DBOS.workflowID;
      if (runId === undefined) return durableSleep(milliseconds);
      // The run's events go out in the same step (one checkpoint, as before runs stopped).
      const arrived = await runDurableStep(
        async () => {
          await parking?.flush();
          return recordInteractionWait(pool, interactionId, runId);
        },
        { name: 'gemloop.interactions:await-webhook' },
      );
      if (arrived) return;
      if (parking?.parks(runId) === true) {
        // Not checkpoints of the run: the replay's steps line up with the first execution's.
        const park = await parkInteractionWait(
          pool,
          interactionId,
          runId,
          milliseconds,
          currentOwnerXid(runId),
        );
        // Taken over while it stood between its wait's step and here: the run is another's.
        if (park === 'taken') throw new DBOSErrors.DBOSWorkflowConflictError(runId);
        // DBOS's own cancel came first: the run ends as a parked one cancelled that way does.
        if (park === 'cancelled') throw new RunParkedSignal(runId, interactionId);
        if (park === 'parking') {
          // Stop first, then say "parked": whoever sees "parked" resumes a stopped run, never
          // one still running here.
          await parking.pauser.stop(runId, currentOwnerXid(runId));
          if ((await confirmInteractionPark(pool, interactionId, runId)) === 'resume') {
            await parking.pauser.resume(runId);
          }
          throw new RunParkedSignal(runId, interactionId);
        }
        // Resumed by no wake-up (DBOS's own resume): none waits, it polls now. Still `recv`
        // (with no wait), so its checkpoints are the woken run's.
        if (park === 'resumed') {
          await durableRecv(INTERACTION_TOPIC, 0);
          return;
        }
      }
      await durableRecv(INTERACTION_TOPIC, milliseconds / 1000);
    },
    // Cancelled: DBOS says so at a step's start or a sleep's end. A cancel that lands while a poll
    // is in flight shows instead as a lost run: `cancelWorkflow` clears the run's owner
    // (`#cancelWorkflows`, `owner_xid = NULL`), so recording the poll fails its owner check with
    // `DBOSWorkflowConflictError` (`recordOperationResultInternal`, `dist/src/system_database.js`
    // 5.3), the same error a takeover gives. The run's status tells them apart, read outside the
    // workflow (no checkpoint): CANCELLED, or taken over (the new owner polls on). A run parked
    // by the execution that took it over is CANCELLED too, by its own stop: not a cancel.
    stopsRun: async (error) => {
      if (error instanceof DBOSErrors.DBOSWorkflowCancelledError) return true;
      const runId = DBOS.workflowID;
      if (!(error instanceof DBOSErrors.DBOSWorkflowConflictError) || runId === undefined)
        return false;
      return (await statusOf(runId)) === 'CANCELLED' && !(await isParkedByItself(pool, runId));
    },
  };
}

/**
 * Gives the agents of `durableGemini` the durable Interactions backend when their `api` is the
 * Interactions API (made only then: `createInteractions` needs a client `createGemini` made, which
 * a `generateContent` agent's client need not be).
 * @internal
 */
export function registerDurableInteractions(
  durableGemini: Gemini,
  api: AgentApi | undefined,
  make: () => InteractionsBackend,
): void {
  if (api === undefined || api === 'generateContent') return;
  registerInteractionsBackend(durableGemini, make());
}
