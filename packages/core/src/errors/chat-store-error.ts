import type { Content } from '../wire/content.ts';
import { GemloopError } from './gemloop-error.ts';

// why (brand): a registered symbol, so `isInstance` knows this error from another copy of gemloop.
const marker = Symbol.for('gemloop.chat-store-error');

/** The {@link HistoryStore} call that failed. */
export type ChatStoreOperation = 'load' | 'append' | 'clear' | 'release';

/** Options of {@link ChatStoreError}. */
export type ChatStoreErrorOptions = {
  message: string;
  operation: ChatStoreOperation;
  sessionId: string;
  /** For `append`: the contents that were not saved. */
  unsaved?: readonly Content[] | undefined;
  /** For `append`: the completed run whose turns were not saved. */
  result?: unknown;
  cause?: unknown;
};

/**
 * A chat's history store failed. On `load` nothing was sent; on `append` the run completed (its
 * answer is in `result`) but its turns, in `unsaved`, are not in the store, which holds the
 * history as it was before the send; save them yourself or send again. On `clear` the history
 * may or may not be gone (as the store left it). On `release` (`chat.close()`) the store may still
 * hold what it held for the session (a file store's lock goes with the process's exit).
 *
 * `unsaved` and `result` are not enumerable and `toJSON()` gives only their size: they hold the
 * whole turn, thought signatures and search results included.
 */
export class ChatStoreError extends GemloopError {
  override readonly code: string = 'chat-store';
  readonly operation: ChatStoreOperation;
  readonly sessionId: string;
  declare readonly unsaved: readonly Content[];
  /** The run's result (an `AgentResult`) when `append` failed. */
  declare readonly result: unknown;

  constructor({ message, operation, sessionId, unsaved, result, cause }: ChatStoreErrorOptions) {
    super({ message, cause });
    this.operation = operation;
    this.sessionId = sessionId;
    Object.defineProperty(this, 'unsaved', { value: unsaved ?? [], enumerable: false });
    Object.defineProperty(this, 'result', { value: result, enumerable: false });
    Object.defineProperty(this, marker, { value: true });
  }

  /** Whether `error` is a chat store error (any subclass), from any copy of the package. */
  static override isInstance(error: unknown): error is ChatStoreError {
    return (
      GemloopError.isInstance(error) &&
      (error as unknown as Record<symbol, unknown>)[marker] === true
    );
  }

  override toJSON(): Record<string, unknown> {
    const json = super.toJSON();
    json['unsaved'] = { contents: this.unsaved.length };
    return json;
  }
}
