import { estimateTokens, isJsonObject, type TokenEstimate } from '@gemloop/core/internal';

/**
 * The prompt of a `generateContent` body, for the fake's `usageMetadata` and `countTokens`:
 * system instruction, contents and tool declarations, counted by the one estimate the chat's
 * history budget uses too ({@link estimateTokens}).
 * @internal
 */
export function estimatePromptTokens(body: unknown): TokenEstimate {
  if (!isJsonObject(body)) return { text: 0, media: 0 };
  return estimateTokens([
    body['systemInstruction'] ?? body['system_instruction'],
    body['contents'],
    body['tools'],
  ]);
}

/** The answer and thought tokens of a list of output parts. @internal */
export function estimatePartTokens(parts: readonly unknown[] | undefined): {
  candidates: number;
  thoughts: number;
} {
  const answer: unknown[] = [];
  const thought: unknown[] = [];
  for (const part of parts ?? []) {
    if (isJsonObject(part)) (part['thought'] === true ? thought : answer).push(part);
  }
  const answerTokens = estimateTokens(answer);
  return {
    candidates: answerTokens.text + answerTokens.media,
    thoughts: estimateTokens(thought).text,
  };
}
