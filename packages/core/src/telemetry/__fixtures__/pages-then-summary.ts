import { z } from 'zod';
import { callsTurn, createScriptedGemini, textTurn } from '../../agent/__fixtures__/scripted-gemini.ts';
import { DEFAULT_SUMMARY_PROMPT } from '../../compaction/compaction-options.ts';
import { defineTool } from '../../tools/define/define-tool.ts';
import type { UsageMetadata } from '../../wire/response.ts';
import type { GenerateContentRequest } from '../../wire/request.ts';

const PAGE = 'lorem ipsum dolor '.repeat(400);

/** A tool whose every page is long enough that a few of them pass a small compaction window. */
export const page = defineTool({
  name: 'page',
  description: 'Reads page n.',
  parameters: z.object({ n: z.number() }),
  execute: ({ n }) => ({ n, text: PAGE }),
});

/**
 * A Gemini that reads {@link page} six times, then answers `done`; asked by the compaction's
 * summarizer (its prompt as system instruction), it answers a summary with `summaryUsage`.
 */
export function pagesThenSummary(summaryUsage?: UsageMetadata) {
  let step = 0;
  const answer = (request: GenerateContentRequest) => {
    if (JSON.stringify(request.systemInstruction ?? null).includes(DEFAULT_SUMMARY_PROMPT)) {
      const summary = textTurn('Read pages 1 to 4.');
      return summaryUsage === undefined ? summary : { ...summary, usageMetadata: summaryUsage };
    }
    step++;
    return step <= 6 ? callsTurn(['page', { n: step }, `c${step}`]) : textTurn('done');
  };
  return createScriptedGemini(Array.from({ length: 20 }, () => answer));
}
