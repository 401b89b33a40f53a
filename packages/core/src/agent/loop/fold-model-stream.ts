import { attachCutUsage } from '../../errors/partial-usage.ts';
import type { ModelCallEntry, ModelCallInput } from '../../http/model-call-entry.ts';
import type { ModelStreamHooks, WrappedCallResult } from '../../run/model-call-wrapper.ts';
import { createStreamAccumulator } from '../../streaming/create-stream-accumulator.ts';
import { isPromptBlocked } from '../../wire/is-prompt-blocked.ts';
import type { FinishReason, UsageMetadata } from '../../wire/response.ts';

/**
 * A streamed model call of one request, when no plugin wraps the agent's model calls
 * (`continuation: false`): its chunks folded into the response `generateContent` would have
 * given, each handed on as it comes. A stream that failed after chunks with usage fails with that
 * usage on its error (`partialUsage`); one that ended cleanly after chunks without a finish signal
 * is `interrupted`. The continuation plugin does the same for each of its hops.
 * @internal
 */
export async function foldModelStream(
  entry: ModelCallEntry,
  input: ModelCallInput,
  { signal, onChunk, onAnyChunk, onUsage }: ModelStreamHooks,
): Promise<WrappedCallResult> {
  const accumulator = createStreamAccumulator();
  let usage: UsageMetadata | undefined;
  let finishReason: FinishReason | undefined;
  let received = 0;
  let opened: ReturnType<ModelCallEntry['stream']>;
  try {
    opened = entry.stream(input);
    for await (const chunk of opened.stream) {
      received++;
      onAnyChunk?.();
      if (chunk.usageMetadata !== undefined) {
        usage = chunk.usageMetadata;
        onUsage?.(usage);
      }
      // A client that does not watch the signal between chunks still stops here.
      signal.throwIfAborted();
      // A gateway's `null` (or proto-plus's `0`, the unset value: see nameEnumNumbers) on the
      // chunks before the last is no finish: a stream cut after one is still interrupted.
      const reason = chunk.candidates?.[0]?.finishReason;
      if (reason != null && (reason as unknown) !== 0) finishReason = reason;
      accumulator.push(chunk);
      // A subagent's reader that fell behind holds the stream (see `EmitEvent`).
      const room = onChunk(chunk);
      if (room !== undefined) await room;
    }
  } catch (error) {
    // A gateway's snake_case chunks' usage too, looked for here only (attachCutUsage).
    throw await attachCutUsage(error, usage, accumulator, onUsage);
  }
  const response = accumulator.response();
  signal.throwIfAborted();
  const result: WrappedCallResult = { response, record: opened.record };
  // A block has no finish reason on its candidate: promptFeedback says why it ended.
  if (finishReason === undefined && received > 0 && !isPromptBlocked(response)) {
    result.interrupted = true;
  }
  return result;
}
