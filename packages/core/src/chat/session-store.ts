import { ChatStoreError, type ChatStoreOperation } from '../errors/chat-store-error.ts';
import type { Logger } from '../logging/logger.ts';
import { cutTextNoted } from '../shared/cut-text.ts';
import { fileErrorAdvice } from '../shared/files/file-error-advice.ts';
import { untilAborted } from '../shared/until-aborted.ts';
import type { ChatHistoryLimit } from './chat-history-limit.ts';
import type { ChatTurn, HistoryStore, HistoryStoreContext } from './history-store.ts';

/** Keeps the session's queue until a store call the caller stopped waiting for has settled. */
type Hold = (pending: Promise<unknown>) => void;

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
        message: `The chat history store failed to ${operation} session "${this.#sessionId}": ${describeValue(error)}${fileErrorAdvice(error)}`,
        operation,
        sessionId: this.#sessionId,
        cause: error,
      });
    }
  }

  /**
   * Every stored turn of the session. With a `signal`, it rejects with the signal's reason as soon
   * as it aborts, whether or not the store heeds it; the store's call, still running, is passed to
   * `hold` (the session's queue waits for it before the next call of this id).
   */
  async load(signal?: AbortSignal, hold?: Hold): Promise<ChatTurn[]> {
    const context: HistoryStoreContext = { logger: this.#logger, signal };
    const turns = await this.#untilAborted(
      this.call('load', () => this.#store.load(this.#sessionId, context)),
      signal,
      hold,
    );
    this.#checkTurns(turns, 'load');
    return turns as ChatTurn[];
  }

  #untilAborted<T>(pending: Promise<T>, signal: AbortSignal | undefined, hold?: Hold): Promise<T> {
    if (signal === undefined) return pending;
    return untilAborted(pending, signal, () => hold?.(pending));
  }

  /**
   * The newest turns the limit can send and how many come before: from `store.loadRecent` when
   * the limit bounds the history and the store has it (it then need not read every turn), else
   * every turn from `load`.
   */
  async loadRecent(
    signal: AbortSignal | undefined,
    hold?: Hold,
  ): Promise<{ turns: ChatTurn[]; olderTurns: number }> {
    const limit = this.#limit;
    const bounded = limit?.maxTurns !== undefined || limit?.maxTokens !== undefined;
    if (!bounded || typeof this.#store.loadRecent !== 'function') {
      return { turns: await this.load(signal, hold), olderTurns: 0 };
    }
    const context: HistoryStoreContext = { logger: this.#logger, signal };
    const recent = await this.#untilAborted(
      this.call('load', () => this.#store.loadRecent?.(this.#sessionId, limit, context)),
      signal,
      hold,
    );
    const { olderTurns, turns } = this.#readRecent(recent);
    if (!Number.isSafeInteger(olderTurns) || (olderTurns as number) < 0) {
      throw new ChatStoreError({
        message: `The chat history store's loadRecent("${this.#sessionId}") returned ${describeValue(recent)} without a whole number olderTurns >= 0; it must return { turns, olderTurns }.`,
        operation: 'load',
        sessionId: this.#sessionId,
      });
    }
    this.#checkTurns(turns, 'loadRecent');
    return { turns: turns as ChatTurn[], olderTurns: olderTurns as number };
  }

  /**
   * `loadRecent`'s two fields, each read once. A getter or a Proxy of the store's own that throws
   * is the store's failure, typed and named as one in `load`'s turns is (it was a bare error).
   */
  #readRecent(recent: unknown): { olderTurns: unknown; turns: unknown } {
    try {
      const answer = recent as { olderTurns?: unknown; turns?: unknown } | undefined;
      return { olderTurns: answer?.olderTurns, turns: answer?.turns };
    } catch (error) {
      throw new ChatStoreError({
        message: `The chat history store's loadRecent("${this.#sessionId}") returned an answer that cannot be read: ${describeValue(error)}.`,
        operation: 'load',
        sessionId: this.#sessionId,
        cause: error,
      });
    }
  }

  #checkTurns(turns: unknown, method: 'load' | 'loadRecent'): void {
    let index = 0;
    try {
      this.#checkEachTurn(turns, method, (at) => {
        index = at;
      });
    } catch (error) {
      if (ChatStoreError.isInstance(error)) throw error;
      // A getter or a Proxy of the store's own threw while its answer was read: the store's
      // failure, typed and named here, not a bare error from deep in a send.
      throw new ChatStoreError({
        message: `The chat history store's ${method}("${this.#sessionId}") returned turns that cannot be read (turn ${index}): ${describeValue(error)}.`,
        operation: 'load',
        sessionId: this.#sessionId,
        cause: error,
      });
    }
  }

  #checkEachTurn(turns: unknown, method: 'load' | 'loadRecent', at: (index: number) => void): void {
    const returned = method === 'load' ? 'returned' : 'returned turns';
    if (!Array.isArray(turns)) {
      throw new ChatStoreError({
        message: `The chat history store's ${method}("${this.#sessionId}") ${returned} ${describeValue(turns)}, not an array of turns.`,
        operation: 'load',
        sessionId: this.#sessionId,
      });
    }
    for (let index = 0; index < turns.length; index++) {
      at(index);
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

// What a store's failure may put in a message: a store that throws a whole file or response as
// text must not make every log line and error report carry it.
const MAX_DESCRIBED = 1_000;

/**
 * A thrown or returned value in a message: an error's message, never an object's contents, cut
 * past 1,000 characters. Never throws: the error that carries it must be made (an append's
 * error holds the answer), so an error whose `message` getter throws is named as such.
 */
export function describeValue(value: unknown): string {
  let described: string;
  try {
    if (value instanceof Error) described = String(value.message);
    else if (value === null) described = 'null';
    // A function's String() is its source: code (and whatever it closes over by name) is no message.
    else if (typeof value === 'function') described = 'a function';
    else described = typeof value === 'object' ? 'an object' : String(value);
  } catch {
    described = 'an error whose message cannot be read';
  }
  return cutTextNoted(described, MAX_DESCRIBED);
}
