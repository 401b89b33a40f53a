import { GemloopError } from '../errors/gemloop-error.ts';

/** The longest abort reason recorded or put on a span: it is caller text. */
export const MAX_ABORT_REASON_CHARS = 500;

/**
 * Why an aborted run (an `AgentAbortedError`, checked by its code: telemetry and the recorder sit
 * below the agent layer) was aborted: its cause is the signal's reason (a string as it is, an
 * error's message), at most {@link MAX_ABORT_REASON_CHARS} characters. A reason-less `abort()`
 * gives a DOMException `AbortError` ("This operation was aborted"), which is that message.
 * `undefined` for any other error, or a reason with no text.
 * @internal
 */
export function abortReason(error: unknown): string | undefined {
  if (!GemloopError.isInstance(error) || error.code !== 'agent-aborted') return undefined;
  const cause: unknown = error.cause;
  const text =
    typeof cause === 'string'
      ? cause
      : cause instanceof Error ||
          (typeof cause === 'object' && cause !== null && 'message' in cause)
        ? (cause as { message?: unknown }).message
        : undefined;
  if (typeof text !== 'string' || text === '') return undefined;
  return text.length > MAX_ABORT_REASON_CHARS ? `${text.slice(0, MAX_ABORT_REASON_CHARS)}…` : text;
}
