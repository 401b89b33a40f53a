// What may stand between a step's model call and the client's entry: a plugin's wrapper around the
// requests one model call takes (continuation sends several for one long-decode answer and resumes
// a dropped stream). Declared here, below the loop and the feature folders, so that both import
// it and neither imports the other (.dependency-cruiser.mjs, core-loop-no-feature). The plugin is
// the wrapper (the continuation plugin is one), found once per agent; an agent without one calls
// the entry itself.
import type { ModelCallEntry, ModelCallInput, ModelCallResult } from '../http/model-call-entry.ts';
import type { GenerateContentResponse, UsageMetadata } from '../wire/response.ts';
import type { UntaggedAgentEvent } from './agent-event.ts';
import type { ContinuationReport } from './continuation-report.ts';

/**
 * A model call's outcome: its one response (every request of the call merged), the record of the
 * request that gave it, and what the step reports of how it was made. @internal
 */
export type WrappedCallResult = ModelCallResult & {
  /** How the answer was continued (`AgentStep.continuation`): only when it took more than one request. */
  continuation?: ContinuationReport | undefined;
  /**
   * A streamed call whose last stream ended cleanly after chunks but without a finish signal
   * (nothing to resume from): a cut answer, not a finished one.
   */
  interrupted?: true | undefined;
};

/** What a wrapper is told of the call it wraps. @internal */
export type ModelCallContext = {
  stepNumber: number;
  /**
   * The run's emitter (`undefined`: nobody listens, build no event): a wrapper reports what it
   * did as the run's events (continuation's `continuation` events), made by the wrapper, not by
   * the loop.
   */
  emit?: ((event: UntaggedAgentEvent<unknown>) => void | Promise<void>) | undefined;
};

/** What a streamed call tells its caller as it goes. @internal */
export type ModelStreamHooks = ModelCallContext & {
  signal: AbortSignal;
  /**
   * A chunk that can no longer be taken back: fold it, show it. A promise holds the stream until
   * it settles (a subagent's reader that fell behind, see `EmitEvent`).
   */
  onChunk(chunk: GenerateContentResponse): void | Promise<void>;
  /** Any chunk arrived (the first one is the call's time to first chunk). */
  onAnyChunk?: (() => void) | undefined;
  /** The usage billed so far in this call (summed over its requests), after each chunk that had usage. */
  onUsage?: ((usage: UsageMetadata) => void) | undefined;
};

/**
 * A wrapper around the requests of one model call. Its `options` are handed back to each call, so
 * a call is the wrapper's own function, not a closure forwarding to it: one frame on the request
 * path, as when the loop called continuation itself (agent/request-path-depth.test.ts).
 * @internal
 */
export type ModelCallWrapper<Settings = unknown> = {
  readonly options: Settings;
  /** A unary model call: `entry.generate` once or more. */
  generate(
    entry: ModelCallEntry,
    input: ModelCallInput,
    settings: Settings,
    context?: ModelCallContext | undefined,
  ): Promise<WrappedCallResult>;
  /** A streamed model call: `entry.stream` once or more, each chunk handed on through `hooks`. */
  stream(
    entry: ModelCallEntry,
    input: ModelCallInput,
    settings: Settings,
    hooks: ModelStreamHooks,
  ): Promise<WrappedCallResult>;
};
