import { GemloopError } from '@gemloop/core';

/** Options of {@link PostgresUnreachableError}. */
export type PostgresUnreachableErrorOptions = {
  message: string;
  /** The connection string, password redacted. */
  connection: string;
  host: string | undefined;
  port: number | undefined;
  database: string | undefined;
  /** The driver's error code (`ECONNREFUSED`, `28P01`, `3D000`, ...), if any. */
  reason: string | undefined;
  cause?: unknown;
};

/**
 * Postgres could not be reached or refused the connection at start. The message names the
 * connection (password redacted) and what to check; nothing was started.
 */
export class PostgresUnreachableError extends GemloopError {
  override readonly code: string = 'postgres-unreachable';
  readonly connection: string;
  readonly host: string | undefined;
  readonly port: number | undefined;
  readonly database: string | undefined;
  readonly reason: string | undefined;

  constructor({
    message,
    connection,
    host,
    port,
    database,
    reason,
    cause,
  }: PostgresUnreachableErrorOptions) {
    super({ message, cause });
    this.connection = connection;
    this.host = host;
    this.port = port;
    this.database = database;
    this.reason = reason;
  }

  /** Whether `error` is a {@link PostgresUnreachableError}, from any copy of the package. */
  static override isInstance(error: unknown): error is PostgresUnreachableError {
    return GemloopError.hasCode(error, 'postgres-unreachable');
  }
}
