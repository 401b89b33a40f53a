// Keeping a long run inside the window: a research agent reads twelve 20 KB pages, one tool call
// a step. Two options keep its requests small:
// - `toolOutput` caps what one result puts in the context (here 4,000 tokens); the full result
//   goes to an artifact store, and the built-in `read_tool_output` tool reads the rest back;
// - `compaction` summarizes the older turns when a request would pass 12,000 tokens, keeping the
//   first request, the recent turns, call/response pairs and thought signatures as they were.
// `result.contents` stays the whole history; `result.compaction.sentContents` is what was sent.
//
// Offline, the fake plays the model: it reads the pages, and at the end lists the facts it still
// finds in the request it received (the summary and the kept turns), nothing else.
//
//   node scripts/run-example.mjs long-runs

import { createAgent, defineTool } from '@gemloop/core';
import {
  compaction,
  createMemoryArtifactStore,
  DEFAULT_SUMMARY_PROMPT,
  readToolOutputTool,
  toolOutput,
} from '@gemloop/core/compaction';
import { type FakeScriptFunction, turn } from '@gemloop/testing';
import { z } from 'zod';
import { run } from '../lib/run.ts';
import { shownAnswer, shownText } from '../lib/trace-printer.ts';

const PAGES = 12;
const FILLER = 'The archive records routine business of the harbour office. '.repeat(330);

const fetchPage = defineTool({
  name: 'fetch_page',
  description: 'Fetches page n of the harbour archive.',
  parameters: z.object({ n: z.number().int().min(1) }),
  execute: ({ n }) => ({ n, page: `FACT-${n}: ship${n * 11} docked. ${FILLER}` }),
});

/** The offline model: one page a step, then the facts its request still holds. */
const researcher: FakeScriptFunction = (request) => {
  const { body } = request;
  const facts = [...new Set(JSON.stringify(body.contents).match(/FACT-\d+: ship\d+/g) ?? [])];
  if (body.systemInstruction?.parts?.[0]?.text === DEFAULT_SUMMARY_PROMPT) {
    return turn.text(`Facts so far: ${facts.join('; ')}.`);
  }
  let last = 0;
  for (const content of body.contents) {
    for (const part of content.parts)
      last = Math.max(last, Number(part.functionCall?.args?.['n'] ?? 0));
  }
  if (last >= PAGES)
    return turn.text(`I read ${PAGES} pages. ${facts.length} facts: ${facts.join('; ')}.`);
  return turn.call('fetch_page', { n: last + 1 });
};

await run(
  async ({ gemini, model, style, logger }) => {
    const artifacts = createMemoryArtifactStore();
    const agent = createAgent({
      gemini,
      model,
      logger,
      maxSteps: PAGES + 3,
      tools: [fetchPage, readToolOutputTool(artifacts)],
      toolOutput: toolOutput({ maxTokens: 4_000, artifacts }),
      compaction: compaction({
        maxTokens: 12_000,
        keepRecent: 2,
        clearToolResults: false,
        summarize: true,
      }),
    });
    const stream = agent.stream(`Read pages 1 to ${PAGES} of the archive, then list every fact.`);
    for await (const event of stream) {
      if (event.type === 'tool-call')
        process.stdout.write(
          style.dim(`${shownText(event.toolName)}(${shownText(JSON.stringify(event.args))}) `),
        );
      if (event.type === 'compaction') {
        console.log(
          style.dim(
            `\n[compaction before step ${event.stepNumber}: ${event.tokensBefore} -> ${event.tokensAfter} tokens, ${event.summarizedContents} contents summarized]`,
          ),
        );
      }
    }
    const result = await stream.result;
    console.log(`\n${shownAnswer(result.text)}`);
    const truncated = JSON.stringify(result.contents).match(/gemloopTruncated/g)?.length ?? 0;
    console.log(`tool results truncated to the budget: ${truncated}`);
    console.log(
      `history kept: ${result.contents.length} contents; last sent: ${result.compaction?.sentContents.length ?? result.contents.length} contents; compactions: ${result.compaction?.reports.length ?? 0}`,
    );
  },
  {
    description: 'A long tool run kept inside the window: tool output budgets and compaction.',
    script: researcher,
  },
);
