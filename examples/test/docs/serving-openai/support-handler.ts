import { timingSafeEqual } from 'node:crypto';
import { createAgent, defineTool, type Gemini } from '@gemloop/core';
import { createOpenAIHandler } from '@gemloop/serve/openai';
import { z } from 'zod';

// docs/serving-openai-compatible.md: an agent with a tool, served as an OpenAI model.

const lookupOrder = defineTool({
  name: 'lookup_order',
  description: 'The status of an order, by its id (e.g. "A-7").',
  parameters: z.object({ order: z.string() }),
  execute: ({ order }) => ({ order, status: 'shipped', arrives: 'Thursday' }),
});

/**
 * `authorize` for a fixed table of API keys: the owner of the key in `Authorization: Bearer`,
 * compared in constant time, or `null` (401). Keep hashes in a real app.
 */
export function ownerOfKey(keys: Record<string, string>) {
  return (request: Request): string | null => {
    const presented = Buffer.from(
      (request.headers.get('authorization') ?? '').replace(/^Bearer /, ''),
    );
    for (const [owner, key] of Object.entries(keys)) {
      const expected = Buffer.from(key);
      if (presented.length === expected.length && timingSafeEqual(presented, expected)) {
        return owner;
      }
    }
    return null;
  };
}

export function createSupportHandler(options: {
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
  const handler = createOpenAIHandler({
    agents: { 'support-agent': agent },
    authorize: ownerOfKey(keys),
    // The caller gets a fixed message and code; the details are for your log.
    onError: (error) => console.error('openai door:', error),
  });
  return { agent, handler };
}
