import type { GenerateContentResponse } from './response.ts';

// The numbers of `Candidate.FinishReason` and `GenerateContentResponse.PromptFeedback.BlockReason`
// in googleapis/googleapis google/ai/generativelanguage/v1beta/generative_service.proto (commit
// bc7e3ba), by index: `STOP = 1`, ..., `IMAGE_RECITATION = 17`. Reasons added since (Google names
// them in @google/genai's string enums, not their numbers) stay numbers here.
const FINISH_REASONS: readonly string[] = [
  'FINISH_REASON_UNSPECIFIED',
  'STOP',
  'MAX_TOKENS',
  'SAFETY',
  'RECITATION',
  'OTHER',
  'LANGUAGE',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'MALFORMED_FUNCTION_CALL',
  'IMAGE_SAFETY',
  'UNEXPECTED_TOOL_CALL',
  'TOO_MANY_TOOL_CALLS',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_OTHER',
  'NO_IMAGE',
  'IMAGE_RECITATION',
];
const BLOCK_REASONS: readonly string[] = [
  'BLOCK_REASON_UNSPECIFIED',
  'SAFETY',
  'OTHER',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'IMAGE_SAFETY',
];

/**
 * Names, in place, the enum values the loop reads that a gateway wrote as their proto numbers:
 * each candidate's `finishReason` and the prompt's `blockReason`. The proto3 JSON mapping reads an
 * enum from its name or its number (gemini-wire.md section 1), and proto-plus, the Python
 * client's message classes, writes numbers by default (`Message.to_json(...,
 * use_integers_for_enums=True)`, googleapis/proto-plus-python proto/message.py), with every
 * default field: `0` is the unset value, so it is removed (absent, as the API leaves it: a chunk
 * before the last has not finished). A number this table does not know becomes its decimal
 * string, an unknown reason as any other.
 * @internal
 */
export function nameEnumNumbers(response: GenerateContentResponse): void {
  for (const candidate of response.candidates ?? []) {
    const named = nameOf(FINISH_REASONS, candidate.finishReason);
    if (named === '') delete candidate.finishReason;
    else if (named !== undefined) candidate.finishReason = named;
  }
  const feedback = response.promptFeedback;
  if (feedback == null) return;
  const named = nameOf(BLOCK_REASONS, feedback.blockReason);
  if (named === '') delete feedback.blockReason;
  else if (named !== undefined) feedback.blockReason = named;
}

/** The name of `value` when it is a number (`''` for 0, the unset value), else `undefined`. */
function nameOf(names: readonly string[], value: unknown): string | undefined {
  if (typeof value !== 'number') return undefined;
  if (value === 0) return '';
  return (Number.isInteger(value) ? names[value] : undefined) ?? String(value);
}
