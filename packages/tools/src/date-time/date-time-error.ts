import { GemloopError } from '@gemloop/core';

/** Why a date or time operation failed. */
export type DateTimeErrorReason =
  /** The time zone is not an IANA name, `UTC`, or a fixed offset. */
  | 'invalid-time-zone'
  /** The date/time text could not be read, or names a day that does not exist. */
  | 'invalid-date'
  /** A duration amount is not usable (not finite, too large, mixed with a bad unit). */
  | 'invalid-duration'
  /**
   * A date or result falls outside the dates the tools support: -271820-01-01 to +275758-12-31
   * (UTC), the JavaScript date range less a margin for time zones and calendar arithmetic.
   */
  | 'out-of-range';

/**
 * A date/time tool could not do what the model asked. The message says what was wrong and what
 * valid input looks like; for a time zone it suggests the closest valid names.
 */
export class DateTimeError extends GemloopError {
  override readonly code = 'date-time';
  readonly reason: DateTimeErrorReason;
  /** The argument at fault, e.g. `timeZone` or `dateTime`. */
  readonly argument: string;
  /** Close valid values, for `invalid-time-zone`. */
  readonly suggestions: readonly string[];

  constructor({
    reason,
    argument,
    message,
    suggestions = [],
  }: {
    reason: DateTimeErrorReason;
    argument: string;
    message: string;
    suggestions?: readonly string[] | undefined;
  }) {
    super({ message });
    this.reason = reason;
    this.argument = argument;
    this.suggestions = suggestions;
  }

  static override isInstance(error: unknown): error is DateTimeError {
    return GemloopError.hasCode(error, 'date-time');
  }
}
