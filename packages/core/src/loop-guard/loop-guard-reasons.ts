/**
 * Why a {@link loopGuard} steered a call or ended a run: the `reason` of its `steer` and `finish`
 * events, and of `result.stoppedBy` when it ended the run (`finishReason: 'plugin'`).
 *
 * @example
 * ```ts
 * if (result.stoppedBy?.reason === loopGuardReasons.repeatedCall) console.warn('the model looped');
 * ```
 */
export const loopGuardReasons = {
  /** The same tool with the same arguments, answered the same way every time. */
  repeatedCall: 'repeated-call',
  /** Two calls taking turns (A, B, A, B, …), each answered the same way every time. */
  alternatingCalls: 'alternating-calls',
  /** The same call failing with the same error every time. */
  repeatedFailure: 'repeated-failure',
} as const;

/** One of {@link loopGuardReasons}. */
export type LoopGuardReason = (typeof loopGuardReasons)[keyof typeof loopGuardReasons];
