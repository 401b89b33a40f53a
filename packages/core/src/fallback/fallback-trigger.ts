import { ModelCallError } from '../agent/errors/model-call-error.ts';
import { ApiCallError } from '../errors/api-call-error.ts';
import { TimeoutError } from '../errors/timeout-error.ts';

/**
 * A failure of a model call that {@link modelFallback} may answer by sending the call to the next
 * model:
 * - `overloaded`: `503 UNAVAILABLE` ("The model is overloaded"), after the client's retries;
 * - `rate-limit`: `429 RESOURCE_EXHAUSTED` after the client's retries (a per-day quota too);
 * - `server-error`: another 5xx (`500 INTERNAL`, `502`), after the client's retries;
 * - `timeout`: the call passed its time limit (`callOptions.timeoutMs`, or a `504
 *   DEADLINE_EXCEEDED`).
 */
export type FallbackTrigger = 'overloaded' | 'rate-limit' | 'server-error' | 'timeout';

/** Every trigger, in the order the docs list them. @internal */
export const fallbackTriggers: readonly FallbackTrigger[] = [
  'overloaded',
  'rate-limit',
  'server-error',
  'timeout',
];

/**
 * The trigger a failed model call matches, or `undefined` for a failure another model would not
 * fix (a 400 about the request, a key refused, the run's own abort): those end the run as they
 * would without the plugin. `error` is what the step threw (a `ModelCallError`, its cause the
 * client's error). @internal
 */
export function readFallbackTrigger(error: unknown): FallbackTrigger | undefined {
  const cause = ModelCallError.isInstance(error) ? error.cause : error;
  if (TimeoutError.isInstance(cause)) return 'timeout';
  // Read by its fields, not its class: in a durable run (@gemloop/dbos) the client's error comes
  // back from the step's record, revived with its fields (`code`, `status`, `googleStatus`) but
  // not as an ApiCallError (serialize-error makes a plain Error of it).
  const fields = readErrorFields(cause);
  if (fields.code === 'timeout') return 'timeout';
  if (!ApiCallError.isInstance(cause) && fields.code !== 'api-call') return undefined;
  const { status, googleStatus } = fields;
  if (status === 503 || googleStatus === 'UNAVAILABLE') return 'overloaded';
  if (status === 429 || googleStatus === 'RESOURCE_EXHAUSTED') return 'rate-limit';
  if (status === 504 || googleStatus === 'DEADLINE_EXCEEDED') return 'timeout';
  if (status !== undefined && status >= 500 && status <= 599) return 'server-error';
  return undefined;
}

function readErrorFields(error: unknown): {
  code: unknown;
  status: number | undefined;
  googleStatus: unknown;
} {
  if (typeof error !== 'object' || error === null) {
    return { code: undefined, status: undefined, googleStatus: undefined };
  }
  const { code, status, googleStatus } = error as Record<string, unknown>;
  return { code, status: typeof status === 'number' ? status : undefined, googleStatus };
}
