import { asName, asText, field } from './format.js';

/**
 * How a run ended, for its header, its row and its closing block: `success` (labelled by its
 * finish reason), `error` (with the error), `aborted` (grey, with the abort's reason: an abort is
 * the caller's choice, not a failure), `running`, or `unknown` (a file cut before its end).
 */
export function runOutcome(run) {
  const end = run.end;
  if (end === undefined) {
    const cut = run.notes.some((note) => note.by === 'viewer');
    return cut ? { kind: 'unknown', label: 'unknown' } : { kind: 'running', label: 'running' };
  }
  if (end.outcome === 'error') {
    const error = end.error;
    if (isAbort(error))
      return { kind: 'aborted', label: 'aborted', detail: asText(field(error, 'reason')) };
    // The gemloop code the recorder wrote (`tool-execution`, `plugin`); older files have none.
    const code = asName(field(error, 'code'), 100);
    return {
      kind: 'error',
      label: 'error',
      detail: `${asName(field(error, 'name')) ?? 'Error'}${code ? ` (${code})` : ''}: ${asText(field(error, 'message')) ?? ''}`,
    };
  }
  return { kind: 'success', label: asName(end.finishReason, 80) ?? 'success' };
}

/**
 * Whether a recorded error is a run's abort: an `AgentAbortedError` (the recorder writes its
 * reason in `reason`; older files say so by the name alone). Mirrors summarize-run.ts.
 */
export function isAbort(error) {
  return field(error, 'name') === 'AgentAbortedError' || typeof field(error, 'reason') === 'string';
}
