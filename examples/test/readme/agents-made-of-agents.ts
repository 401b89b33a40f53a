// README: "Agents made of agents". A lead agent with a searcher as a subagent tool and a billing
// agent it can hand the conversation to; run against the fake's demo model.
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { handoff, subagent } from '@gemloop/core/composition';
import { z } from 'zod';

const gemini = createGemini();
const model = 'gemini-3-flash-preview';
const webSearch = defineTool({
  name: 'web_search',
  description: 'Searches the web.',
  parameters: z.object({ query: z.string() }),
  execute: ({ query }) => ({ results: [`A page about ${query}`] }),
});
const refund = defineTool({
  name: 'refund',
  description: 'Refunds an order.',
  parameters: z.object({ orderId: z.string() }),
  execute: ({ orderId }) => ({ refunded: orderId }),
});

const searcher = createAgent({ gemini, model, name: 'searcher', tools: [webSearch] });
const billing = createAgent({ gemini, model, name: 'billing', tools: [refund] });
const lead = createAgent({
  gemini,
  model,
  tools: [
    subagent(searcher, { name: 'research', description: 'Researches one question.' }),
    handoff(billing),
  ],
});

const result = await lead.run('Find out what the weather is in Paris.');
console.log(result.steps.length, result.text.length > 0);
