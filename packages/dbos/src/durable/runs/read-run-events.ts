import { DurableRunDataError } from '../../errors/durable-run-data-error.ts';
import { DurableRunError } from '../../errors/durable-run-error.ts';
import type { ChildStart, EventBatch } from '../events/run-events.ts';
import { checkOffset, checkOptionKeys, checkRunId, checkSignal } from './check-runs-arguments.ts';
import type { DurableRuns } from './durable-runs.ts';
import { checkAccess, isOver, notFound, pause, statusNameOf } from './run-states.ts';
import type { RunsBackend } from './runs-backend.ts';
import { checkEventBatch, isUnreadableValue } from './stored-run-data.ts';
import { untilAborted } from './until-aborted.ts';
import { waitRunResult } from './wait-run-result.ts';

/** Every option of `events()`, for checkOptionKeys. */
const EVENTS = { owner: true, offset: true, signal: true } as const;

/**
 * `runs.events()`: the run's events from `offset`, read on across its pauses until it is over
 * or `signal` aborts. @internal
 */
export function readRunEvents(
  backend: RunsBackend,
  runId: string,
  options: Parameters<DurableRuns['events']>[1] = {},
): ReturnType<DurableRuns['events']> {
  const pollMs = backend.pollingIntervalMs ?? 1000;
  return {
    async *[Symbol.asyncIterator]() {
      checkOptionKeys(options, EVENTS, 'runs.events()');
      const { offset = 0, owner, signal } = options;
      checkRunId(runId);
      checkOffset(offset);
      checkSignal(signal, 'events');
      await checkAccess(backend, runId, 'events', owner);
      let next = offset;
      // Stream entries read so far: a read ends when the run's workflow stops (also when it
      // pauses for approval); the next read, once it runs again, starts after them.
      let entries = 0;
      while (!signal?.aborted) {
        try {
          for await (const entry of untilAborted(backend.readStream(runId, entries), signal)) {
            // A row of the database: checked before any of its events is yielded (attack24).
            const batch = checkEventBatch(runId, entries, entry, next);
            entries++;
            for (let index = 0; index < batch.events.length; index++) {
              const eventIndex = batch.from + index;
              // Entries may overlap (a step re-run after a crash writes its events again).
              if (eventIndex < next) continue;
              let event = batch.events[index] as EventBatch['events'][number];
              if (eventIndex === batch.resultAt) {
                // Stored once, as the workflow's output: put back (run-events.ts, `resultAt`).
                const result = await storedResult(backend, runId, signal);
                // The run did not keep its result (cancelled after its last write): no end to tell.
                if (result === undefined) return;
                event = { ...event, result } as typeof event;
              }
              next = eventIndex + 1;
              yield { offset: eventIndex, event };
            }
            // A subagent's events come next: read from its own stream while it runs.
            const child = followedChild(runId, batch, next);
            if (child !== undefined) {
              const read = { next };
              yield* childRunEvents(backend, child, read, signal, 1);
              next = read.next;
            }
          }
        } catch (error) {
          // DBOS's readStream throws its own DBOSNonExistentWorkflowError for an id it does
          // not know: the same NOT_FOUND result() throws. Asked only after a failure, so a
          // read of a run that exists costs nothing more.
          if (entries === 0 && (await backend.getStatus(runId)) === undefined) {
            throw notFound(runId, error);
          }
          // An entry DBOS cannot parse; the parser's message quotes the row (attack24).
          if (isUnreadableValue(error)) {
            throw new DurableRunDataError({
              runId,
              row: 'events',
              entry: entries,
              problem: 'is not JSON',
            });
          }
          throw error;
        }
        if (signal?.aborted) return;
        const now = await statusNameOf(backend, runId);
        // Nothing read and no run: an unknown id (a backend whose read finds nothing).
        if (now === undefined && entries === 0) throw notFound(runId);
        if (isOver(now)) return;
        // A reader gone (a page closed) while the run waits for a decision, for days: its
        // signal ends this poll, which a `return()` cannot reach between two yields (attack40).
        await pause(pollMs, signal);
      }
    },
  };
}

/** Most levels of subagents a reader follows (the worker prepares 8). */
const MAX_FOLLOWED_DEPTH = 8;

/**
 * The child run an entry of `streamId`'s stream announces at `next` (run-events.ts, `child`): one
 * below it (its id starts with `streamId/`, as every child workflow's does: `childRunId`), so a
 * forged entry cannot send the reader to another run's stream. `undefined` when there is none, or
 * the reader has not reached its index (events before it still to come: the parent's stream holds
 * the child's events too, once it ended). A reader past it (started at a later offset) reads the
 * child's events from there.
 */
function followedChild(streamId: string, batch: EventBatch, next: number): ChildStart | undefined {
  const child = batch.child as Partial<ChildStart> | undefined;
  if (typeof child !== 'object' || child === null) return undefined;
  const { runId, at } = child;
  if (
    typeof runId !== 'string' ||
    !runId.startsWith(`${streamId}/`) ||
    !Number.isSafeInteger(at) ||
    (at as number) < 0 ||
    (at as number) > next
  ) {
    return undefined;
  }
  return { runId, at: at as number };
}

/**
 * The events of a subagent's child workflow from its own stream, at the indices they take in the
 * parent's stream (`child.at` on), until the child's stream ends (its workflow ended or paused):
 * its own subagents' the same way, below it. Every event past `read.next` once; `read.next` moves
 * past each. What the child's stream lacks (its last events, written only with its outcome) the
 * parent's stream holds at the same indices.
 */
async function* childRunEvents(
  backend: RunsBackend,
  child: ChildStart,
  read: { next: number },
  signal: AbortSignal | undefined,
  depth: number,
): AsyncGenerator<{ offset: number; event: EventBatch['events'][number] }> {
  let entries = 0;
  for await (const entry of untilAborted(backend.readStream(child.runId, 0), signal)) {
    const batch = checkEventBatch(child.runId, entries, entry, read.next - child.at);
    entries++;
    for (let index = 0; index < batch.events.length; index++) {
      const eventIndex = child.at + batch.from + index;
      if (eventIndex < read.next) continue;
      read.next = eventIndex + 1;
      yield { offset: eventIndex, event: batch.events[index] as EventBatch['events'][number] };
    }
    const below = followedChild(child.runId, batch, read.next - child.at);
    if (below !== undefined && depth < MAX_FOLLOWED_DEPTH) {
      yield* childRunEvents(
        backend,
        { runId: below.runId, at: child.at + below.at },
        read,
        signal,
        depth + 1,
      );
    }
  }
}

/**
 * The run's stored result, for its `run-end` written without it: its workflow writes it right
 * after that event, so this waits as `runs.result()` does. `undefined` when the run ended with
 * no result (cancelled between the two writes); a row that cannot be read throws.
 */
async function storedResult(
  backend: RunsBackend,
  runId: string,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  try {
    return await waitRunResult(backend, runId, signal === undefined ? {} : { signal });
  } catch (error) {
    if (error instanceof DurableRunError) return undefined;
    throw error;
  }
}
