import { estimateContentTokens, estimateTokens } from '../../history/estimate-tokens.ts';
import type { GenerateContentRequest } from '../../wire/request.ts';
import type { GenerateContentResponse, UsageMetadata } from '../../wire/response.ts';

/**
 * The usage a step counts when the server did not report its total: a gateway that strips
 * `usageMetadata`, or one that sends negative or non-numeric counts (the response check drops
 * those, `readUsageCount`). Counted as 0, they let a run spend without end under a token budget
 * (`budget.maxTokens`, `totalTokensExceed`) or a cost budget priced from them (`maxCostUsd`, a
 * chat's budget). What the server did report is kept; the prompt and the answer it left out are
 * estimated from what was sent and received (gemloop's estimate, a token per four characters of
 * English and more per character of other scripts, and a flat rate a media part, rounded up so a budget errs on the side of stopping), and the total
 * is their sum. `undefined` when the server reported a total (the usual case: nothing to do).
 * @internal
 */
export function completeUsage(
  request: GenerateContentRequest,
  response: GenerateContentResponse,
): UsageMetadata | undefined {
  const reported = response.usageMetadata ?? undefined;
  if (typeof reported?.totalTokenCount === 'number') return undefined;
  // A prompt blocked before the model ran: the API reports no counts for it (recorded, Vertex:
  // test/fixtures/gemini/responses/vertex-gemini25-flash__promptFeedback-blockReason-no-candidates.json),
  // and the run ends on it anyway.
  if (response.promptFeedback?.blockReason != null && !(response.candidates?.length ?? 0)) {
    return undefined;
  }
  const prompt =
    reported?.promptTokenCount ??
    (typeof request.contents === 'string'
      ? sumOf(estimateTokens(request.contents))
      : estimateContentTokens(request.contents)) +
      sumOf(estimateTokens(request.systemInstruction)) +
      sumOf(estimateTokens(request.tools));
  const answer =
    reported?.candidatesTokenCount ??
    sumOf(
      estimateTokens((response.candidates ?? []).map((candidate) => candidate?.content?.parts)),
    );
  return {
    ...reported,
    promptTokenCount: prompt,
    candidatesTokenCount: answer,
    totalTokenCount:
      prompt +
      answer +
      (reported?.thoughtsTokenCount ?? 0) +
      (reported?.toolUsePromptTokenCount ?? 0),
  };
}

function sumOf({ text, media }: { text: number; media: number }): number {
  return text + media;
}
