// Long decode (Gemini 4): a response that reaches the per-request token cap ends with
// `finishReason: 'CONTINUATION'` and a candidate `continuationToken`; the same request sent again
// with that token (top level `continuationToken`) continues the answer. Streams also carry
// checkpoint tokens on intermediate chunks (no finish reason) that a dropped stream resumes from.
//
// Resend form: the same request plus the token, as `@google/genai` 3.1.0
// (`prepareContinuationConfig`, `StreamContinuation`) and `@ai-sdk/google` 4.0.121
// (`generateContent({ ...args, continuationToken })`, "the server tracks the cumulative tokens")
// do. google/adk-go (`model/gemini/continuation.go`) sends the output so far too; the fake accepts
// both forms, gemloop sends the first (no history rewriting inside a step, and the request body
// the run's JSON cache already holds is sent again unchanged).
//
// Most answers end in one request. What runs for them is here: the first request, and for a
// stream its chunks folded and shown as they come until one carries a token. Only then are the
// hops loaded (continue-hops.ts, a lazy `import()`): an agent whose answers never continue neither
// loads nor bundles to run the hop machinery (bench/src/bundle-size). These run only inside the
// continuation plugin, which an agent has only when continuation is on (`settings.enabled` is not
// read here; an agent with it off folds its streams itself: agent/loop/fold-model-stream.ts).
import { attachCutUsage } from '../errors/partial-usage.ts';
import type { ModelCallEntry, ModelCallInput } from '../http/model-call-entry.ts';
import type { ContinuationSettings } from '../run/continuation-options.ts';
import type {
  ModelCallContext,
  ModelStreamHooks,
  WrappedCallResult,
} from '../run/model-call-wrapper.ts';
import { LoadOnce } from '../shared/load-once.ts';
import { createStreamAccumulator } from '../streaming/create-stream-accumulator.ts';
import { isPromptBlocked } from '../wire/is-prompt-blocked.ts';
import type { FinishReason, GenerateContentResponse, UsageMetadata } from '../wire/response.ts';
import { continuationTokenOf, continuesInSnakeCase, nonEmptyToken } from './continuation-token.ts';
import type { StartedHop } from './started-hop.ts';

/**
 * What the client's own stream adds to an async iterator (`ChunksOfBatches.takeBuffered`): the
 * next chunk of the network read it holds, taken without a promise, or `undefined` when `next()`
 * must be awaited. The stream's chunks come a read at a time (two or three a step in the bench's
 * seq5 loop, one read): drained so, a chunk costs no promise and no turn of the microtask queue.
 */
type BufferedChunks = { takeBuffered(): GenerateContentResponse | undefined };

/** A model call's result with how it was continued (only when it took more than one request). */
export type ContinuedCallResult = WrappedCallResult;

/** What a continued streamed call tells its caller (see `ModelStreamHooks`). @internal */
export type ContinuedStreamHooks = ModelStreamHooks;

// Module-level, as the run loop's and the request path's loaders are: code, not run data.
const hops = new LoadOnce(
  (): Promise<typeof import('./continue-hops.ts')> => import('./continue-hops.ts'),
);

/**
 * A unary model call continued until the model finishes: each `CONTINUATION` hop is followed by
 * the same request with its token (see `continueGenerateFrom`). A refused token (an expired
 * one: a durable run resumed hours later) starts the answer over once, and the report says so
 * (`restarted`: billed twice).
 * @throws {@link ContinuationError} on a second refused token; the client's errors otherwise
 *   (with `partialUsage` after a hop).
 * @internal
 */
export function continueGenerate(
  entry: ModelCallEntry,
  input: ModelCallInput,
  settings: ContinuationSettings,
  context?: ModelCallContext | undefined,
): Promise<ContinuedCallResult> {
  // A `then`, not an async function's await: one promise a call where that took two.
  return entry.generate(input).then((first) =>
    // Most answers end in one request: no hop log, no summed usage, nothing merged (1.4 KB of
    // garbage a step in the bench's seq5 loop, issue 27), the client's result as it is. Errors of
    // this first request are thrown as they were (no partial usage: nothing was billed yet).
    // A gateway's snake_case answer is read by the hops (continuesInSnakeCase).
    continuationTokenOf(first.response) === undefined && !continuesInSnakeCase(first.response)
      ? first
      : hops
          .load()
          .then((loaded) => loaded.continueGenerateFrom(first, entry, input, settings, context)),
  );
}

/**
 * A streamed model call continued until the model finishes, resuming a dropped stream from its
 * last checkpoint. Until the first token of the call there is nothing to resume from: chunks are
 * folded and handed to `onChunk` at once, and a drop fails the call as without continuation. The
 * chunk that brings the first token (a checkpoint, or the hop's `CONTINUATION` end) hands the
 * stream, still open, to `continueStreamFrom`, which holds back what comes after a checkpoint.
 * @internal
 */
export async function continueStream(
  entry: ModelCallEntry,
  input: ModelCallInput,
  settings: ContinuationSettings,
  hooks: ContinuedStreamHooks,
): Promise<ContinuedCallResult> {
  const { signal, onChunk, onAnyChunk, onUsage } = hooks;
  const accumulator = createStreamAccumulator();
  let usage: UsageMetadata | undefined;
  let finishReason: FinishReason | undefined;
  let received = 0;
  let opened: ReturnType<ModelCallEntry['stream']> | undefined;
  let iterator: AsyncIterator<GenerateContentResponse> | undefined;
  let started: StartedHop | undefined;
  try {
    opened = entry.stream(input);
    iterator = opened.stream[Symbol.asyncIterator]();
    // The client's own stream hands out the chunks of a network read it holds without a promise
    // each (see `BufferedChunks`); another entry's is read a chunk a promise.
    const buffered = iterator as Partial<BufferedChunks>;
    /**
     * Folds the chunks of a read from `chunk` on; returns a reader's room to wait for before the
     * next one (a subagent's reader that fell behind holds the stream, see `EmitEvent`), or
     * undefined when the read is used up or a token set `started`. Its own function, not this
     * async one's loop: that loop, optimised halfway through a process's first long answer, was
     * deoptimised by each end-of-stream case it met later and by each new run's signal (Node 20
     * gives every AbortSignal a map of its own), and recompiled with the accumulator inlined. In
     * the long stream's 9 runs `continueStream` compiled 5 times; now once (small), and this 5-6
     * (smaller): the compile threads' arenas 6.9 -> 3.7 MiB, maxRSS 123.75 -> 121.95 MB (medians
     * of 6 processes each; the streamed step -1.7 and -1.9 us, ABBA; bench/RESULTS.md,
     * "fold-shape42").
     */
    const drain = (chunk: GenerateContentResponse | undefined): void | Promise<void> => {
      for (; chunk !== undefined; chunk = buffered.takeBuffered?.()) {
        received++;
        onAnyChunk?.();
        if (chunk.usageMetadata !== undefined) {
          usage = chunk.usageMetadata;
          onUsage?.(usage);
        }
        // A client that does not watch the signal between chunks still stops here.
        if (signal.aborted) throw signal.reason;
        const candidate = chunk.candidates?.[0];
        // A gateway's `null` (or proto-plus's `0`, the unset value: see nameEnumNumbers) on the
        // chunks before the last is no finish: a stream cut after one is still interrupted.
        const reason = candidate?.finishReason;
        if (reason != null && (reason as unknown) !== 0) finishReason = reason;
        accumulator.push(chunk);
        const room = onChunk(chunk);
        const token = nonEmptyToken(candidate?.continuationToken);
        // A token on a chunk that finished otherwise (STOP) continues nothing.
        if (token !== undefined && (reason == null || reason === 'CONTINUATION')) {
          started = {
            iterator: iterator!,
            record: opened!.record,
            accumulator,
            received,
            usage,
            finishReason,
            token: reason == null ? token : undefined,
            endToken: reason == null ? undefined : token,
          };
          return room;
        }
        if (room !== undefined) return room;
      }
    };
    // Not `for await`: leaving it would close the stream, which the hops read on.
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
      for (let room = drain(next.value); room !== undefined; ) {
        await room;
        room = started === undefined ? drain(buffered.takeBuffered?.()) : undefined;
      }
      if (started !== undefined) break;
    }
  } catch (error) {
    // As `for await` does: a stream left on an error of ours (an abort, a reader's failure) is
    // closed, so its connection is released.
    await iterator?.return?.().catch(() => {});
    // A gateway's snake_case chunks' usage too, looked for here only (attachCutUsage).
    throw await attachCutUsage(error, usage, accumulator, onUsage);
  }
  if (started !== undefined) {
    const loaded = hops.value ?? (await loadHops(started));
    return loaded.continueStreamFrom(started, entry, input, settings, hooks);
  }
  const response = accumulator.response();
  if (signal.aborted) throw signal.reason;
  const result: ContinuedCallResult = { response, record: opened.record };
  // A block has no finish reason on its candidate: promptFeedback says why it ended.
  if (finishReason === undefined && received > 0 && !isPromptBlocked(response)) {
    // A gateway's snake_case stream that asks to be continued: the hops go on from its end.
    if (continuesInSnakeCase(response))
      return (await hops.load()).continueSnakeCaseStream(
        result,
        received,
        entry,
        input,
        settings,
        hooks,
      );
    result.interrupted = true;
  }
  return result;
}

/** The hops, loaded; a failed load closes the stream it was to read on. */
async function loadHops(started: StartedHop): Promise<typeof import('./continue-hops.ts')> {
  try {
    return await hops.load();
  } catch (error) {
    await started.iterator.return?.().catch(() => {});
    throw error;
  }
}
