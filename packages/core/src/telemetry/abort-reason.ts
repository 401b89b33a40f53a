import { GemloopError } from '../errors/gemloop-error.ts';
import { cutText } from '../shared/cut-text.ts';
import { redactLocalDetails } from '../shared/redact-secrets.ts';

/** The longest abort reason recorded or put on a span: it is caller text. */
export const MAX_ABORT_REASON_CHARS = 500;

/**
 * Why an aborted run (an `AgentAbortedError`, checked by its code: telemetry and the recorder sit
 * below the agent layer) was aborted: its cause is the signal's reason (a string as it is, an
 * error's message), at most {@link MAX_ABORT_REASON_CHARS} characters, with its URLs, addresses
 * and credentials taken out as from the run's error message beside it (`redactLocalDetails`). A
 * reason-less `abort()` gives a DOMException `AbortError` ("This operation was aborted"), which is
 * that message. `undefined` for any other error, or a reason with no text or none that can be
 * read (a getter that throws).
 * @internal
 */
export function abortReason(error: unknown): string | undefined {
  if (!GemloopError.isInstance(error) || error.code !== 'agent-aborted') return undefined;
  let text: unknown;
  try {
    const cause: unknown = error.cause;
    text =
      typeof cause === 'string'
        ? cause
        : cause instanceof Error ||
            (typeof cause === 'object' && cause !== null && 'message' in cause)
          ? (cause as { message?: unknown }).message
          : undefined;
  } catch {
    // A reason whose message throws when read says nothing; the run's end is still observed.
    return undefined;
  }
  if (typeof text !== 'string' || text === '') return undefined;
  // Often not the caller's words but an error it was handed (`controller.abort(error)` after
  // another request failed): its URL, token and internal host went to the span and the run file
  // as they came, while the run's message beside it was cleaned (attack63a). Cleaned before the
  // cut (a URL cut in two is no longer one), over a bounded slice (the reason is unbounded).
  const clean = redactLocalDetails(cutText(text, MAX_ABORT_REASON_CHARS * 4));
  return clean.length > MAX_ABORT_REASON_CHARS
    ? `${cutText(clean, MAX_ABORT_REASON_CHARS)}…`
    : clean;
}
