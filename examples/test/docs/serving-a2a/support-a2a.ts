import { createAgent, defineTool, type Gemini } from '@gemloop/core';
import { createA2AHandler } from '@gemloop/serve/a2a';
import { z } from 'zod';
import { ownerOfKey } from '../serving-openai/support-handler.ts';

// docs/serving-a2a.md: an agent with a tool served over A2A.

const lookupOrder = defineTool({
  name: 'lookup_order',
  description: 'The status of an order, by its id (e.g. "A-7").',
  parameters: z.object({ order: z.string() }),
  execute: ({ order }) => ({ order, status: 'shipped', arrives: 'Thursday' }),
});

export function createSupportA2AHandler(options: {
  gemini: Gemini;
  model: string;
  keys: Record<string, string>;
}) {
  const { gemini, model, keys } = options;
  const agent = createAgent({
    gemini,
    model,
    instructions: 'You answer questions about orders. Look each order up with lookup_order.',
    tools: [lookupOrder],
  });
  const handler = createA2AHandler({
    agent,
    card: { name: 'Support', description: 'Answers questions about orders.' },
    authorize: ownerOfKey(keys),
    // A failed task says fixed words and a code; the details are for your log.
    onError: (error) => console.error('a2a door:', error),
  });
  return { agent, handler };
}
