import { GemloopError } from './gemloop-error.ts';

/**
 * A tool returned a value that cannot be sent to Gemini as JSON (a function, a Map, a circular
 * structure, binary data, ...). The agent turns it into an error `functionResponse`, so the model
 * learns the call failed; `path` says where in the result the value sits.
 */
export class InvalidToolResultError extends GemloopError {
  override readonly code = 'invalid-tool-result';
  /** The tool whose result is at fault. */
  readonly toolName: string;
  /** Where in the result, e.g. `['rows', 3, 'createdAt']`; empty for the result itself. */
  readonly path: (string | number)[];

  constructor({
    toolName,
    path,
    message,
    cause,
  }: {
    toolName: string;
    path: (string | number)[];
    message: string;
    cause?: unknown;
  }) {
    super({ message, cause });
    this.toolName = toolName;
    this.path = path;
  }

  static override isInstance(error: unknown): error is InvalidToolResultError {
    return GemloopError.hasCode(error, 'invalid-tool-result');
  }
}
