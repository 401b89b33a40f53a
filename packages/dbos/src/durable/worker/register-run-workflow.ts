import { DBOS, Error as DBOSErrors } from '@dbos-inc/dbos-sdk';
import type { AgentEvent, Content } from '@gemloop/core';
import type { HistoryTurn } from '@gemloop/core/history';
import { agentKeysReader, agentTurnsOf, type RunServices } from '@gemloop/core/internal';
import { createSteering } from '@gemloop/core/steering';
import type pg from 'pg';
import { resolveHistoryReference } from '../../chat/resolve-history-reference.ts';
import { UnknownHandoffAgentError } from '../../errors/unknown-handoff-agent-error.ts';
import { createApprovalState, RunPausedSignal } from '../approvals/approvals.ts';
import type { createDurableChildren } from '../children/durable-children.ts';
import { withSubagentRun } from '../children/stored-child-error.ts';
import { keylessContents, turnMark } from '../events/keyless-history.ts';
import {
  createRunEventBuffer,
  EVENTS_STREAM_KEY,
  flushRunEvents,
  pushRunEvent,
} from '../events/run-events.ts';
import { shareLongStrings } from '../events/shared-strings.ts';
import { createPluginHookRecorder } from '../plugins/durable-plugin-hooks.ts';
import {
  type DurableRunInput,
  type DurableRunResult,
  RUN_WORKFLOW,
} from '../runs/durable-run-types.ts';
import {
  guardAgainstOlderReaders,
  leaveOutHistoryContents,
} from '../runs/stored-result-contents.ts';
import { KEYLESS_KEY, SHARED_STRINGS_KEY } from '../runs/stored-run-data.ts';
import { createSteerCheck } from '../steering/durable-steering.ts';
import type { SteerAnnouncements } from '../steering/steer-announcements.ts';
import { isDurableRunEnding } from '../steps/is-durable-run-ending.ts';
import { runDurableStep } from '../steps/run-durable-step.ts';
import { toJsonSafe } from '../steps/to-json-safe.ts';
import type { PreparedDurableAgent } from './make-durable-agent.ts';
import { redactedRunError } from './redacted-run-error.ts';
import type { RunExecution, WorkerRunEvents } from './worker-run-events.ts';

/** What the run workflow reads and writes of its worker. @internal */
export type RunWorkflowContext = {
  /** The worker's agents, made durable, by name. */
  prepared: ReadonlyMap<string, PreparedDurableAgent>;
  /** The executions of the runs this worker executes, each with its own state (worker-run-events.ts). */
  events: Pick<WorkerRunEvents, 'running' | 'execute'>;
  steerAnnouncements: SteerAnnouncements;
  /** The runs' subagents, as child workflows (durable-children.ts). */
  children: ReturnType<typeof createDurableChildren>;
  /** What the worker serves its runs' trees: the agents they hand off to (durable-hand-off-agents.ts). */
  services: RunServices;
  /**
   * How many events a run's stream holds (`storedEventCount`): an execution that replays a run
   * neither scans nor writes those again (run-events.ts, `openRunEvents`).
   */
  storedEvents?: ((runId: string) => Promise<number>) | undefined;
  /**
   * The worker's pool on the fleet's database: a chat turn whose history is a reference to the
   * chat store (`historyByReference`) reads it there, on every execution of the run.
   */
  pool: pg.Pool;
};

/**
 * Registers the run workflow with DBOS (`RUN_WORKFLOW`): a run is `agent.stream()` inside it, its
 * events written to the run's stream, its result returned JSON-safe. A run paused for approval,
 * cancelled or no longer this execution's ends writing nothing more.
 * @internal
 */
export function registerRunWorkflow({
  prepared,
  events: { running, execute },
  steerAnnouncements,
  children,
  services,
  storedEvents,
  pool,
}: RunWorkflowContext): (agentName: string, request: DurableRunInput) => Promise<DurableRunResult> {
  return DBOS.registerWorkflow(
    async (agentName: string, request: DurableRunInput): Promise<DurableRunResult> => {
      const entry = prepared.get(agentName);
      if (entry === undefined) {
        throw new Error(
          `This worker defines no agent "${agentName}" (it defines ${[...prepared.keys()].join(', ')}).`,
        );
      }
      // A chat turn after a handoff starts with the agent holding the conversation.
      const agent =
        request.holder === undefined
          ? entry.agent
          : (services.handOffAgents?.agentOf(request.holder) ?? unknownHolder(request.holder));
      const runId = DBOS.workflowID as string;
      // The stream is written without the keys of the run's clients (pages read it): the tree
      // walked once a run, its clients asked at each event until one names a key.
      const buffer = createRunEventBuffer(
        agentKeysReader(agent as typeof entry.agent),
        storedEvents === undefined ? undefined : () => storedEvents(runId),
      );
      // This execution's own events, steering check and approvals (worker-run-events.ts).
      const execution: RunExecution = {
        runId,
        buffer,
        steerCheck: createSteerCheck(),
        approvals: createApprovalState(),
      };
      running.set(runId, execution);
      // The last events and the stream's close in one step: closed from the step body, the
      // close is a plain write (4 round trips) instead of a checkpointed operation of the
      // workflow (7). A body run again after a crash closes again after its (repeated) events;
      // readers stop at the first close, by which they have every event. (A run recorded by an
      // older version, with its close as an operation of its own, replays this step from the
      // record and ends without that operation: readers also stop when the run ends.)
      const finish = (): Promise<void> =>
        runDurableStep(
          async () => {
            await flushRunEvents(buffer, true);
            await DBOS.closeStream(EVENTS_STREAM_KEY);
          },
          { name: 'gemloop.events' },
        );
      // The history as the agent gets it: a list as given (one Array.isArray on the default path),
      // or a chat turn's reference to the chat store read now, in the body (not a step: nothing
      // written), on every execution; its digest holds it to the turns it was started with.
      let history: readonly Content[] | readonly HistoryTurn[] | undefined;
      try {
        history =
          request.history === undefined || Array.isArray(request.history)
            ? (request.history as readonly Content[] | undefined)
            : ((await resolveHistoryReference(pool, request.history, runId)) as Content[]);
        // What an earlier run found without keys (a chat turn's thread): its run-end skips it.
        buffer.keyless = keylessContents(history, request.keylessHistory, buffer.keys());
        // This execution's steps write through its own buffer (`execute`), never another's.
        const result = await execute(execution, async () => {
          const stream = agentTurnsOf(agent as typeof entry.agent).stream(
            request.input,
            {
              ...(history === undefined ? {} : { history }),
              // The tree's budget; its spent total is rebuilt by the replayed model steps.
              ...(request.budget === undefined ? {} : { budget: request.budget }),
              ...(request.generationConfig === undefined
                ? {}
                : { generationConfig: request.generationConfig }),
              // runs.steer() from any process: steering's messages arrive through the worker's
              // receive service (`services.receive`, durable-run-messages.ts), as every plugin's do.
              steering: createSteering(),
            },
            undefined,
            // Its subagents run as child workflows.
            children.starterFor(agentName),
            // Plugin hooks whose results are not deterministic are steps (durable-plugin-hooks.ts),
            // a throw stored without the keys of the run's clients.
            createPluginHookRecorder(buffer.keys),
            undefined,
            // A hand-off goes to the worker's copy of the agent, stored by its key; `run.receive`
            // reads the run's DBOS messages.
            services,
          );
          for await (const event of stream) pushRunEvent(buffer, event as AgentEvent<unknown>);
          return stream.result;
        });
        // The `run-end` holding it goes without it: the workflow's output is the same (run-events.ts).
        buffer.result = result;
        await finish();
        const stored = storedResultOf(result, history);
        // A conversation's turn (a run with a history) whose new contents hold no key: its mark
        // for the next turn (the run-end's scan found most of it; the run's own objects, not
        // the stored copy, whose long strings are shared away).
        const mark =
          history === undefined
            ? undefined
            : turnMark(result.newContents, buffer.keys(), buffer.memo);
        if (mark !== undefined) (stored as Record<string, unknown>)[KEYLESS_KEY] = mark;
        return stored;
      } catch (error) {
        // Paused for approval: the workflow is stopped (CANCELLED, its slot free) and this
        // execution ends here, writing nothing (no stream close: the run goes on when resumed).
        // DBOS treats its own cancellation error as "stopped", not as the run's failure.
        // So is a run stopped to wait on a webhook (durable-interactions.ts, RunParkedSignal).
        // This execution's pause only: a stale execution's pause is not the owner's.
        if (execution.approvals.paused || error instanceof RunPausedSignal) {
          throw new DBOSErrors.DBOSWorkflowCancelledError(runId);
        }
        // Cancelled, or no longer this execution's: it ends here, writing nothing more (a write
        // would fail on DBOS's ownership check anyway). DBOS parks it on the recorded outcome.
        if (isDurableRunEnding(error)) throw error;
        // Whatever happened before the failure reaches the watchers; the failure is the run's,
        // stored by DBOS and read by every client: told without secrets (redacted-run-error.ts).
        await finish().catch(() => {});
        // A subagent's failure: the failed child's run goes with it (stored-child-error.ts).
        const keys = buffer.keys();
        throw withSubagentRun(redactedRunError(error, keys), error, keys);
      } finally {
        // Only while it is still this execution's: a run resumed again while it runs (a second
        // resume, a takeover) gets a second execution in this worker, and this one, no longer the
        // owner, ends at its next checkpoint, often after the second started. Deleting the
        // second's entry made it stop tracking its run's steering announcements. The last
        // execution to end clears the run's state.
        if (running.get(runId) === execution) {
          running.delete(runId);
          steerAnnouncements.clear(runId);
        }
      }
    },
    { name: RUN_WORKFLOW },
  );
}

/**
 * The run's result as its workflow returns it (DBOS stores it): JSON-safe, without its `contents`
 * when they are its `history` (stored with its input) and its `newContents` (a chat turn's
 * thread: stored-result-contents.ts), each long string it holds more than once (the model's text
 * is in `newContents`, `parts`, `text` and each of its step's `content`, `response`, `text`) kept
 * once under `sharedStrings`; `runs.result()` puts both back.
 */
function storedResultOf(result: unknown, history: DurableRunInput['history']): DurableRunResult {
  const stored = toJsonSafe(result) as DurableRunResult;
  leaveOutHistoryContents(stored, history);
  // An older client would read a result without contents as whole: it must refuse it instead.
  const shared = guardAgainstOlderReaders(stored, shareLongStrings(stored));
  if (shared !== undefined) (stored as Record<string, unknown>)[SHARED_STRINGS_KEY] = shared;
  return stored;
}

/** A run started for a holder this worker finds no agent for (its agents hand off to none). */
function unknownHolder(holder: string): never {
  throw new UnknownHandoffAgentError({ agent: holder });
}
