import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  callsTurn,
  createScriptedGemini,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import { AgentAbortedError } from '../agent/errors/agent-aborted-error.ts';
import { TreeBudgetError } from '../agent/errors/tree-budget-error.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { GenerateContentRequest } from '../wire/request.ts';
import { compaction } from './compaction.ts';
import { DEFAULT_SUMMARY_PROMPT } from './compaction-options.ts';

const PAGE = 'lorem ipsum dolor '.repeat(400);
const page = defineTool({
  name: 'page',
  description: 'Reads page n.',
  parameters: z.object({ n: z.number() }),
  execute: ({ n }) => ({ n, text: PAGE }),
});

/** Reads pages until the summarizer is asked (its prompt as system instruction), then answers. */
function scripted(summarize: () => unknown) {
  let step = 0;
  const answer = (request: GenerateContentRequest) => {
    if (JSON.stringify(request.systemInstruction ?? null).includes(DEFAULT_SUMMARY_PROMPT))
      return summarize() as never;
    step++;
    return step <= 6 ? callsTurn(['page', { n: step }, `c${step}`]) : textTurn('done');
  };
  return createScriptedGemini(Array.from({ length: 20 }, () => answer));
}

describe('the compaction summarizer', () => {
  it('aborted with the run: the run ends with AgentAbortedError holding the history, not the raw reason', async () => {
    const controller = new AbortController();
    const gemini = scripted(() => {
      controller.abort(new Error('the user stopped it'));
      return new Promise(() => {});
    });
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [page],
      compaction: compaction({
        maxTokens: 4_000,
        summarize: true,
        clearToolResults: false,
        keepRecent: 2,
      }),
    });
    const error = await agent
      .run('Read the pages.', { signal: controller.signal })
      .catch((caught: unknown) => caught);
    expect(AgentAbortedError.isInstance(error)).toBe(true);
    const aborted = error as AgentAbortedError;
    expect((aborted.cause as Error).message).toBe('the user stopped it');
    // Every page read so far, each call with its response: the full history, not the compacted one.
    expect(aborted.run.contents.length).toBeGreaterThan(4);
    expect(aborted.run.contents[0]).toEqual({ role: 'user', parts: [{ text: 'Read the pages.' }] });
  });
});

describe('the compaction summarizer in a tree budget', () => {
  it('counts its tokens against budget.maxTokens, as every model call of the tree', async () => {
    const run = (budget?: { maxTokens: number }) =>
      createAgent({
        gemini: scripted(() => textTurn('Read pages 1 to 4.')),
        model: 'gemini-2.5-flash',
        tools: [page],
        compaction: compaction({
          maxTokens: 4_000,
          summarize: true,
          clearToolResults: false,
          keepRecent: 2,
        }),
      }).run('Read the pages.', budget === undefined ? {} : { budget });
    const whole = await run();
    const summaries = (whole.compaction?.reports ?? []).filter(
      (report) => report.summarizedContents > 0,
    ).length;
    expect(summaries).toBeGreaterThan(0);
    const stepTokens = whole.steps.reduce((sum, step) => sum + step.usage.totalTokenCount, 0);
    expect(whole.usage.totalTokenCount).toBeGreaterThan(stepTokens);
    // Over budget only with the summaries counted: the run must stop before its last step.
    const error = await run({ maxTokens: stepTokens + 1 }).catch((caught: unknown) => caught);
    expect(TreeBudgetError.isInstance(error)).toBe(true);
  });
});
