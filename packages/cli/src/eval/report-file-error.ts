import { GemloopError } from '@gemloop/core';
import { escapeControls } from '../escape-controls.ts';

/**
 * A report or case file (`--json`, `--junit`, `eval from-runs --out`) that cannot be written at
 * the path given, for a reason of the path itself (a loop of symbolic links): names the path and
 * how to fix it. Nothing was written and the path is left as it was.
 */
export class ReportFileError extends GemloopError {
  override readonly code = 'report-file';
  /** The path as the command resolved it (controls kept: compare it, print it escaped). */
  readonly path: string;

  constructor({ path, message, cause }: { path: string; message: string; cause?: unknown }) {
    super({ message: `${escapeControls(path)}: ${message}`, cause });
    this.path = path;
  }

  static override isInstance(error: unknown): error is ReportFileError {
    return GemloopError.hasCode(error, 'report-file');
  }
}
