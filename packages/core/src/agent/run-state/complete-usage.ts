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
 * is their sum. A reported total whose counts add up to less keeps the total, the rest counted as
 * prompt (see `withUnnamedAsPrompt`). `undefined` when the server reported a total and the counts
 * it is the sum of (the usual case: nothing to do).
 * @internal
 */
export function completeUsage(
  request: GenerateContentRequest,
  response: GenerateContentResponse,
): UsageMetadata | undefined {
  const reported = response.usageMetadata ?? undefined;
  if (typeof reported?.totalTokenCount === 'number') {
    return withUnnamedAsPrompt(reported, reported.totalTokenCount);
  }
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

/**
 * `reported` with the tokens its total holds and no count of it names counted as prompt, or
 * `undefined` when its counts add up to its total (every response the API sends: its total is
 * prompt + candidates + thoughts + tool-use prompt, each recorded one in test/fixtures). A
 * gateway that passes the total on but drops the prompt's count made each call cost $0 to every
 * cost budget, a known cost (attack62e: 200,000 tokens a step, the run to `maxSteps` under
 * `costAbove(0.1)`). The prompt is what such a total leaves out: it is priced at the input rate.
 */
function withUnnamedAsPrompt(reported: UsageMetadata, total: number): UsageMetadata | undefined {
  const prompt = countOf(reported.promptTokenCount);
  const named =
    prompt +
    countOf(reported.candidatesTokenCount) +
    countOf(reported.thoughtsTokenCount) +
    countOf(reported.toolUsePromptTokenCount);
  // Also false for a count that is no number (a plugin's response; the wire's are read already):
  // the pricing names it and the cost is unknown.
  if (!(total > named)) return undefined;
  return { ...reported, promptTokenCount: prompt + total - named };
}

/** A count as a number of tokens: absent is 0; one that is not a count is NaN (see above). */
function countOf(value: unknown): number {
  if (value === undefined || value === null) return 0;
  return typeof value === 'number' && value >= 0 ? value : Number.NaN;
}

function sumOf({ text, media }: { text: number; media: number }): number {
  return text + media;
}
