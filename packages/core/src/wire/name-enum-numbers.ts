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
// `Modality` of googleapis/googleapis google/ai/generativelanguage/v1beta/content.proto (same
// commit), the `modality` of each usage count by modality.
const MODALITIES: readonly string[] = [
  'MODALITY_UNSPECIFIED',
  'TEXT',
  'IMAGE',
  'VIDEO',
  'AUDIO',
  'DOCUMENT',
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
 * each candidate's `finishReason`, the prompt's `blockReason` and the `modality` of the usage's
 * counts by modality (pricing prices `AUDIO` apart: as a number it was priced as text). The
 * proto3 JSON mapping reads an enum from its name or its number (gemini-wire.md section 1), and
 * proto-plus, the Python client's message classes, writes numbers by default
 * (`Message.to_json(..., use_integers_for_enums=True)`, googleapis/proto-plus-python
 * proto/message.py), with every default field: `0` is the unset value, so it is removed (absent,
 * as the API leaves it: a chunk before the last has not finished). A number this table does not
 * know becomes its decimal string, an unknown value as any other.
 * @internal
 */
export function nameEnumNumbers(response: GenerateContentResponse): void {
  for (const candidate of response.candidates ?? [])
    nameAt(candidate, 'finishReason', FINISH_REASONS);
  nameAt(response.promptFeedback, 'blockReason', BLOCK_REASONS);
  const usage = response.usageMetadata;
  if (usage == null) return;
  for (const details of [
    usage.promptTokensDetails,
    usage.candidatesTokensDetails,
    usage.cacheTokensDetails,
    usage.toolUsePromptTokensDetails,
  ]) {
    if (Array.isArray(details)) for (const count of details) nameAt(count, 'modality', MODALITIES);
  }
}

/** `record[field]` named from `names` when it is a number; `0`, the unset value, removed. */
function nameAt(record: object | null | undefined, field: string, names: readonly string[]): void {
  if (typeof record !== 'object' || record === null) return;
  const fields = record as Record<string, unknown>;
  const value = fields[field];
  if (typeof value !== 'number') return;
  if (value === 0) delete fields[field];
  else fields[field] = (Number.isInteger(value) ? names[value] : undefined) ?? String(value);
}
