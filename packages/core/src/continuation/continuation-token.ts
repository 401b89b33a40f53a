import type { ContinuationHopEvent } from '../run/continuation-report.ts';
import type { ModelCallContext } from '../run/model-call-wrapper.ts';
import type { GenerateContentResponse } from '../wire/response.ts';

/** The token a hop ended with, when it asks to be continued. @internal */
export function continuationTokenOf(response: GenerateContentResponse): string | undefined {
  const candidate = response.candidates?.[0];
  if (candidate?.finishReason !== 'CONTINUATION') return undefined;
  return nonEmptyToken(candidate.continuationToken);
}

/**
 * Whether a gateway's answer in the proto field names asks to be continued (`finish_reason:
 * 'CONTINUATION'`, which {@link continuationTokenOf} does not read): the hops read it, and every
 * hop after it, in camelCase (`continue-hops.ts`). Asked once a call, of its response (for a
 * stream, only of one that ended without a finish reason it could read), never of a chunk.
 * @internal
 */
export function continuesInSnakeCase(response: GenerateContentResponse): boolean {
  return (
    (response.candidates?.[0] as Record<string, unknown> | undefined)?.['finish_reason'] ===
    'CONTINUATION'
  );
}

/** A continuation token worth sending: a non-empty string. @internal */
export function nonEmptyToken(token: unknown): string | undefined {
  return typeof token === 'string' && token !== '' ? token : undefined;
}

/**
 * Tells the stream and the observers (the run's one emitter) that a hop starts, as a
 * `continuation` event of the step; `undefined` when nobody listens. @internal
 */
export function hopEmitter(
  context: ModelCallContext | undefined,
): ((event: ContinuationHopEvent) => void) | undefined {
  const emit = context?.emit;
  if (emit === undefined) return undefined;
  const stepNumber = context?.stepNumber as number;
  return (event) => {
    void emit({ type: 'continuation', stepNumber, ...event });
  };
}
