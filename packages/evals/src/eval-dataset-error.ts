import { GemloopError } from '@gemloop/core';

/**
 * A dataset that cannot be read: bad JSON, a case of the wrong shape, a duplicate id, or a file,
 * line or dataset past its bound. `source` names the file (or `'<inline>'`), `line` the 1-based
 * line when one is at fault.
 */
export class EvalDatasetError extends GemloopError {
  override readonly code: string = 'eval-dataset';
  readonly source: string;
  readonly line: number | undefined;

  constructor(options: { source: string; line?: number | undefined; problem: string }) {
    const where = options.line === undefined ? options.source : `${options.source}:${options.line}`;
    super({ message: `${where}: ${options.problem}` });
    this.source = options.source;
    this.line = options.line;
  }

  /** Whether `error` is an `EvalDatasetError`, from any copy of the package. */
  static override isInstance(error: unknown): error is EvalDatasetError {
    return GemloopError.hasCode(error, 'eval-dataset');
  }
}
