import { timingSafeEqual } from 'node:crypto';
import { createAgent, defineTool, type Gemini } from '@gemloop/core';
import { createMcpServer } from '@gemloop/serve/mcp';
import { z } from 'zod';

// docs/serving-mcp.md: an agent with a tool, served as the MCP tool ask_support.

const lookupOrder = defineTool({
  name: 'lookup_order',
  description: 'The status of an order, by its id (e.g. "A-7").',
  parameters: z.object({ order: z.string() }),
  execute: ({ order }) => ({ order, status: 'shipped', arrives: 'Thursday' }),
});

/**
 * `authorize` for a fixed table of tokens: the owner of the token in `Authorization: Bearer`,
 * compared in constant time, or `null` (401). Keep hashes in a real app.
 */
export function ownerOfToken(tokens: Record<string, string>) {
  return (request: Request): string | null => {
    const presented = Buffer.from(
      (request.headers.get('authorization') ?? '').replace(/^Bearer /, ''),
    );
    for (const [owner, token] of Object.entries(tokens)) {
      const expected = Buffer.from(token);
      if (presented.length === expected.length && timingSafeEqual(presented, expected)) {
        return owner;
      }
    }
    return null;
  };
}

export function createSupportMcp(options: {
  gemini: Gemini;
  model: string;
  tokens: Record<string, string>;
}) {
  const { gemini, model, tokens } = options;
  const agent = createAgent({
    gemini,
    model,
    instructions: 'You answer questions about orders. Look each order up with lookup_order.',
    tools: [lookupOrder],
  });
  const door = createMcpServer({
    agents: { support: agent },
    authorize: ownerOfToken(tokens),
    // The order lookup as a tool of its own too, called with no model in between.
    exposeTools: [lookupOrder],
    // The caller gets fixed words and a code; the details are for your log (stderr: on stdio,
    // stdout is the protocol's).
    onError: (error) => console.error('mcp door:', error),
  });
  return { agent, door };
}
