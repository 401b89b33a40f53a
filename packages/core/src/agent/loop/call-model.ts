import type { CallOptions } from '../../http/gemini.ts';
import type { ModelCallEntry } from '../../http/model-call-entry.ts';
import type { ContentJsonCache } from '../../http/serialize-request-body.ts';
import type { Cost } from '../../models/cost.ts';
import type {
  ModelCallWrapper,
  ModelStreamHooks,
  WrappedCallResult,
} from '../../run/model-call-wrapper.ts';
import type { RunObservation } from '../../telemetry/run-observer.ts';
import type { GenerateContentRequest } from '../../wire/request.ts';
import type { GenerateContentResponse, UsageMetadata } from '../../wire/response.ts';
import type { EmitEvent } from '../run-state/emit-event.ts';
import { foldModelStream } from './fold-model-stream.ts';

/** What one model call needs, with or without an observer. */
type ModelCallInput = {
  /** The client's internal entry (see `modelCallEntryOf`). */
  entry: ModelCallEntry;
  request: GenerateContentRequest;
  /** The run's JSON of what it sent (see `RunTracker.contentJson`). */
  bodyCache: ContentJsonCache;
  /** The run's call options (see {@link modelCallOptions}): the run's signal in them. */
  options: CallOptions;
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

/** Where a streamed call keeps the last usage it saw. @internal */
export type UsageSeen = { usage: UsageMetadata | undefined };

/**
 * A model call's response (every hop of a long-decode answer merged), what the client recorded of
 * it (served tier, attempts), and how it was continued. @internal
 */
export type ModelCallOutcome = WrappedCallResult;

/**
 * The call options of every model call of a run, built once per run (a spread per step cost a
 * microsecond or more on Node 20): the agent's `callOptions` and the run's signal (which always
 * wins; createAgent refuses one in `callOptions`). What the client saw of the response comes back
 * with the call (`ModelCallRecord`), not through `onResponse`.
 * @internal
 */
export function modelCallOptions(
  callOptions: Omit<CallOptions, 'signal'> | undefined,
  signal: AbortSignal,
): CallOptions {
  const options: CallOptions = { signal, ...callOptions };
  if (options.signal !== signal) options.signal = signal;
  // Frozen, so the client checks it strictly once a run, not once a call
  // (ContentJsonCache.checkedCallOptions): a plugin passes changed options on in a new object.
  return Object.freeze(options);
}

/**
 * The model calls of an agent without a wrapper (continuation off): the entry called once, a
 * stream folded by the stream accumulator (see {@link foldModelStream}). With it, every call goes
 * through a wrapper, so the step makes its call with one expression (see `callModelStep`).
 * @internal
 */
export const directModelCalls: ModelCallWrapper<undefined> = {
  options: undefined,
  generate: (entry, input) => entry.generate(input),
  stream: (entry, input, _settings, hooks) => foldModelStream(entry, input, hooks),
};

/**
 * One model call followed by an observer: `generateContent`, or, when `streaming`,
 * `streamGenerateContent` folded into the response `generateContent` would have given (so
 * streamed and unstreamed runs build the same history), through the agent's wrapper
 * (continuation) when it has one; each retry, the first chunk and the end are reported, and the
 * call runs in the observer's context (so an instrumented fetch nests under it). An unobserved
 * step makes the call itself (callModelStep): one frame fewer on the request path.
 * @internal
 */
export async function observeModelCall(
  call: ModelCallInput,
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
  const input = { request, callOptions: options, bodyCache: call.bodyCache };
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
    const outcome = await (observed.wrap === undefined ? invoke() : observed.wrap(invoke));
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

/** What a streamed call tells the run as it goes: deltas shown, the first chunk, the usage seen. @internal */
export function streamHooks({
  signal,
  emit,
  stepNumber,
  onFirstChunk,
  usageSeen,
}: {
  signal: AbortSignal;
  emit: EmitEvent;
  stepNumber: number;
  onFirstChunk?: (() => void) | undefined;
  usageSeen?: UsageSeen | undefined;
}): ModelStreamHooks {
  let first = onFirstChunk;
  // The deltas are shown as the wrapper lets chunks through (continuation: after a checkpoint,
  // only up to the next one, since a resumed stream regenerates what came after it). A subagent's
  // reader that fell behind holds the stream (emitDeltas returns a promise, see EmitEvent).
  return {
    signal,
    stepNumber,
    emit,
    onChunk: emit === undefined ? () => {} : (chunk) => emitDeltas(chunk, stepNumber, emit),
    onAnyChunk:
      first === undefined
        ? undefined
        : () => {
            first?.();
            first = undefined;
          },
    onUsage:
      usageSeen === undefined
        ? undefined
        : (usage) => {
            usageSeen.usage = usage;
          },
  };
}

function emitDeltas(
  chunk: GenerateContentResponse,
  stepNumber: number,
  emit: NonNullable<EmitEvent>,
): Promise<void> | undefined {
  const parts = chunk.candidates?.[0]?.content?.parts;
  // A gateway may write `null` for no parts; the response check lets it through as absent.
  if (parts == null) return undefined;
  let room: Promise<void> | undefined;
  for (const part of parts) {
    const text = part.text;
    if (typeof text !== 'string' || text === '') continue;
    const waiting = emit(
      part.thought === true
        ? { type: 'thought-delta', stepNumber, text }
        : { type: 'text-delta', stepNumber, text },
    );
    if (waiting !== undefined) room = waiting;
  }
  return room;
}
