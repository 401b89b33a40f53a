// Guide "Keeping long runs in the window" (typechecked; the example long-runs/compaction.ts runs
// the same options against the fake).
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import {
  compaction,
  createMemoryArtifactStore,
  isSummaryContent,
  readToolOutputTool,
  toolOutput,
} from '@gemloop/core/compaction';
import { z } from 'zod';

const gemini = createGemini();
const fetchPage = defineTool({
  name: 'fetch_page',
  description: 'Fetches a web page as text.',
  parameters: z.object({ url: z.string() }),
  execute: async ({ url }) => ({ text: await (await fetch(url)).text() }),
});

const artifacts = createMemoryArtifactStore();
const agent = createAgent({
  gemini,
  model: 'gemini-2.5-flash',
  tools: [fetchPage, readToolOutputTool(artifacts)],
  maxSteps: 60,
  // At most 4,000 tokens of one result in the context; the rest kept for read_tool_output.
  toolOutput: toolOutput({
    maxTokens: 4_000,
    perTool: { fetch_page: { maxBytes: 16_000 } },
    artifacts,
  }),
  compaction: compaction({
    windowFraction: 0.8, // of the model's inputTokenLimit (1,048,576 for 2.5 Flash)
    summarize: { model: 'gemini-2.5-flash-lite' },
    artifacts,
    onCompaction: ({ tokensBefore, tokensAfter }) => {
      console.log(`compacting: ${tokensBefore} -> ${tokensAfter} tokens`);
      return undefined; // accept; { cancel: true } keeps the history; { contents } replaces it
    },
  }),
});

const result = await agent.run('Research the history of the harbour and summarize it.');
console.log(result.contents.length); // the whole history, for the record
console.log(result.compaction?.sentContents.length); // what the last request sent
console.log(result.compaction?.sentContents.some(isSummaryContent));
