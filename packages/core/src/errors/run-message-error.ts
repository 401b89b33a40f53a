import { GemloopError } from './gemloop-error.ts';

/**
 * Why a message sent to a run (`stream.send`, `steering.send`, `@gemloop/dbos`'s `runs.send`) was
 * refused: `invalid-topic` (not a name of 1 to 100 letters, digits, `.`, `_` or `-`, or one of
 * gemloop's own `gemloop.` topics), `invalid-value` (not plain JSON data), `too-large` (over
 * 256 KB of JSON), `too-many-pending` (32 messages already wait on the topic, or 32 topics hold
 * messages), `run-ended` (the run that handle addressed is over).
 */
export type RunMessageErrorReason =
  | 'invalid-topic'
  | 'invalid-value'
  | 'too-large'
  | 'too-many-pending'
  | 'run-ended';

/**
 * A message for a run's plugins was refused; nothing was sent. The message says why and what to
 * do instead; `topic` names the topic it was sent on.
 */
export class RunMessageError extends GemloopError {
  override readonly code = 'run-message';
  /** Why the message was refused. */
  readonly reason: RunMessageErrorReason;
  /** The topic it was sent on (cut to 100 characters). */
  readonly topic: string;

  constructor({
    reason,
    message,
    topic,
  }: { reason: RunMessageErrorReason; message: string; topic: string }) {
    super({ message });
    this.reason = reason;
    this.topic = topic;
  }

  static override isInstance(error: unknown): error is RunMessageError {
    return GemloopError.hasCode(error, 'run-message');
  }
}
