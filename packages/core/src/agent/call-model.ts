import type { CallOptions, Gemini, ResponseInfo } from '../http/gemini.ts';
import { createStreamAccumulator } from '../streaming/create-stream-accumulator.ts';
import type { GenerateContentRequest } from '../wire/request.ts';
import type { GenerateContentResponse } from '../wire/response.ts';
import type { AgentEvent } from './agent-event.ts';

/** Receives events; `undefined` when nobody listens (`run()`), so none are built. @internal */
export type EmitEvent = ((event: AgentEvent<unknown>) => void) | undefined;

/**
 * One model call: `generateContent`, or, when `streaming`, `streamGenerateContent` folded by the
 * stream accumulator into the response `generateContent` would have given (so streamed and
 * unstreamed runs build the same history), with `text-delta` / `thought-delta` events on the way.
 * @internal
 */
export function callModel({
  gemini,
  request,
  callOptions,
  signal,
  streaming,
  emit,
  stepNumber,
  onResponse,
}: {
  gemini: Gemini;
  request: GenerateContentRequest;
  callOptions: Omit<CallOptions, 'signal'> | undefined;
  signal: AbortSignal;
  streaming: boolean;
  emit: EmitEvent;
  stepNumber: number;
  /** Sees the headers of the model call's response (the served service tier). */
  onResponse?: ((response: ResponseInfo) => void) | undefined;
}): Promise<GenerateContentResponse> {
  // The run's signal always wins; `{ signal, ...callOptions }` because a spread followed by an
  // added field is slow on Node 20 (callOptions cannot hold a signal: createAgent refuses one).
  const options: CallOptions = callOptions === undefined ? { signal } : { signal, ...callOptions };
  if (options.signal !== signal) options.signal = signal;
  if (onResponse !== undefined) {
    const own = options.onResponse;
    options.onResponse =
      own === undefined
        ? onResponse
        : (response) => {
            onResponse(response);
            own(response);
          };
  }
  // Not an async function: a plain call hands back the client's own promise, one less per step.
  if (!streaming) return gemini.generateContent(request, options);
  return streamModel(gemini, request, options, signal, emit, stepNumber);
}

async function streamModel(
  gemini: Gemini,
  request: GenerateContentRequest,
  options: CallOptions,
  signal: AbortSignal,
  emit: EmitEvent,
  stepNumber: number,
): Promise<GenerateContentResponse> {
  const accumulator = createStreamAccumulator();
  for await (const chunk of gemini.streamGenerateContent(request, options)) {
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
