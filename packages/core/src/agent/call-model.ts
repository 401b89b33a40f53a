import type { CallOptions, Gemini, ResponseInfo } from '../http/gemini.ts';
import { createStreamAccumulator } from '../streaming/create-stream-accumulator.ts';
import type { RunObservation } from '../telemetry/run-observer.ts';
import type { GenerateContentRequest } from '../wire/request.ts';
import type { GenerateContentResponse, UsageMetadata } from '../wire/response.ts';
import type { AgentEvent } from './agent-event.ts';

/** Receives events; `undefined` when nobody listens (`run()`), so none are built. @internal */
export type EmitEvent = ((event: AgentEvent<unknown>) => void) | undefined;

/** What one model call needs, with or without an observer. */
type ModelCallInput = {
  gemini: Gemini;
  request: GenerateContentRequest;
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

/**
 * The call options of every model call of a run, built once per run (a spread per step cost a
 * microsecond or more on Node 20): the agent's `callOptions`, the run's signal (which always
 * wins; createAgent refuses one in `callOptions`), and `onResponse` told before the caller's own.
 * @internal
 */
export function modelCallOptions(
  callOptions: Omit<CallOptions, 'signal'> | undefined,
  signal: AbortSignal,
  onResponse: (response: ResponseInfo) => void,
): CallOptions {
  const options: CallOptions = { signal, ...withOnResponse(callOptions, onResponse) };
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
  gemini,
  request,
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
}): Promise<GenerateContentResponse> {
  if (observation !== undefined) {
    return observeModelCall(
      { gemini, request, options, signal, streaming, emit, stepNumber, usageSeen },
      observation,
      now ?? Date.now,
    );
  }
  // Not an async function: a plain call hands back the client's own promise, one less per step.
  if (!streaming) return gemini.generateContent(request, options);
  return streamModel(gemini, request, options, signal, emit, stepNumber, undefined, usageSeen);
}

/**
 * {@link callModel} followed by an observer: each retry, the first chunk and the end are
 * reported, and the call runs in the observer's context (so an instrumented fetch nests under it).
 */
async function observeModelCall(
  call: ModelCallInput,
  observation: RunObservation,
  now: () => number,
): Promise<GenerateContentResponse> {
  const { gemini, request, signal, streaming, emit, stepNumber, usageSeen } = call;
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
  const invoke = (): Promise<GenerateContentResponse> =>
    streaming
      ? streamModel(
          gemini,
          request,
          options,
          signal,
          emit,
          stepNumber,
          () => observed.firstChunk(now()),
          usageSeen,
        )
      : gemini.generateContent(request, options);
  try {
    const response = await (observed.wrap === undefined ? invoke() : observed.wrap(invoke));
    observed.end({ response }, now());
    return response;
  } catch (error) {
    observed.end({ error }, now());
    throw error;
  }
}

/** The call options with `onResponse` told first, then the user's own `onResponse`. */
function withOnResponse(
  callOptions: Omit<CallOptions, 'signal'> | undefined,
  onResponse: (response: ResponseInfo) => void,
): CallOptions {
  const own = callOptions?.onResponse;
  return {
    ...callOptions,
    onResponse:
      own === undefined
        ? onResponse
        : (response) => {
            onResponse(response);
            own(response);
          },
  };
}

async function streamModel(
  gemini: Gemini,
  request: GenerateContentRequest,
  options: CallOptions,
  signal: AbortSignal,
  emit: EmitEvent,
  stepNumber: number,
  onFirstChunk?: () => void,
  usageSeen?: UsageSeen,
): Promise<GenerateContentResponse> {
  const accumulator = createStreamAccumulator();
  let first = onFirstChunk;
  for await (const chunk of gemini.streamGenerateContent(request, options)) {
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
    if (emit !== undefined) emitDeltas(chunk, stepNumber, emit);
  }
  signal.throwIfAborted();
  return accumulator.response();
}

function emitDeltas(
  chunk: GenerateContentResponse,
  stepNumber: number,
  emit: NonNullable<EmitEvent>,
): void {
  const parts = chunk.candidates?.[0]?.content?.parts;
  if (parts === undefined) return;
  for (const part of parts) {
    const text = part.text;
    if (typeof text !== 'string' || text === '') continue;
    emit(
      part.thought === true
        ? { type: 'thought-delta', stepNumber, text }
        : { type: 'text-delta', stepNumber, text },
    );
  }
}
