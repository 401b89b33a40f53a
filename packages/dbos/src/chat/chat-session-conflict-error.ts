import { GemloopError } from '@gemloop/core';

/** Options of {@link ChatSessionConflictError}. */
export type ChatSessionConflictErrorOptions = {
  message: string;
  sessionId: string;
  /** The turn number this process meant to write (0-based). */
  expectedTurn: number;
};

/**
 * Another process saved a turn to the same chat session between this process's load and its
 * save: this turn was answered without that one, so it is not saved (saving it would interleave
 * two conversations). The chat session wraps it in a `ChatStoreError` (`operation: 'append'`,
 * `error.cause` is this error) that holds the answer (`result`) and the unsaved turn; nothing
 * is lost. Send the message again: the next send loads the other process's turn first.
 */
export class ChatSessionConflictError extends GemloopError {
  override readonly code: string = 'chat-session-conflict';
  readonly sessionId: string;
  readonly expectedTurn: number;

  constructor({ message, sessionId, expectedTurn }: ChatSessionConflictErrorOptions) {
    super({ message });
    this.sessionId = sessionId;
    this.expectedTurn = expectedTurn;
  }

  /**
   * Whether `error` is a {@link ChatSessionConflictError}, from any copy of the package. What
   * `chat.send()` throws is a `ChatStoreError` caused by one: check it with
   * {@link isChatSessionConflict}.
   */
  static override isInstance(error: unknown): error is ChatSessionConflictError {
    return GemloopError.hasCode(error, 'chat-session-conflict');
  }
}

/** Whether a `chat.send()` failure is a conflict with another process (send again). */
export function isChatSessionConflict(error: unknown): boolean {
  if (ChatSessionConflictError.isInstance(error)) return true;
  const cause =
    typeof error === 'object' && error !== null ? (error as { cause?: unknown }).cause : undefined;
  return ChatSessionConflictError.isInstance(cause);
}
