import type { CallOptions } from '../../../http/gemini.ts';
import type { ModelCallEntry, ModelCallInput } from '../../../http/model-call-entry.ts';
import type { ContentJsonCache } from '../../../http/serialize-request-body.ts';
import type { Cost } from '../../../models/cost.ts';
import type { ModelCallWrapper } from '../../../run/model-call-wrapper.ts';
import type { RunObservation } from '../../../telemetry/run-observer.ts';
import type { GenerateContentRequest } from '../../../wire/request.ts';
import type { UsageMetadata } from '../../../wire/response.ts';
import type { EmitEvent } from '../../run-state/emit-event.ts';
import {
  directModelCalls,
  isProtoDialect,
  type ModelCallOutcome,
  streamHooks,
  type UsageSeen,
} from '../call-model.ts';

/** What one observed model call needs (see {@link observeModelCall}). @internal */
export type ObservedModelCall = {
  /** The client's internal entry (see `modelCallEntryOf`). */
  entry: ModelCallEntry;
  request: GenerateContentRequest;
  /** The run's JSON of what it sent (see `RunTracker.contentJson`). */
  bodyCache: ContentJsonCache;
  /** The run's call options (see {@link modelCallOptions}): the run's signal in them. */
  options: CallOptions;
  /** The call's in-step reports (`ModelCallInput.stepReports`); `undefined`: none. */
  reports?: unknown;
  signal: AbortSignal;
  streaming: boolean;
  emit: EmitEvent;
  stepNumber: number;
  /**
   * The wrapper a plugin puts around the call's requests (continuation, on by default: see
   * `AgentConfig.modelCalls`); `undefined`: the entry is called once.
   */
  wrapper: ModelCallWrapper | undefined;
  /**
   * Streaming only: receives the last usage each chunk reported, so a stream cut later still
   * counts the tokens it was billed (see `callModelStep`).
   */
  usageSeen?: UsageSeen | undefined;
  /** What the response cost, for the observers (see `callModelStep`). */
  price?: ((outcome: ModelCallOutcome) => Cost) | undefined;
  /** What the usage a failed call was billed for cost, for the observers (see `callModelStep`). */
  pricePartial?: ((usage: UsageMetadata) => Cost) | undefined;
};

/**
 * One model call followed by an observer: `generateContent`, or, when `streaming`,
 * `streamGenerateContent` folded into the response `generateContent` would have given (so
 * streamed and unstreamed runs build the same history), through the agent's wrapper
 * (continuation) when it has one; each retry, the first chunk and the end are reported, and the
 * call runs in the observer's context (so an instrumented fetch nests under it). An unobserved
 * step makes the call itself (callModelStep): one frame fewer on the request path. Loaded with
 * the first observed step (a default agent's run never loads it), so a gateway's snake_case
 * answer is read as camelCase here, before it is priced and reported, at no cost to one that
 * is not observed.
 * @internal
 */
export async function observeModelCall(
  call: ObservedModelCall,
  observation: RunObservation,
  now: () => number,
): Promise<ModelCallOutcome> {
  const { entry, request, signal, streaming, emit, stepNumber, usageSeen } = call;
  const wrapper = call.wrapper ?? directModelCalls;
  const observed = observation.modelCall({ stepNumber, request, streaming, startedAt: now() });
  const userRetry = call.options.onRetry;
  const options: CallOptions = {
    ...call.options,
    signal,
    onRetry: (event) => {
      observed.retry(event);
      userRetry?.(event);
    },
  };
  const input: ModelCallInput = { request, callOptions: options, bodyCache: call.bodyCache };
  if (call.reports !== undefined) input.stepReports = call.reports;
  const onFirstChunk = (): void => observed.firstChunk(now());
  const invoke = (): Promise<ModelCallOutcome> =>
    streaming
      ? wrapper.stream(
          entry,
          input,
          wrapper.options,
          streamHooks({ signal, emit, stepNumber, onFirstChunk, usageSeen }),
        )
      : wrapper.generate(entry, input, wrapper.options, { stepNumber, emit });
  try {
    let outcome = await (observed.wrap === undefined ? invoke() : observed.wrap(invoke));
    // A gateway's snake_case answer (`usage_metadata`) read as camelCase before it is priced and
    // reported: the call's span and recorded end had no usage and no cost for it (snake44, left).
    // The step asks again of what this returns, and finds it camelCase.
    if (isProtoDialect(outcome.response)) {
      outcome = (await import('../to-camel-case-outcome.ts')).toCamelCaseOutcome(outcome);
    }
    observed.end(
      {
        response: outcome.response,
        continuation: outcome.continuation,
        cost: call.price?.(outcome),
      },
      now(),
    );
    return outcome;
  } catch (error) {
    // A stream cut or aborted after chunks that reported usage was billed for them (the run
    // counts them: callModelStep): the call's span and recording say so too.
    const partial =
      usageSeen?.usage ??
      (error as { partialUsage?: UsageMetadata | undefined } | null)?.partialUsage;
    observed.end(
      partial === undefined
        ? { error }
        : { error, usage: partial, cost: call.pricePartial?.(partial) },
      now(),
    );
    throw error;
  }
}
