import { GemloopError } from '@gemloop/core';

/** Options of {@link EmbeddedPostgresError}. */
export type EmbeddedPostgresErrorOptions = {
  message: string;
  /** Postgres's last output lines (initdb, server). */
  output: readonly string[];
  cause?: unknown;
};

/**
 * The embedded Postgres of tests and local fleets could not start: the message says why and
 * `output` has what `initdb` and the server printed.
 */
export class EmbeddedPostgresError extends GemloopError {
  override readonly code: string = 'embedded-postgres';
  readonly output: readonly string[];

  constructor({ message, output, cause }: EmbeddedPostgresErrorOptions) {
    super({ message, cause });
    this.output = output;
  }

  /** Whether `error` is an {@link EmbeddedPostgresError}, from any copy of the package. */
  static override isInstance(error: unknown): error is EmbeddedPostgresError {
    return GemloopError.hasCode(error, 'embedded-postgres');
  }
}
