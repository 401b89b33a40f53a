import { ApiCallError } from '../errors/api-call-error.ts';
import { TimeoutError } from '../errors/timeout-error.ts';

/**
 * The low-cardinality `error.type` of a failure: the HTTP status of an API error (`'429'`),
 * `'timeout'` for a time limit, otherwise the error's class name (`'AgentAbortedError'`,
 * `'AbortError'`), and `'_OTHER'` for a thrown non-error (a thrown string included: it is text,
 * such as an abort's reason, not a type). Never the message (it may hold data).
 * @internal
 */
export function toErrorType(error: unknown): string {
  if (ApiCallError.isInstance(error) && error.status !== undefined) return String(error.status);
  if (TimeoutError.isInstance(error)) return 'timeout';
  // A thrown string is text (an abort's reason: `abort('tab closed')` makes a model call throw
  // it), not a type: as an attribute it would carry caller text into spans and metrics, one
  // series per distinct reason. OpenTelemetry's error.type: `_OTHER` when no type is known.
  if (error instanceof Error || (typeof error === 'object' && error !== null && 'name' in error)) {
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string' && name !== '' && name !== 'Error') return name;
  }
  return '_OTHER';
}
