import { GemloopError } from '../errors/gemloop-error.ts';
import { redactLocalDetails } from '../shared/redact-secrets.ts';
import { abortReason } from '../telemetry/abort-reason.ts';
import { toErrorType } from '../telemetry/to-error-type.ts';
import type { RecordedError } from './recorded-run.ts';

/** A thrown value as a run file records it. @internal */
export function toRecordedError(error: unknown): RecordedError {
  // A run's error is often a message from code gemloop does not own (a plugin, a subagent's
  // driver): its URLs, addresses and credentials stay out of the file, which `gemloop view` shows
  // in a page, as they stay out of the span (attack30).
  const message = redactLocalDetails(
    error instanceof Error ? error.message : typeof error === 'string' ? error : String(error),
  );
  const status = (error as { status?: unknown } | null)?.status;
  // toErrorType, never the value itself: a model call stopped by `abort('tab closed')` throws the
  // string, which is a reason (caller text), not a class; it stays in `message`.
  const name = error instanceof Error ? error.name : toErrorType(error);
  const recorded: RecordedError =
    typeof status === 'number' ? { name, message, status } : { name, message };
  // Why an aborted run was aborted (telemetry/abort-reason.ts, shared with the run's span).
  const reason = abortReason(error);
  if (reason !== undefined) recorded.reason = reason;
  const code = recordedCode(error);
  if (code !== undefined) recorded.code = code;
  return recorded;
}

/** The longest `code` a run file records: every gemloop code is a few words. */
const MAX_CODE_CHARS = 100;

/**
 * A gemloop error's `code` as a run file records it (`tool-execution`, `plugin`): what a reader
 * of the file branches on, as code in process does; `undefined` for any other thrown value (a
 * driver's `ECONNREFUSED` is its own vocabulary, not gemloop's) or a code that is not text.
 * @internal
 */
export function recordedCode(error: unknown): string | undefined {
  if (!GemloopError.isInstance(error)) return undefined;
  try {
    const code: unknown = error.code;
    return typeof code === 'string' && code.length > 0 ? code.slice(0, MAX_CODE_CHARS) : undefined;
  } catch {
    // A getter that throws tells nothing.
    return undefined;
  }
}
