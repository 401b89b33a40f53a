import { cutText } from '../../shared/cut-text.ts';
import type { RpcStatus } from '../../wire/batch.ts';
import { GemloopError } from '../gemloop-error.ts';

/**
 * A batch job ended without answers: `BATCH_STATE_FAILED`, `CANCELLED` or `EXPIRED` (a job not
 * done within 48 hours), or a job-level `error`. Per-request errors of a job that succeeded are
 * not this error: they are kept on each result.
 */
export class BatchJobError extends GemloopError {
  override readonly code = 'batch-job';
  /** `batches/{id}`. */
  readonly batchName: string;
  readonly state: string | undefined;
  /** The job's google.rpc.Status, when it gave one. */
  readonly error: RpcStatus | undefined;

  constructor(options: {
    batchName: string;
    state: string | undefined;
    error?: RpcStatus | undefined;
  }) {
    // The server's message, bounded: a hostile endpoint's megabyte of text stays on `error`.
    const message = options.error?.message;
    const detail = typeof message === 'string' ? `: ${cutText(message, 1000)}` : '';
    super({
      message: `The batch ${options.batchName} ended in ${cutText(String(options.state ?? 'an error'), 100)}${detail}, so it has no results.`,
    });
    this.batchName = options.batchName;
    this.state = options.state;
    this.error = options.error;
  }

  static override isInstance(error: unknown): error is BatchJobError {
    return GemloopError.hasCode(error, 'batch-job');
  }
}
