import { GemloopError } from '../errors/gemloop-error.ts';

/**
 * Which door of a run refused the caller: `resume` (its events), `answer` (an approval of it),
 * `cancel`, `events` (a durable run's stored events), `approve` (a durable run's approval),
 * `steer`, `send` (a message to a durable run's plugins), `status`. Later doors (MCP, A2A, AG-UI, an OpenAI-compatible endpoint) add theirs.
 */
export type RunDoor =
  | 'resume'
  | 'answer'
  | 'cancel'
  | 'events'
  | 'approve'
  | 'steer'
  | 'send'
  | 'status';

/**
 * A caller asked for a run that is not theirs, or that does not exist: the two are one answer, so
 * that a stranger who learned a run's id (a log line, a shared link, a proxy) learns nothing from
 * it, not even that the run exists. The error names neither the run's owner nor the caller; an
 * HTTP route answers it as `404` (see `checkRunOwner`).
 */
export class RunAccessDeniedError extends GemloopError {
  override readonly code = 'run-access-denied';
  /** The run id the caller gave (at most 64 characters of it). */
  readonly runId: string;
  /** The door that refused. */
  readonly door: RunDoor;

  constructor({ runId, door }: { runId: string; door: RunDoor }) {
    const shown = String(runId).slice(0, 64);
    super({
      message: `No run "${shown}" is open to this caller: it is unknown, or it was started for someone else. Start runs with the caller's owner and pass the same owner to ${door}.`,
    });
    this.runId = shown;
    this.door = door;
  }

  static override isInstance(error: unknown): error is RunAccessDeniedError {
    return GemloopError.hasCode(error, 'run-access-denied');
  }
}
