import type { WorkflowStatus } from '@dbos-inc/dbos-sdk';
import { DurableRunDataError } from '../../errors/durable-run-data-error.ts';
import type { EventBatch } from '../events/run-events.ts';

/**
 * Argument `index` of the run's workflow as stored, or `undefined` when the stored input is not
 * the list gemloop wrote: DBOS's `listWorkflows` returns a row it cannot parse as its raw text
 * (`safeParse`, `@dbos-inc/dbos-sdk` 5.3 `dist/src/serialization.js`), whose `[0]` read as the
 * run's agent its first character (attack24).
 * @internal
 */
export function storedArgument(workflow: WorkflowStatus, index: number): unknown {
  return Array.isArray(workflow.input) ? workflow.input[index] : undefined;
}

/**
 * Whether `error`, thrown by DBOS while it read a stored value, says the value could not be
 * parsed: `JSON.parse`'s SyntaxError, or the TypeError of a value its serializer did not write.
 * Its message is never shown: V8's quotes the row's text around the bad token.
 * @internal
 */
export function isUnreadableValue(error: unknown): boolean {
  return (
    error instanceof SyntaxError || (error instanceof TypeError && /serializ/i.test(error.message))
  );
}

/**
 * The entry at `entry` of the run's event stream, checked: `{ from, events }` with `from` a whole
 * number no further than `next` (the next event to read; further on, events are missing, and
 * every later one would be dropped as read) and every event an object with a `type`.
 * @throws {@link DurableRunDataError} naming the entry and what is wrong.
 * @internal
 */
export function checkEventBatch(
  runId: string,
  entry: number,
  value: unknown,
  next: number,
): EventBatch {
  const refuse = (problem: string): never => {
    throw new DurableRunDataError({ runId, row: 'events', entry, problem });
  };
  const batch = value as Partial<EventBatch> | null;
  if (
    typeof batch !== 'object' ||
    batch === null ||
    !Number.isSafeInteger(batch.from) ||
    (batch.from as number) < 0 ||
    !Array.isArray(batch.events)
  ) {
    return refuse('is not an entry of events ({ from, events })');
  }
  const from = batch.from as number;
  if (from > next) return refuse(`starts at event ${from}, past event ${next}: events are missing`);
  batch.events.forEach((event, index) => {
    const { type } = (typeof event === 'object' && event !== null ? event : {}) as {
      type?: unknown;
    };
    if (typeof type !== 'string')
      refuse(`event ${from + index} is not an event (an object with a type)`);
  });
  return batch as EventBatch;
}
