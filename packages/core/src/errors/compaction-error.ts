import { GemloopError } from './gemloop-error.ts';

/** Why a compaction was refused or failed. */
export type CompactionErrorReason =
  /** The rewrite would have broken a rule Gemini checks (pairing, signatures, the active loop). */
  | 'broken-history'
  /**
   * The summarizer's model call failed or gave no text. Logged as a warning (with this error):
   * the compaction goes on without a summary and the run goes on.
   */
  | 'summarizer-failed'
  /** `onCompaction` returned something that is not a history. */
  | 'invalid-replacement';

/**
 * A compaction of the history could not be done safely. The run does not send a history that
 * breaks Gemini's rules: when a rewrite (built in or returned by `onCompaction`) would, this is
 * thrown with the rule (`issue`) and the content it concerns, instead of a 400 from the API.
 */
export class CompactionError extends GemloopError {
  override readonly code = 'compaction';
  /** Which check failed. */
  readonly reason: CompactionErrorReason;
  /** The rule that broke, in words (e.g. `function response "id-1" lost its call`). */
  readonly issue: string | undefined;

  constructor({
    reason,
    message,
    issue,
    cause,
  }: {
    reason: CompactionErrorReason;
    message: string;
    issue?: string | undefined;
    cause?: unknown;
  }) {
    super({ message, cause });
    this.reason = reason;
    this.issue = issue;
  }

  static override isInstance(error: unknown): error is CompactionError {
    return GemloopError.hasCode(error, 'compaction');
  }
}
