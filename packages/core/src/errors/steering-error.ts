import { GemloopError } from './gemloop-error.ts';

/**
 * Why a steering message was refused: `too-many-pending` (more than `maxPending` wait for the
 * next step boundary), `empty-message` (no text and no parts), `invalid-message` (parts the API
 * refuses in a user turn: no data, a function call or response), `run-ended` (the run that handle
 * steered is over), `in-use` (the controller already steers another run), `no-send-in-flight`
 * (a chat session's `steer`/`queue` with no `send` running), `too-large` (a message over
 * `maxMessageBytes` of JSON).
 */
export type SteeringErrorReason =
  | 'too-many-pending'
  | 'empty-message'
  | 'invalid-message'
  | 'run-ended'
  | 'in-use'
  | 'no-send-in-flight'
  | 'too-large';

/**
 * A steering message (`steer()` or `queue()`) was refused; nothing was added to the run. The
 * message says why and what to do instead.
 */
export class SteeringError extends GemloopError {
  override readonly code = 'steering';
  /** Why the message was refused. */
  readonly reason: SteeringErrorReason;
  /** For `too-many-pending`: the limit (`maxPending`) that was reached. */
  readonly maxPending: number | undefined;
  /** For `too-large`: the limit (`maxMessageBytes`) the message was over. */
  readonly maxMessageBytes: number | undefined;

  constructor({
    reason,
    message,
    maxPending,
    maxMessageBytes,
  }: {
    reason: SteeringErrorReason;
    message: string;
    maxPending?: number | undefined;
    maxMessageBytes?: number | undefined;
  }) {
    super({ message });
    this.reason = reason;
    this.maxPending = maxPending;
    this.maxMessageBytes = maxMessageBytes;
  }

  static override isInstance(error: unknown): error is SteeringError {
    return GemloopError.hasCode(error, 'steering');
  }
}
