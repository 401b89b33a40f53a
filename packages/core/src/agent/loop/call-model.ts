import type { CallOptions } from '../../http/gemini.ts';
import type { ModelCallEntry, ModelCallRecord } from '../../http/model-call-entry.ts';
import type { ContentJsonCache } from '../../http/serialize-request-body.ts';
import { createStreamAccumulator } from '../../streaming/create-stream-accumulator.ts';
import type { RunObservation } from '../../telemetry/run-observer.ts';
import type { GenerateContentRequest } from '../../wire/request.ts';
import type { GenerateContentResponse, UsageMetadata } from '../../wire/response.ts';
import type { EmitEvent } from '../run-state/emit-event.ts';

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
   * Streaming only: receives the last usage each chunk reported, so a stream cut later still
   * counts the tokens it was billed (see `callModelStep`).
   */
  usageSeen?: UsageSeen | undefined;
};

/** Where a streamed call keeps the last usage it saw. @internal */
export type UsageSeen = { usage: UsageMetadata | undefined };

/** A model call's response, and what the client recorded of it (served tier, attempts). @internal */
export type ModelCallOutcome = { response: GenerateContentResponse; record: ModelCallRecord };

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
  return options;
}

/**
 * One model call: `generateContent`, or, when `streaming`, `streamGenerateContent` folded by the
 * stream accumulator into the response `generateContent` would have given (so streamed and
 * unstreamed runs build the same history), with `text-delta` / `thought-delta` events on the way.
 * @internal
 */
export function callModel({
  entry,
  request,
  bodyCache,
  options,
  signal,
  streaming,
  emit,
  stepNumber,
  observation,
  now,
  usageSeen,
}: ModelCallInput & {
  observation?: RunObservation | undefined;
  now?: (() => number) | undefined;
}): Promise<ModelCallOutcome> {
  if (observation !== undefined) {
    return observeModelCall(
      { entry, request, bodyCache, options, signal, streaming, emit, stepNumber, usageSeen },
      observation,
      now ?? Date.now,
    );
  }
  // Not an async function: a plain call hands back the client's own promise, one less per step.
  if (!streaming) return entry.generate({ request, callOptions: options, bodyCache });
  return streamModel(
    entry,
    { request, callOptions: options, bodyCache },
    signal,
    emit,
    stepNumber,
    undefined,
    usageSeen,
  );
}

/**
 * {@link callModel} followed by an observer: each retry, the first chunk and the end are
 * reported, and the call runs in the observer's context (so an instrumented fetch nests under it).
 */
async function observeModelCall(
  call: ModelCallInput,
  observation: RunObservation,
  now: () => number,
): Promise<ModelCallOutcome> {
  const { entry, request, bodyCache, signal, streaming, emit, stepNumber, usageSeen } = call;
  const observed = observation.modelCall({ stepNumber, request, streaming, startedAt: now() });
  const userRetry = call.options.onRetry;
  const callOptions: CallOptions = {
    ...call.options,
    signal,
    onRetry: (event) => {
      observed.retry(event);
      userRetry?.(event);
    },
  };
  const invoke = (): Promise<ModelCallOutcome> =>
    streaming
      ? streamModel(
          entry,
          { request, callOptions, bodyCache },
          signal,
          emit,
          stepNumber,
          () => observed.firstChunk(now()),
          usageSeen,
        )
      : entry.generate({ request, callOptions, bodyCache });
  try {
    const outcome = await (observed.wrap === undefined ? invoke() : observed.wrap(invoke));
    observed.end({ response: outcome.response }, now());
    return outcome;
  } catch (error) {
    observed.end({ error }, now());
    throw error;
  }
}

async function streamModel(
  entry: ModelCallEntry,
  input: Parameters<ModelCallEntry['stream']>[0],
  signal: AbortSignal,
  emit: EmitEvent,
  stepNumber: number,
  onFirstChunk?: () => void,
  usageSeen?: UsageSeen,
): Promise<ModelCallOutcome> {
  const { stream, record } = entry.stream(input);
  const accumulator = createStreamAccumulator();
  let first = onFirstChunk;
  for await (const chunk of stream) {
    if (first !== undefined) {
      first();
      first = undefined;
    }
    if (usageSeen !== undefined && chunk.usageMetadata !== undefined) {
      usageSeen.usage = chunk.usageMetadata;
    }
    // A client that does not watch the signal between chunks still stops here.
    signal.throwIfAborted();
    accumulator.push(chunk);
    if (emit !== undefined) {
      // A subagent's reader that fell behind holds the stream here (see EmitEvent).
      const room = emitDeltas(chunk, stepNumber, emit);
      if (room !== undefined) await room;
    }
  }
  signal.throwIfAborted();
  return { response: accumulator.response(), record };
}

function emitDeltas(
  chunk: GenerateContentResponse,
  stepNumber: number,
  emit: NonNullable<EmitEvent>,
): Promise<void> | undefined {
  const parts = chunk.candidates?.[0]?.content?.parts;
  if (parts === undefined) return undefined;
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
