import { EvalDatasetError } from '../eval-dataset-error.ts';
import type { EvalResult } from '../eval-result.ts';
import { EVAL_RESULT_FORMAT } from '../eval-result.ts';

/** The largest result file read, in characters. */
export const MAX_RESULT_CHARS: number = 64 * 1024 * 1024;

/**
 * Parses an eval result file (as `runEval` returns and `gemloop eval --json` writes), refusing
 * another format or version with an {@link EvalDatasetError} that says which.
 */
export function readEvalResult(text: string, source = '<inline>'): EvalResult {
  if (text.length > MAX_RESULT_CHARS) {
    throw new EvalDatasetError({
      source,
      problem: `more than ${MAX_RESULT_CHARS} characters; not an eval result.`,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new EvalDatasetError({
      source,
      problem: 'not JSON; give a file written by gemloop eval --json.',
    });
  }
  const record = (typeof value === 'object' && value !== null ? value : {}) as Record<
    string,
    unknown
  >;
  if (record['format'] !== 'gemloop-eval') {
    throw new EvalDatasetError({
      source,
      problem:
        "not an eval result (no format: 'gemloop-eval'); give a file written by gemloop eval --json.",
    });
  }
  if (record['version'] !== EVAL_RESULT_FORMAT) {
    throw new EvalDatasetError({
      source,
      problem: `eval result version ${String(record['version'])}, this gemloop reads version ${EVAL_RESULT_FORMAT}; run the eval again with this version.`,
    });
  }
  if (
    !Array.isArray(record['attempts']) ||
    !record['attempts'].every(
      (a) =>
        typeof a === 'object' &&
        a !== null &&
        typeof (a as Record<string, unknown>)['caseId'] === 'string',
    )
  ) {
    throw new EvalDatasetError({
      source,
      problem: "'attempts' must be a list of attempts with a caseId.",
    });
  }
  return value as EvalResult;
}
