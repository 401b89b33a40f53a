import { ChatStoreError, type ChatStoreOperation } from '../errors/chat-store-error.ts';
import type { Logger } from '../logging/logger.ts';
import type { ChatHistoryLimit } from './chat-history-limit.ts';
import type { ChatTurn, HistoryStore, HistoryStoreContext } from './history-store.ts';

/**
 * One chat session's view of its history store: every call names the session, turns what the
 * store throws into a {@link ChatStoreError}, and checks what it returns (the store is user code:
 * a turn without a `contents` array fails here, with the store's method named, not deep in a run).
 */
export class SessionStore {
  readonly #store: HistoryStore;
  readonly #sessionId: string;
  readonly #logger: Logger;
  readonly #limit: ChatHistoryLimit | undefined;

  constructor(
    store: HistoryStore,
    sessionId: string,
    logger: Logger,
    limit: ChatHistoryLimit | undefined,
  ) {
    this.#store = store;
    this.#sessionId = sessionId;
    this.#logger = logger;
    this.#limit = limit;
  }

  /** Runs one store call, a failure thrown as a {@link ChatStoreError} naming the operation. */
  async call<T>(operation: ChatStoreOperation, call: () => T | Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (ChatStoreError.isInstance(error)) throw error;
      throw new ChatStoreError({
        message: `The chat history store failed to ${operation} session "${this.#sessionId}": ${describeValue(error)}`,
        operation,
        sessionId: this.#sessionId,
        cause: error,
      });
    }
  }

  /** Every stored turn of the session. */
  async load(signal?: AbortSignal): Promise<ChatTurn[]> {
    const context: HistoryStoreContext = { logger: this.#logger, signal };
    const turns = await this.call('load', () => this.#store.load(this.#sessionId, context));
    this.#checkTurns(turns, 'load');
    return turns as ChatTurn[];
  }

  /**
   * The newest turns the limit can send and how many come before: from `store.loadRecent` when
   * the limit bounds the history and the store has it (it then need not read every turn), else
   * every turn from `load`.
   */
  async loadRecent(
    signal: AbortSignal | undefined,
  ): Promise<{ turns: ChatTurn[]; olderTurns: number }> {
    const limit = this.#limit;
    const bounded = limit?.maxTurns !== undefined || limit?.maxTokens !== undefined;
    if (!bounded || typeof this.#store.loadRecent !== 'function') {
      return { turns: await this.load(signal), olderTurns: 0 };
    }
    const context: HistoryStoreContext = { logger: this.#logger, signal };
    const recent = await this.call('load', () =>
      this.#store.loadRecent?.(this.#sessionId, limit, context),
    );
    const olderTurns: unknown = (recent as { olderTurns?: unknown } | undefined)?.olderTurns;
    if (!Number.isSafeInteger(olderTurns) || (olderTurns as number) < 0) {
      throw new ChatStoreError({
        message: `The chat history store's loadRecent("${this.#sessionId}") returned ${describeValue(recent)} without a whole number olderTurns >= 0; it must return { turns, olderTurns }.`,
        operation: 'load',
        sessionId: this.#sessionId,
      });
    }
    const turns = (recent as { turns: unknown }).turns;
    this.#checkTurns(turns, 'loadRecent');
    return { turns: turns as ChatTurn[], olderTurns: olderTurns as number };
  }

  #checkTurns(turns: unknown, method: 'load' | 'loadRecent'): void {
    const returned = method === 'load' ? 'returned' : 'returned turns';
    if (!Array.isArray(turns)) {
      throw new ChatStoreError({
        message: `The chat history store's ${method}("${this.#sessionId}") ${returned} ${describeValue(turns)}, not an array of turns.`,
        operation: 'load',
        sessionId: this.#sessionId,
      });
    }
    for (let index = 0; index < turns.length; index++) {
      const turn: unknown = turns[index];
      if (typeof turn !== 'object' || turn === null || !Array.isArray((turn as ChatTurn).contents))
        throw new ChatStoreError({
          message: `The chat history store's ${method}("${this.#sessionId}") returned turn ${index} without a contents array.`,
          operation: 'load',
          sessionId: this.#sessionId,
        });
    }
  }
}

/** A thrown or returned value in a message: an error's message, never an object's contents. */
export function describeValue(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (value === null) return 'null';
  // A function's String() is its source: code (and whatever it closes over by name) is no message.
  if (typeof value === 'function') return 'a function';
  return typeof value === 'object' ? 'an object' : String(value);
}
