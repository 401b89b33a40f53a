import type { CallOptions } from '../../http/gemini.ts';
import type {
  ModelCallWrapper,
  ModelStreamHooks,
  WrappedCallResult,
} from '../../run/model-call-wrapper.ts';
import type { GenerateContentResponse, UsageMetadata } from '../../wire/response.ts';
import type { EmitEvent } from '../run-state/emit-event.ts';
import { foldModelStream } from './fold-model-stream.ts';

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
 * Whether a gateway wrote the response in another proto3 JSON dialect than the API's own, which
 * every reader after this one would miss: in the proto field names (`usage_metadata`,
 * `finish_reason`, `prompt_feedback`: the call never run, the usage uncounted, the run ended with
 * no text and no error, or, streamed, as cut), or with `finishReason` or `blockReason` as the
 * enum's number (proto-plus's default: a `STOP` call turn ended the run as `other`, its call never
 * run). Asked once a call, of the whole response, never of a chunk: a camelCase answer pays three
 * loads, four without a `finishReason`. A gateway that translates writes all three names of its
 * own (a snake_case part in an answer with none of them is read as a part of a kind this version
 * does not know, and sent back as it came).
 * @internal
 */
export function isProtoDialect(response: GenerateContentResponse): boolean {
  const fields = response as Record<string, unknown>;
  const candidate = response.candidates?.[0] as Record<string, unknown> | undefined;
  // The block's reason when there is no finish reason (a blocked prompt has no candidates).
  const reason = candidate?.['finishReason'] ?? response.promptFeedback?.blockReason;
  return (
    fields['usage_metadata'] != null ||
    fields['prompt_feedback'] != null ||
    (reason == null ? candidate?.['finish_reason'] != null : typeof reason === 'number')
  );
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
