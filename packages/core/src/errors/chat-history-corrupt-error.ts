import { ChatStoreError } from './chat-store-error.ts';
import { GemloopError } from './gemloop-error.ts';

/**
 * A history file has a record that is not a valid turn, before its last line (a torn last line is
 * what a crash during a write leaves, and is ignored with a warning instead). Nothing was sent.
 * `file` and `line` (1-based) say where; fix or remove that line, or move the file away to start
 * the conversation over.
 */
export class ChatHistoryCorruptError extends ChatStoreError {
  override readonly code = 'chat-history-corrupt';
  readonly file: string;
  readonly line: number;
  /** What is wrong with the line. */
  readonly reason: string;

  constructor({
    file,
    line,
    reason,
    sessionId,
    cause,
  }: {
    file: string;
    line: number;
    reason: string;
    sessionId: string;
    cause?: unknown;
  }) {
    super({
      message: `The chat history file ${file} is corrupt at line ${line}: ${reason}. Fix or remove that line (each line is one JSON turn), or move the file away to start the conversation over.`,
      operation: 'load',
      sessionId,
      cause,
    });
    this.file = file;
    this.line = line;
    this.reason = reason;
  }

  static override isInstance(error: unknown): error is ChatHistoryCorruptError {
    return GemloopError.hasCode(error, 'chat-history-corrupt');
  }
}
