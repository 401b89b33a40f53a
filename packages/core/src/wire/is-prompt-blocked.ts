import type { GenerateContentResponse } from './response.ts';

/**
 * Whether the API blocked the prompt: `promptFeedback.blockReason` is set. A gateway's `null`
 * there is an absent reason, as the response check reads every `null` (attack58b: read as a
 * block, it ended a run as a blocked prompt and kept a cut stream's text as a whole answer).
 * @internal
 */
export function isPromptBlocked(
  response: Pick<GenerateContentResponse, 'promptFeedback'>,
): boolean {
  // And proto-plus's `0`, the enum's unset value, which it writes in every prompt feedback (see
  // nameEnumNumbers): read as a block, a cut stream's text was kept as a whole answer.
  const reason: unknown = response.promptFeedback?.blockReason;
  return reason != null && reason !== 0;
}
