import { GemloopError } from '@gemloop/core';
import { quoteId } from './quote-id.ts';

/** Options of {@link DurableRunDataError}. */
export type DurableRunDataErrorOptions = {
  runId: string;
  /** Which of the run's stored data: an entry of its event stream, its result, or its list of calls waiting for approval. */
  row: 'events' | 'result' | 'approvals';
  /** The entry's offset in the run's event stream (`row: 'events'`). */
  entry?: number | undefined;
  /** What is wrong with it, in words (never the row's text). */
  problem: string;
};

/**
 * What a durable run's rows hold is not what gemloop writes: an entry of its event stream, its
 * stored result or its list of calls waiting for approval in the DBOS system database is not JSON, or not of the shape gemloop wrote (a
 * hand edit, a truncated row, another program or version). Nothing past it is read; the message
 * names the run and the entry, never the row's text (it may hold anything, a key included).
 */
export class DurableRunDataError extends GemloopError {
  override readonly code: string = 'durable-run-data';
  readonly runId: string;
  readonly row: 'events' | 'result' | 'approvals';
  readonly entry: number | undefined;

  constructor({ runId, row, entry, problem }: DurableRunDataErrorOptions) {
    const what =
      row === 'events'
        ? `entry ${entry} of its event stream (dbos.streams)`
        : row === 'result'
          ? 'its stored result (dbos.workflow_status)'
          : 'its list of calls waiting for approval (dbos.workflow_events)';
    super({
      message: `Durable run ${quoteId(runId)} cannot be read: ${what} ${problem}. The row was edited, cut short or written by another program; fix or delete it.`,
    });
    this.runId = runId;
    this.row = row;
    this.entry = entry;
  }

  /** Whether `error` is a {@link DurableRunDataError}, from any copy of the package. */
  static override isInstance(error: unknown): error is DurableRunDataError {
    return GemloopError.hasCode(error, 'durable-run-data');
  }
}
