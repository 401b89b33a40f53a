// The hops of a long-decode answer (see continue-model-call.ts): loaded by the continuation plugin
// only when an answer asks to be continued, so an agent whose answers end in one request (every
// run of the bench, and most in the wild) neither loads nor bundles to run what follows.
//
// Each hop's parts are kept as received and concatenated in hop order into the step's one model
// content (thought signatures stay on the parts that carried them). Usage is summed over hops,
// `promptTokenCount` included; the first hop's prompt count is kept apart (`ContinuationReport`).
// `settings.enabled` is not read here: an agent with continuation off has no plugin.
import { ApiCallError } from '../errors/api-call-error.ts';
import { ContinuationError } from '../errors/continuation-error.ts';
import { attachPartialUsage } from '../errors/partial-usage.ts';
import type {
  ModelCallEntry,
  ModelCallInput,
  ModelCallRecord,
  ModelCallResult,
} from '../http/model-call-entry.ts';
import type { ContinuationSettings } from '../run/continuation-options.ts';
import type { ContinuationHop, ContinuationReport } from '../run/continuation-report.ts';
import type {
  ModelCallContext,
  ModelStreamHooks,
  WrappedCallResult,
} from '../run/model-call-wrapper.ts';
import { createStreamAccumulator } from '../streaming/create-stream-accumulator.ts';
import { isPromptBlocked } from '../wire/is-prompt-blocked.ts';
import type { GenerateContentResponse, UsageMetadata } from '../wire/response.ts';
import { camelCaseEntry } from './camel-case-entry.ts';
import {
  continuationTokenOf,
  continuesInSnakeCase,
  hopEmitter,
  nonEmptyToken,
} from './continuation-token.ts';
import { mergeHopResponses } from './merge-hop-responses.ts';
import type { StartedHop } from './started-hop.ts';
import { sumUsageMetadata } from './sum-usage-metadata.ts';

/**
 * The most characters of text, inline data and thought signatures one continued answer keeps
 * before it stops asking for more: the client's default `maxResponseBytes` (64 MiB). Each request
 * is bounded by the client, but not the hops together: a gateway answering `CONTINUATION` with a
 * fresh token and 60 MB each time had the step hold 256 of them (15 GB) before `maxHops` (attack42b).
 */
const MAX_CONTINUED_CHARS = 64 * 1024 * 1024;

/** The characters a response (or a chunk) adds to an answer: its parts' big fields. */
function charsOf(response: GenerateContentResponse): number {
  const parts = response.candidates?.[0]?.content?.parts;
  let chars = 0;
  if (!Array.isArray(parts)) return chars;
  for (const part of parts) {
    if (typeof part?.text === 'string') chars += part.text.length;
    if (typeof part?.inlineData?.data === 'string') chars += part.inlineData.data.length;
    if (typeof part?.thoughtSignature === 'string') chars += part.thoughtSignature.length;
  }
  return chars;
}

/** The step's answer so far: the hops it keeps and the usage they were billed. */
class HopLog {
  readonly responses: GenerateContentResponse[] = [];
  readonly hops: ContinuationHop[] = [];
  /** Every hop billed in this call, those a restart threw away included. */
  billed: UsageMetadata | undefined = undefined;
  discarded: UsageMetadata | undefined = undefined;
  firstPrompt: number | undefined = undefined;
  reconnects = 0;
  restarted = false;
  /** Characters the kept answer holds (see `charsOf`); past the bound, no more hops. */
  chars = 0;

  add(response: GenerateContentResponse, usage: UsageMetadata | undefined, reconnects = 0): void {
    if (this.responses.length === 0) this.firstPrompt = usage?.promptTokenCount;
    this.responses.push(response);
    this.hops.push({ finishReason: response.candidates?.[0]?.finishReason, usage, reconnects });
  }

  bill(usage: UsageMetadata | undefined): void {
    this.billed = sumUsageMetadata(this.billed, usage);
  }

  /** The token was refused: the answer starts over; what was billed stays billed. */
  restart(): void {
    this.discarded = this.billed;
    this.responses.length = 0;
    this.hops.length = 0;
    this.firstPrompt = undefined;
    this.restarted = true;
    this.chars = 0;
  }

  report(): ContinuationReport | undefined {
    if (this.hops.length <= 1 && !this.restarted && this.reconnects === 0) return undefined;
    return {
      hops: this.hops,
      firstPromptTokenCount: this.firstPrompt,
      reconnects: this.reconnects,
      restarted: this.restarted,
      discardedUsage: this.discarded,
    };
  }

  /** The one response of the step: every hop's parts (see {@link mergeHopResponses}). */
  merged(): GenerateContentResponse {
    const responses = this.responses;
    const last = responses[responses.length - 1] as GenerateContentResponse;
    if (responses.length === 1 && !this.restarted && this.reconnects === 0) return last;
    return mergeHopResponses(responses, this.billed);
  }
}

/**
 * Whether the API refused the continuation token a hop was sent with (expired, or from another
 * request): a 4xx other than 408 and 429 on a request that carried one. Not retried by the
 * client (a 4xx is not retryable), so the step starts over once.
 */
function isTokenRefused(error: unknown): boolean {
  if (!ApiCallError.isInstance(error)) return false;
  const status = error.status;
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

function withToken(input: ModelCallInput, token: string | undefined): ModelCallInput {
  if (token === undefined) return input;
  return { ...input, request: { ...input.request, continuationToken: token } };
}

/**
 * Whether a hop that ended with `next` is followed by another: not when it handed back the token
 * it was sent with (no progress: adk-go `willResume`, `@google/genai` 3.1.0 `endHop`), nor once
 * `maxHops` requests were made (adk-go's `maxResumes`). Both then end the step on the output so
 * far with `finishReason: 'CONTINUATION'`, as adk-go returns it, rather than lose what was billed.
 */
function shouldContinue(
  hopsDone: number,
  next: string,
  sent: string | undefined,
  settings: ContinuationSettings,
  chars: number,
): boolean {
  return next !== sent && hopsDone < settings.maxHops && chars < MAX_CONTINUED_CHARS;
}

function refusedTwice(log: HopLog, cause: unknown): ContinuationError {
  return new ContinuationError({
    reason: 'token-rejected',
    hops: log.hops.length,
    reconnects: log.reconnects,
    cause,
    message:
      'The API refused a continuation token again after the step had started over once; the answer cannot be continued.',
  });
}

/**
 * A unary model call continued from its first response, which ended with `CONTINUATION` and a
 * token (see `continueGenerate`): each hop is followed by the same request with its token. A
 * refused token (an expired one: a durable run resumed hours later) starts the answer over once,
 * and the report says so (`restarted`: billed twice).
 * @throws {@link ContinuationError} on a second refused token; the client's errors otherwise
 *   (with `partialUsage` after a hop).
 * @internal
 */
export async function continueGenerateFrom(
  first: ModelCallResult,
  entry: ModelCallEntry,
  input: ModelCallInput,
  settings: ContinuationSettings,
  context: ModelCallContext | undefined,
): Promise<WrappedCallResult> {
  const log = new HopLog();
  const onHop = hopEmitter(context);
  let token: string | undefined;
  let record: ModelCallRecord;
  let pending: ModelCallResult | undefined = first;
  if (continuesInSnakeCase(first.response)) {
    // A gateway's snake_case answer: this hop and the next read in camelCase.
    const { camelCaseResponse } = await import('../wire/to-camel-case.ts');
    pending = { ...first, response: camelCaseResponse(first.response) };
    entry = camelCaseEntry(entry, camelCaseResponse);
  }
  for (;;) {
    let result: ModelCallResult;
    try {
      result = pending ?? (await entry.generate(withToken(input, token)));
      pending = undefined;
    } catch (error) {
      if (token === undefined || !isTokenRefused(error)) {
        throw attachPartialUsage(error, log.billed);
      }
      if (log.restarted) throw attachPartialUsage(refusedTwice(log, error), log.billed);
      log.restart();
      token = undefined;
      onHop?.({ kind: 'restart', hop: 1, usage: log.billed });
      continue;
    }
    record = result.record;
    const response = result.response;
    log.bill(response.usageMetadata);
    log.add(response, response.usageMetadata);
    log.chars += charsOf(response);
    const next = continuationTokenOf(response);
    if (next === undefined || !shouldContinue(log.hops.length, next, token, settings, log.chars)) {
      break;
    }
    token = next;
    onHop?.({ kind: 'continue', hop: log.hops.length + 1, usage: log.billed });
  }
  return { response: log.merged(), record, continuation: log.report() };
}

/**
 * A stream a gateway wrote in the proto field names that ended asking to be continued
 * (`finish_reason: 'CONTINUATION'`; `continueStream` read its chunks, finish and tokens unseen):
 * its folded response read in camelCase, and the hops from its token on read through
 * {@link camelCaseEntry}, as the API's. Its checkpoints went unseen, so a drop before its end
 * failed it as without continuation.
 * @internal
 */
export async function continueSnakeCaseStream(
  ended: ModelCallResult,
  received: number,
  entry: ModelCallEntry,
  input: ModelCallInput,
  settings: ContinuationSettings,
  hooks: ModelStreamHooks,
): Promise<WrappedCallResult> {
  const { camelCaseResponse } = await import('../wire/to-camel-case.ts');
  const response = camelCaseResponse(ended.response);
  const accumulator = createStreamAccumulator();
  accumulator.push(response);
  const usage = response.usageMetadata;
  if (usage !== undefined) hooks.onUsage?.(usage);
  const candidate = response.candidates?.[0];
  const started: StartedHop = {
    iterator: (async function* () {})(),
    record: ended.record,
    accumulator,
    received,
    usage,
    finishReason: candidate?.finishReason,
    token: undefined,
    endToken: nonEmptyToken(candidate?.continuationToken),
  };
  return continueStreamFrom(
    started,
    camelCaseEntry(entry, camelCaseResponse),
    input,
    settings,
    hooks,
  );
}

/**
 * A streamed model call continued from its first token on (see `continueStream`, which read the
 * stream up to it): continued until the model finishes, a dropped stream resumed from its last
 * checkpoint.
 *
 * Resuming from a checkpoint regenerates what came after it, so the chunks after the last
 * checkpoint are held back (not handed to `onChunk`, so neither folded nor shown) until the next
 * checkpoint or the hop's end; a drop discards them. `maxReconnects` drops in a row without a new
 * checkpoint end in a {@link ContinuationError} (`no-progress`).
 * @internal
 */
export async function continueStreamFrom(
  started: StartedHop,
  entry: ModelCallEntry,
  input: ModelCallInput,
  settings: ContinuationSettings,
  hooks: ModelStreamHooks,
): Promise<WrappedCallResult> {
  const { signal, onChunk, onAnyChunk, onUsage } = hooks;
  const onHop = hopEmitter(hooks);
  const log = new HopLog();
  let accumulator = started.accumulator;
  let pending: GenerateContentResponse[] = [];
  /** The last token of the call: where a dropped stream resumes. */
  let token: string | undefined = started.token;
  /** The first hop, read up to its first token by `continueStream`: its stream goes on here. */
  let first: StartedHop | undefined = started;
  let reconnectsInRow = 0;
  let hopReconnects = 0;
  let record: ModelCallRecord | undefined;
  /** Set when a reader asked the stream to wait (see `onChunk`); awaited before the next chunk. */
  let room: Promise<void> | undefined;
  const commit = (chunk: GenerateContentResponse): void => {
    accumulator.push(chunk);
    log.chars += charsOf(chunk);
    const wait = onChunk(chunk);
    if (wait !== undefined) room = room === undefined ? wait : room.then(() => wait);
  };
  const flush = (): void => {
    for (const chunk of pending) commit(chunk);
    pending = [];
  };
  for (;;) {
    // The first hop was sent without a token, whatever token its stream has given since.
    const startToken = first === undefined ? token : undefined;
    let hopUsage = first?.usage;
    let finishReason = first?.finishReason;
    let endToken = first?.endToken;
    let received = first?.received ?? 0;
    let failure: { error: unknown } | undefined;
    try {
      let chunks: AsyncIterable<GenerateContentResponse>;
      if (first === undefined) {
        const opened = entry.stream(withToken(input, token));
        record = opened.record;
        chunks = opened.stream;
      } else {
        const { iterator } = first;
        record = first.record;
        chunks = { [Symbol.asyncIterator]: () => iterator };
        first = undefined;
      }
      for await (const chunk of chunks) {
        received++;
        onAnyChunk?.();
        if (chunk.usageMetadata !== undefined) {
          hopUsage = chunk.usageMetadata;
          const total = sumUsageMetadata(log.billed, hopUsage);
          if (total !== undefined) onUsage?.(total);
        }
        // A client that does not watch the signal between chunks still stops here.
        signal.throwIfAborted();
        const candidate = chunk.candidates?.[0];
        // A gateway's `null` on the chunks before the last is no finish: a stream cut after one
        // is still interrupted.
        if (candidate?.finishReason != null) finishReason = candidate.finishReason;
        const chunkToken = nonEmptyToken(candidate?.continuationToken);
        // The token may come on an earlier chunk than the one that says CONTINUATION: the hop
        // then continues from the latest token seen, not from none (`@google/genai` 3.3.0
        // `nextResumeToken`: a CONTINUATION hop resumes from `hop.token`, the last chunk token
        // it observed, when that differs from the token it started with).
        const hopEnd =
          candidate?.finishReason === 'CONTINUATION' ? (chunkToken ?? token) : undefined;
        if (hopEnd !== undefined) {
          pending.push(chunk);
          flush();
          endToken = hopEnd;
        } else if (chunkToken !== undefined && candidate?.finishReason == null) {
          // A checkpoint: what came so far can no longer be regenerated.
          pending.push(chunk);
          flush();
          token = chunkToken;
        } else if (token !== undefined) {
          pending.push(chunk);
        } else {
          commit(chunk);
        }
        if (room !== undefined) {
          const waiting = room;
          room = undefined;
          await waiting;
        }
      }
    } catch (error) {
      failure = { error };
    }
    log.bill(hopUsage);
    // A hop whose last chunk (CONTINUATION and its token) arrived is complete, even when the
    // connection then failed before the stream's clean end.
    if (failure !== undefined && endToken === undefined) {
      const { error } = failure;
      if (signal.aborted) throw attachPartialUsage(error, log.billed);
      if (received === 0 && startToken !== undefined && isTokenRefused(error)) {
        if (log.restarted) throw attachPartialUsage(refusedTwice(log, error), log.billed);
        log.restart();
        accumulator = createStreamAccumulator();
        pending = [];
        token = undefined;
        reconnectsInRow = 0;
        hopReconnects = 0;
        onHop?.({ kind: 'restart', hop: 1, usage: log.billed });
        continue;
      }
      // Nothing to resume from (no token yet): the stream's own error, as without continuation.
      if (token === undefined || isRequestError(error, received)) {
        throw attachPartialUsage(error, log.billed);
      }
      if (resume(error, token !== startToken)) continue;
    }
    if (
      endToken !== undefined &&
      shouldContinue(log.hops.length + 1, endToken, startToken, settings, log.chars)
    ) {
      log.add(accumulator.response(), hopUsage, hopReconnects);
      token = endToken;
      accumulator = createStreamAccumulator();
      reconnectsInRow = 0;
      hopReconnects = 0;
      onHop?.({ kind: 'continue', hop: log.hops.length + 1, usage: log.billed });
      continue;
    }
    if (finishReason === undefined && token !== undefined) {
      // Closed cleanly without a finish signal after a token: a cut stream, resumable.
      if (resume(undefined, token !== startToken)) continue;
    }
    flush();
    const last = accumulator.response();
    log.add(last, hopUsage, hopReconnects);
    signal.throwIfAborted();
    const result: WrappedCallResult = {
      response: log.merged(),
      record: record as ModelCallRecord,
      continuation: log.report(),
    };
    // A block has no finish reason on its candidate: promptFeedback says why it ended.
    if (finishReason === undefined && received > 0 && !isPromptBlocked(last)) {
      result.interrupted = true;
    }
    return result;
  }

  /**
   * A drop (or a clean close without a finish signal) after a token: resume from it. A drop that
   * came after a new checkpoint made progress and does not count (`@google/genai` 3.1.0
   * `nextNoProgressReconnects`); past `maxReconnects` drops in a row without one, give up.
   * `false` when the answer kept is as large as one answer may grow ((`MAX_CONTINUED_CHARS`)):
   * the step then ends on it, interrupted, as a hop at the cap ends on the answer so far.
   */
  function resume(error: unknown, progressed: boolean): boolean {
    pending = [];
    if (log.chars >= MAX_CONTINUED_CHARS) return false;
    // Each resume is a request: `maxHops` bounds them all (attack42b: a stream that dropped after
    // a fresh checkpoint every time was resumed 3,000 times, each counting as progress).
    const requests = log.hops.length + log.reconnects + 1;
    if (requests >= settings.maxHops) {
      throw attachPartialUsage(
        new ContinuationError({
          reason: 'max-hops',
          hops: log.hops.length,
          reconnects: log.reconnects,
          cause: error,
          message: `The answer took ${requests} requests (continuation.maxHops), resumes included, and its stream dropped again. A stream cut after every checkpoint points at the gateway; raise continuation.maxHops if the answer is genuinely this long.`,
        }),
        log.billed,
      );
    }
    reconnectsInRow = progressed ? 0 : reconnectsInRow + 1;
    if (reconnectsInRow > settings.maxReconnects) {
      throw attachPartialUsage(
        new ContinuationError({
          reason: 'no-progress',
          hops: log.hops.length,
          reconnects: reconnectsInRow - 1,
          cause: error,
          message: `The stream was resumed ${settings.maxReconnects} times in a row without reaching a new checkpoint, and dropped again (continuation.maxReconnects is ${settings.maxReconnects}).`,
        }),
        log.billed,
      );
    }
    log.reconnects++;
    hopReconnects++;
    onHop?.({ kind: 'resume', hop: log.hops.length + 1, usage: log.billed });
    return true;
  }
}

/**
 * An error status the request itself got before any chunk (already retried by the client where
 * retryable): not a dropped stream, so not resumed (`@google/genai` 3.1.0 rethrows an `ApiError`
 * raised before the hop received a chunk). A connection that failed before its first chunk (an
 * `ApiCallError` without a status) is a drop, and resumed.
 */
function isRequestError(error: unknown, received: number): boolean {
  return received === 0 && ApiCallError.isInstance(error) && error.status !== undefined;
}
