import type { UsageMetadata } from '../../wire/response.ts';

/**
 * A reported usage whose total is not the sum of its counts, made to add up; `undefined` when it
 * does (every response the API sends: its total is prompt + candidates + thoughts + tool-use
 * prompt, each recorded one in test/fixtures), or when it has no total (`completeUsage` estimates
 * that one). The tokens a total holds and no count of it names are the prompt's when the prompt
 * has no count (a gateway that passes the total on but drops the prompt's count made each call
 * cost $0 to every cost budget, a known cost: attack62e, 200,000 tokens a step, the run to
 * `maxSteps` under `costAbove(0.1)`), else the answer's (priced at the output rate, the higher:
 * a budget errs on the side of stopping). A total
 * smaller than its counts is their sum: a total of 1 beside 200,000 prompt tokens kept every token
 * budget (`budget.maxTokens`, `totalTokensExceed`) from counting them. Nothing is estimated: the
 * step is not `usageEstimated`.
 * @internal
 */
export function addUpUsage(reported: UsageMetadata | null | undefined): UsageMetadata | undefined {
  const total = reported?.totalTokenCount;
  if (reported == null || typeof total !== 'number') return undefined;
  const prompt = countOf(reported.promptTokenCount);
  const candidates = countOf(reported.candidatesTokenCount);
  const named =
    prompt +
    candidates +
    countOf(reported.thoughtsTokenCount) +
    countOf(reported.toolUsePromptTokenCount);
  // A count that is no number (a plugin's response; the wire's are read already) is left to the
  // pricing, which names it: the cost is unknown.
  if (total === named || Number.isNaN(named)) return undefined;
  if (total < named) return { ...reported, totalTokenCount: named };
  return reported.promptTokenCount == null
    ? { ...reported, promptTokenCount: total - named }
    : { ...reported, candidatesTokenCount: candidates + total - named };
}

/** A count as a number of tokens: absent is 0; one that is no count is NaN. */
function countOf(value: unknown): number {
  if (value === undefined || value === null) return 0;
  return typeof value === 'number' && value >= 0 ? value : Number.NaN;
}
