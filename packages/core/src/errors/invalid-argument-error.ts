import { GemloopError } from './gemloop-error.ts';

/**
 * A value given to gemloop (an option, a request field, a tool definition) is wrong. The message
 * names the argument and how to fix it; nothing was sent.
 */
export class InvalidArgumentError extends GemloopError {
  override readonly code = 'invalid-argument';
  /** The option or field at fault, e.g. `retry.maxRetries` or `tools[2].name`. */
  readonly argument: string;

  constructor({
    argument,
    message,
    cause,
  }: { argument: string; message: string; cause?: unknown }) {
    super({ message, cause });
    this.argument = argument;
  }

  static override isInstance(error: unknown): error is InvalidArgumentError {
    return GemloopError.hasCode(error, 'invalid-argument');
  }
}
