import { GemloopError } from '@gemloop/core';
import { quoteId } from './quote-id.ts';

/** Options of {@link DurableChatHistoryError}. */
export type DurableChatHistoryErrorOptions = {
  /** The run whose history it is (`<sessionId>:turn-<n>` by default). */
  runId?: string | undefined;
  /** The chat store's table the run's input names. */
  table: string;
  sessionId: string;
  /** How many turns the run was started with. */
  expectedTurns: number;
  /** How many of them the table holds now (`undefined`: the table itself is missing). */
  foundTurns: number | undefined;
  /** The turns are there but are not the ones the run was started with (their digest differs). */
  changed: boolean;
};

/**
 * A durable chat turn started with its history by reference
 * (`sendDurableChatTurn({ historyByReference: true })`) cannot find that history in the chat
 * store any more: the session was cleared (or rewritten) since the turn started, so its first
 * `expectedTurns` turns are missing (`foundTurns` fewer) or are others (`changed`), or the table
 * is not in the fleet's database (`foundTurns` undefined). Thrown by the worker (the run fails
 * rather than answer on another history: `runs.result()` throws a `DurableRunError` caused by this
 * error) and by `runs.result()` of a finished turn, whose `contents` are rebuilt from the same
 * turns. That is the price of the option: such a turn's result lives in the chat store as much as
 * in DBOS. Send the message again: a new turn starts from the store as it is now.
 */
export class DurableChatHistoryError extends GemloopError {
  override readonly code: string = 'durable-chat-history';
  readonly runId: string | undefined;
  readonly table: string;
  readonly sessionId: string;
  readonly expectedTurns: number;
  readonly foundTurns: number | undefined;
  readonly changed: boolean;

  constructor({
    runId,
    table,
    sessionId,
    expectedTurns,
    foundTurns,
    changed,
  }: DurableChatHistoryErrorOptions) {
    const run = runId === undefined ? 'A durable chat turn' : `Durable chat turn ${quoteId(runId)}`;
    const found =
      foundTurns === undefined
        ? `table ${table} does not exist in the fleet's database (historyByReference needs the chat store in the fleet's system database: createPostgresHistoryStore on the same databaseUrl as the workers)`
        : changed
          ? `the table now holds other turns in their place (their digest differs): the session was cleared or rewritten`
          : `table ${table} holds only ${foundTurns} of them now: the session was cleared`;
    super({
      message: `${run} was started with the first ${expectedTurns} turns of chat session ${quoteId(sessionId)} by reference, but ${found}. A turn sent with historyByReference depends on its session's stored turns; send the message again to start a new turn from the session as it is now.`,
    });
    this.runId = runId;
    this.table = table;
    this.sessionId = sessionId;
    this.expectedTurns = expectedTurns;
    this.foundTurns = foundTurns;
    this.changed = changed;
  }

  /** Whether `error` is a {@link DurableChatHistoryError}, from any copy of the package. */
  static override isInstance(error: unknown): error is DurableChatHistoryError {
    return GemloopError.hasCode(error, 'durable-chat-history');
  }
}
