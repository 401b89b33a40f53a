import type { Gemini } from '@gemloop/core';
import type { CallOptions } from '@gemloop/core/http';
import {
  createModelCallEntry,
  type ModelStepReports,
  modelCallEntryOf,
  modelStepReportsOf,
  registerModelCallEntry,
} from '@gemloop/core/internal';
import type { GenerateContentRequest, GenerateContentResponse } from '@gemloop/core/wire';
import { callModelStep } from './call-model-step.ts';
import { withCancelSignal } from './with-cancel-signal.ts';

/**
 * How a durable run makes its model calls. `reports`: the call's in-step reports, which the
 * call's step keeps (`undefined`: none, or a call made through the client's public methods).
 * @internal
 */
export type ModelCaller = {
  generate(
    request: GenerateContentRequest,
    options: CallOptions | undefined,
    reports?: ModelStepReports | undefined,
  ): Promise<GenerateContentResponse>;
  stream(
    request: GenerateContentRequest,
    options: CallOptions | undefined,
    reports?: ModelStepReports | undefined,
  ): Promise<GenerateContentResponse[]>;
};

/**
 * A {@link Gemini} whose model calls are made by `caller` (DBOS steps, or child workflows on a
 * rate-limited queue): the agent loop calls it exactly as it calls a plain client. A streamed
 * call's chunks are collected inside the step and recorded together, then handed to the agent
 * one by one, so the agent's fold, events and history are the same as in a plain run.
 * @internal
 */
export function createDurableGemini(inner: Gemini, caller: ModelCaller): Gemini {
  const durable: Gemini = {
    baseUrl: inner.baseUrl,
    apiVersion: inner.apiVersion,
    platform: inner.platform,
    generateContent: (request, options) => caller.generate(request, options),
    streamGenerateContent(request, options): AsyncIterable<GenerateContentResponse> {
      return {
        async *[Symbol.asyncIterator]() {
          const chunks = await caller.stream(request, options);
          yield* chunks;
        },
      };
    },
    countTokens: (request, options) => inner.countTokens(request, options),
    listModels: (options) => inner.listModels(options),
    getModel: (model, options) => inner.getModel(model, options),
    // Not steps: a cache is an optimisation the agent recreates when it is gone, so a replay that
    // makes these calls again changes what the run costs, never what it answers.
    caches: inner.caches,
  };
  // A run scrubs its client's secrets from what it reports (a plugin's error and its own typed
  // one, a deny message, an event's kind) with its client entry's redactor. This client is a
  // wrapper gemloop did not make, whose entry keeps values as they are: a durable run's errors
  // kept the key a run in process scrubs. Its entry goes through its public methods, as any
  // wrapper's, with the inner client's redaction, and its keys: the doors hold back what could
  // start one of them, where the model wrote it (`keylessEvents`).
  //
  // The agent's requests reach the caller through this entry, not the public methods: it hands
  // on the step's in-step reports from the request's input (`ModelCallInput.stepReports`), which
  // no call option carries (a request plugin that builds fresh options kept none of them).
  const own = modelCallEntryOf(inner);
  registerModelCallEntry(durable, {
    ...createModelCallEntry({
      generate: (request, options, input) =>
        caller.generate(request, options, modelStepReportsOf(input.stepReports)),
      stream: (request, options, input) => ({
        async *[Symbol.asyncIterator]() {
          yield* await caller.stream(request, options, modelStepReportsOf(input.stepReports));
        },
      }),
    }),
    redact: own.redact,
    secrets: own.secrets,
  });
  return durable;
}

/**
 * The client calls themselves, as a step body runs them. Server-requested waits are never slept
 * in memory (`maxServerDelayMs: 0`): they become durable sleeps in {@link callModelStep}. With
 * `admit` (the fleet rate limit), each HTTP attempt is admitted right before it is sent, after
 * the caller's own `beforeSend`. With `fence` (the run's ownership check), each attempt is then
 * checked last, closest to its send: an execution that lost its run while it waited (for a slot,
 * for a retry's backoff, frozen past the takeover and thawed) sends nothing beside the new owner.
 * A check at the step's start alone let a retry, or an attempt admitted after a long wait, go out
 * from an execution that no longer owned the run.
 * @internal
 */
export function createModelCalls(
  inner: Gemini,
  admit?: NonNullable<CallOptions['beforeSend']> | undefined,
  fence?: (() => Promise<void>) | undefined,
): {
  generate(
    request: GenerateContentRequest,
    options?: CallOptions,
  ): Promise<GenerateContentResponse>;
  stream(
    request: GenerateContentRequest,
    options?: CallOptions,
    onChunk?: (chunk: GenerateContentResponse) => void,
  ): Promise<GenerateContentResponse[]>;
  /** The options a step body's own client call goes with (the Interactions API's, see durable-interactions.ts). */
  callOptions(options: CallOptions | undefined): CallOptions;
} {
  const last: NonNullable<CallOptions['beforeSend']>[] = [];
  if (admit !== undefined) last.push(admit);
  if (fence !== undefined) last.push(async () => await fence());
  // Called inside the step body, where DBOS's cancel signal is: a cancelled run stops its call.
  const withDurableWaits = (options: CallOptions | undefined): CallOptions => {
    const signal = withCancelSignal(options?.signal);
    const beforeSend = chainBeforeSend(
      options?.beforeSend === undefined ? last : [options.beforeSend, ...last],
    );
    return {
      ...options,
      ...(signal === undefined ? {} : { signal }),
      retry: options?.retry === false ? false : { ...options?.retry, maxServerDelayMs: 0 },
      ...(beforeSend === undefined ? {} : { beforeSend }),
    };
  };
  return {
    callOptions: withDurableWaits,
    generate: (request, options) => inner.generateContent(request, withDurableWaits(options)),
    async stream(request, options, onChunk) {
      const chunks: GenerateContentResponse[] = [];
      for await (const chunk of inner.streamGenerateContent(request, withDurableWaits(options))) {
        chunks.push(chunk);
        onChunk?.(chunk);
      }
      return chunks;
    },
  };
}

/**
 * `beforeSend` steps in order (the last one closest to the send), each answered once the request
 * was; when one throws, those already passed are answered at once (a slot they hold is freed).
 */
function chainBeforeSend(
  steps: readonly NonNullable<CallOptions['beforeSend']>[],
): CallOptions['beforeSend'] {
  if (steps.length <= 1) return steps[0];
  return async (send) => {
    const answers: (() => void)[] = [];
    const answerAll = (): void => {
      for (const answer of answers.splice(0).reverse()) answer();
    };
    try {
      for (const step of steps) {
        const answered = await step(send);
        if (typeof answered === 'function') answers.push(answered);
      }
    } catch (error) {
      answerAll();
      throw error;
    }
    return answerAll;
  };
}

export { callModelStep };
