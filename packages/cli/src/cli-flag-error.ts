import { GemloopError } from '@gemloop/core';
import { shownValue } from './escape-controls.ts';

/**
 * A command-line flag with a value the command cannot use: names the flag, what was given and
 * what it accepts, so the message says how to fix it. Commands print its message and exit with
 * code 2.
 */
export class CliFlagError extends GemloopError {
  override readonly code = 'cli-flag';
  /** The flag at fault, e.g. `--script`. */
  readonly flag: string;
  /**
   * The value given, control characters escaped and cut at 100 characters (`...` after): made so
   * here, whatever the command passed (raw text or text it escaped already).
   */
  readonly value: string;
  /** The values or forms the flag accepts, e.g. `['demo', 'probe', 'echo', './file.js']`. */
  readonly accepted: readonly string[];

  constructor({
    flag,
    value,
    accepted,
    message,
    cause,
  }: {
    flag: string;
    value: string;
    accepted: readonly string[];
    message: string;
    cause?: unknown;
  }) {
    super({ message, cause });
    this.flag = flag;
    this.value = shownValue(value);
    this.accepted = accepted;
  }

  static override isInstance(error: unknown): error is CliFlagError {
    return GemloopError.hasCode(error, 'cli-flag');
  }
}
