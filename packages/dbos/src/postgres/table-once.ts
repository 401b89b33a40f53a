import { isConnectionError, toUnreachableError } from '../errors/check-postgres.ts';

/**
 * A store's table made ready once, on its first call: `migrate` runs the first time the returned
 * function is called, and again only after it failed (a Postgres that was down). A connection
 * failure of a store that made its own pool (`connectionString`) becomes a
 * `PostgresUnreachableError` naming `what` (`'the chat history table gemloop_chat_turns'`).
 * @internal
 */
export function tableOnce(
  connectionString: string | undefined,
  what: string,
  migrate: () => Promise<void>,
): () => Promise<void> {
  let ready: Promise<void> | undefined;
  return () =>
    (ready ??= migrate().catch((error: unknown) => {
      ready = undefined;
      throw connectionString !== undefined && isConnectionError(error)
        ? toUnreachableError(error, connectionString, what)
        : error;
    }));
}
