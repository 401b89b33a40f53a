import { GemloopError } from './gemloop-error.ts';

/** An attempt (or a tool call) took longer than its time limit. */
export class TimeoutError extends GemloopError {
  override readonly code = 'timeout';
  readonly timeoutMs: number;
  /** What timed out: `generateContent`, `streamGenerateContent`, or `tool:<name>`. */
  readonly operation: string;

  constructor({
    timeoutMs,
    operation,
    message,
    cause,
  }: { timeoutMs: number; operation: string; message?: string; cause?: unknown }) {
    super({
      message:
        message ??
        `${operation} timed out after ${timeoutMs} ms. Raise timeoutMs if the model needs longer.`,
      cause,
    });
    this.timeoutMs = timeoutMs;
    this.operation = operation;
  }

  static override isInstance(error: unknown): error is TimeoutError {
    return GemloopError.hasCode(error, 'timeout');
  }
}
