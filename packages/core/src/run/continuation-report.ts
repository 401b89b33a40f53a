import type { FinishReason, UsageMetadata } from '../wire/response.ts';

/** One request (hop) of a long-decode answer. */
export type ContinuationHop = {
  /** `CONTINUATION` for every hop but the last. */
  finishReason: FinishReason | undefined;
  /** The hop's own usage as the API reported it (each hop is billed on its own). */
  usage: UsageMetadata | undefined;
  /** How many times this hop's stream dropped and was resumed from a checkpoint. */
  reconnects: number;
};

/**
 * How a step's answer was continued across requests (on `AgentStep.continuation` when the step
 * took more than one request, was resumed or restarted).
 */
export type ContinuationReport = {
  /** The hops of the answer the step kept, in order. */
  hops: ContinuationHop[];
  /**
   * The first hop's `promptTokenCount`: the size of the prompt in the context window. The
   * step's usage sums every hop's prompt (each hop is billed for the prompt and the output so
   * far), so that sum overstates the window (`@ai-sdk/google` 4.0.121 keeps the first one apart
   * for the same reason).
   */
  firstPromptTokenCount: number | undefined;
  /** Streams resumed from a checkpoint after a drop, over all hops. */
  reconnects: number;
  /**
   * The API refused a continuation token (it expired: a durable run resumed hours later) and the
   * step started over from the first hop. The hops before the restart were billed as well: the
   * step's usage includes them (`discardedUsage`), so part of the answer was billed twice.
   */
  restarted: boolean;
  /** The usage of the hops thrown away by a restart (already in the step's usage). */
  discardedUsage: UsageMetadata | undefined;
};

/** What a continued model call tells its caller as it goes. */
export type ContinuationHopEvent = {
  /**
   * - `continue`: a hop ended with `CONTINUATION`; the next one starts with its token.
   * - `resume`: a stream dropped after a checkpoint and is resumed from it (the deltas after the
   *   checkpoint were held back, so nothing shown is regenerated).
   * - `restart`: the API refused the token; the answer starts over (what was shown of it is
   *   regenerated, and billed again).
   */
  kind: 'continue' | 'resume' | 'restart';
  /** The 1-based number of the hop that starts. */
  hop: number;
  /** The usage billed so far in this step, summed over hops. */
  usage: UsageMetadata | undefined;
};
