import {
  type ChildHold,
  type RunEventBuffer,
  releaseChildHold,
  settleEventQueue,
  writeChildStart,
} from '../events/run-events.ts';
import { runDurableStep } from '../steps/run-durable-step.ts';

/** The name of the step that announces a child's events in its parent's stream. */
export const CHILD_EVENTS_STEP = 'gemloop.events:child';

/**
 * Announces a subagent's child workflow in its parent's stream as the parent starts waiting on it,
 * so a reader of the parent reads the child's events while it runs, from the child's own stream
 * (`runs.events()`), at the indices they take in the parent's stream once the child ended.
 *
 * Why the parent's stream, not the child writing into it: DBOS writes a stream entry to the
 * stream of the workflow that writes it (`DBOS.writeStream(key, value)`, the current workflow's,
 * from a step without a checkpoint of the run, from the workflow as an operation of its own:
 * `dist/src/dbos.js` 5.3), and each workflow's stream has its own offsets; a child has no way to
 * write its parent's. So each stream stays its own workflow's, written under its owner's check,
 * and the parent's names where the child's events go: index `at`, the next one (one entry, from
 * a step of its own: `writeChildStart`). To keep that index theirs, the parent's other events
 * (another call of the turn) wait from now until the child's have come ({@link ChildHold}); in
 * process they would stream between them.
 *
 * A replay meets the same step (recorded: `at` as the first execution wrote it) at the same place
 * (after the previous child's events: the starter waits for them) and holds in the same way, so
 * the child's events take the same indices again: a reader who read them from the child's
 * stream skips them in the parent's. Should the replay's buffer not be at `at` (a run whose events
 * differ on a replay), nothing is held: the child's events go where they come, as before.
 * Returns the hold, or `undefined` then.
 * @internal
 */
export async function holdForChild(
  buffer: RunEventBuffer,
  childRunId: string,
  path: readonly string[],
): Promise<ChildHold | undefined> {
  // Every event the parent emitted before now is in (see `flushRunEvents`); an earlier child's
  // events that never all came (its call aborted) hold nothing more back.
  await settleEventQueue();
  releaseChildHold(buffer);
  const hold: ChildHold = { path: [...path], deferred: [], seen: 0, expected: undefined };
  buffer.held = hold;
  let at: number;
  try {
    at = await runDurableStep(() => writeChildStart(buffer, childRunId), {
      name: CHILD_EVENTS_STEP,
    });
  } catch (error) {
    releaseChildHold(buffer);
    throw error;
  }
  if (at === buffer.events.length && buffer.held === hold) return hold;
  releaseChildHold(buffer);
  return undefined;
}

/**
 * The parent handed on the child's `count` events: once that many came in, the hold ends (at
 * once when they already did).
 * @internal
 */
export function endChildHold(buffer: RunEventBuffer, hold: ChildHold, count: number): void {
  hold.expected = count;
  if (buffer.held === hold && hold.seen >= count) releaseChildHold(buffer);
}
