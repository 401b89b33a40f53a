import { AgentRunError } from '@gemloop/core';
import { SubagentError } from '@gemloop/core/composition';
import { isHistoryReference } from '../../chat/history-reference.ts';
import { resolveHistoryReference } from '../../chat/resolve-history-reference.ts';
import { DurableRunDataError } from '../../errors/durable-run-data-error.ts';
import { DurableRunError } from '../../errors/durable-run-error.ts';
import { quoteId } from '../../errors/quote-id.ts';
import { typedStoredError } from '../../errors/typed-stored-error.ts';
import { childRunOf } from '../children/stored-child-run.ts';
import { checkOptionKeys, checkRunId, checkSignal } from './check-runs-arguments.ts';
import { type DurableRunResult, RUN_WORKFLOW } from './durable-run-types.ts';
import { failedRunState } from './failed-run-state.ts';
import { isOver, notFound, pause, statusNameOf, UNFINISHED } from './run-states.ts';
import type { RunsBackend } from './runs-backend.ts';
import { historyContentsCount, rebuildStoredContents } from './stored-result-contents.ts';
import { isUnreadableValue, restoreStoredResult, storedArgument } from './stored-run-data.ts';

/** The slowest a `result()` wait on an announced end polls (the default `pollingIntervalMs`). */
const RESULT_FALLBACK_MAX_MS = 1000;

const SIGNAL = { signal: true } as const;

/**
 * `runs.result()`: waits for the run's end, woken by its end notice where there is one, polling
 * otherwise, and returns its stored result. @internal
 */
export async function waitRunResult(
  backend: RunsBackend,
  runId: string,
  options: { signal?: AbortSignal | undefined },
): Promise<DurableRunResult> {
  const pollMs = backend.pollingIntervalMs ?? 1000;
  checkOptionKeys(options, SIGNAL, 'runs.result()');
  const { signal } = options;
  checkRunId(runId);
  checkSignal(signal, 'result');
  signal?.throwIfAborted();
  // Watching before the first look: an end committed in between is not missed.
  const watch = await backend.notices?.watch(runId);
  try {
    let first = true;
    let wait = pollMs;
    while (true) {
      // Looked at each turn (a watch's wait is at most about a second, a poll is cut short).
      signal?.throwIfAborted();
      const workflow = await backend.getStatus(runId);
      if (workflow === undefined && first) throw notFound(runId);
      first = false;
      // Only a final status asks DBOS for the result: DBOS's own wait polls (1 s by default)
      // where the run's end notice (run-end-notices.ts) wakes this one at once.
      if (workflow === undefined || !UNFINISHED.includes(workflow.status)) {
        let result: unknown = NOT_READ;
        try {
          result = await backend.getResult(runId);
        } catch (error) {
          const now = await statusNameOf(backend, runId);
          // A SUCCESS whose result DBOS cannot parse: a row edited or cut short (attack24).
          if (now === 'SUCCESS' && isUnreadableValue(error)) {
            throw new DurableRunDataError({ runId, row: 'result', problem: 'is not JSON' });
          }
          // Paused for approval (its workflow stopped), or resumed since: wait on.
          if (isOver(now)) {
            const status = now ?? 'ERROR';
            throw new DurableRunError({
              message: `Durable run ${quoteId(runId)} ended with status ${status}: ${error instanceof Error ? error.message : String(error)}`,
              runId,
              status,
              // The run's error as its class again (DBOS revives a plain Error): in this
              // process, another, or one restarted after a crash alike.
              cause: await revivedRunError(backend, runId, error),
            });
          }
        }
        if (result !== NOT_READ) return await checkStoredResult(backend, runId, result);
      }
      await (watch === undefined ? pause(pollMs, signal) : watch.next(wait));
      // A top run announces its end (run-end-notices.ts), and that wakes this wait: its poll
      // is only the fallback for a notice lost with its connection, so it slows to once a
      // second as the wait goes on (the dbos tests poll at 100 ms: a 10 s wait read the
      // status 100 times, now 13). A subagent's run announces nothing and keeps the pace.
      if (watch !== undefined && workflow?.workflowName === RUN_WORKFLOW) {
        wait = Math.min(wait * 2, Math.max(pollMs, RESULT_FALLBACK_MAX_MS));
      }
    }
  } finally {
    watch?.stop();
  }
}

/**
 * A failed run's stored error as its class again; an `AgentRunError` (any subclass) with the
 * `run` the run's events give (its steps, usage and cost: failed-run-state.ts), as the same error
 * thrown in process carries it, so `catch (e) { e.cause.run.usage }` reads what the run spent.
 * A subagent's run streams no events of its own (its parent's stream has them): its stored error
 * carries its run (stored-child-run.ts), as does a `SubagentError` that ended a run (the failed
 * child's, its `childRun`, and its cause's `run`). The stream is read only for an
 * `AgentRunError` that carries none.
 */
async function revivedRunError(
  backend: RunsBackend,
  runId: string,
  error: unknown,
): Promise<unknown> {
  const revived = typedStoredError(error);
  if (SubagentError.isInstance(revived)) {
    // Ended by a subagent's failure: the failed child's run is stored with it.
    const run = childRunOf(error);
    return run === undefined ? revived : typedStoredError(error, 0, run);
  }
  if (!AgentRunError.isInstance(revived)) return revived;
  const run = childRunOf(error) ?? (await failedRunState(backend, runId));
  return run === undefined ? revived : typedStoredError(error, 0, run);
}

// why (sentinel): compared by identity inside this module, carries nothing.
/** `result()`'s marker of a result not read (a paused run's: the wait goes on). */
const NOT_READ: unique symbol = Symbol('not read');

/**
 * A stored result as `result()` returns it: an object, as every agent result is (attack24), with
 * its `contents` put back from the run's input when the worker left its history out of it
 * (stored-result-contents.ts; the input is read only then: a run's first turn, or a result of an
 * older version, costs no read).
 */
async function checkStoredResult(
  backend: RunsBackend,
  runId: string,
  result: unknown,
): Promise<DurableRunResult> {
  if (typeof result === 'object' && result !== null && !Array.isArray(result)) {
    let problem = restoreStoredResult(result);
    if (problem === undefined) {
      problem = rebuildStoredContents(result, await storedHistory(backend, runId, result));
    }
    if (problem !== undefined) throw new DurableRunDataError({ runId, row: 'result', problem });
    return result as DurableRunResult;
  }
  throw new DurableRunDataError({
    runId,
    row: 'result',
    problem: 'is not an agent result (an object)',
  });
}

/**
 * The `history` of the run's stored input, when its result's `contents` start with some of it;
 * else `undefined`, unread. A chat turn's reference to the chat store (`historyByReference`) is
 * read from the store's table as the worker read it, on the runs client's pool (the fleet's
 * database): a session cleared since is a `DurableChatHistoryError`, never another thread.
 */
async function storedHistory(
  backend: RunsBackend,
  runId: string,
  result: object,
): Promise<unknown> {
  const count = historyContentsCount(result);
  if (typeof count !== 'number' || count <= 0) return undefined;
  const [workflow] = await backend.listWorkflows({
    workflowIDs: [runId],
    loadInput: true,
    loadOutput: false,
  });
  const request = workflow === undefined ? undefined : storedArgument(workflow, 1);
  const history = (request as { history?: unknown } | undefined)?.history;
  return isHistoryReference(history)
    ? await resolveHistoryReference(backend.pool, history, runId)
    : history;
}
