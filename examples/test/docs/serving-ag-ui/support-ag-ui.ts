import { createAgent, defineTool, type Gemini } from '@gemloop/core';
import { createApprovalBroker } from '@gemloop/core/web';
import { createAgUiHandler } from '@gemloop/serve/ag-ui';
import { z } from 'zod';
import { ownerOfKey } from '../serving-openai/support-handler.ts';

// docs/serving-ag-ui.md: an agent with a tool served to AG-UI frontends, refunds approved by a person.

const lookupOrder = defineTool({
  name: 'lookup_order',
  description: 'The status of an order, by its id (e.g. "A-7").',
  parameters: z.object({ order: z.string() }),
  execute: ({ order }) => ({ order, status: 'shipped', arrives: 'Thursday' }),
});

const refundOrder = defineTool({
  name: 'refund_order',
  description: 'Refunds an order, by its id.',
  parameters: z.object({ order: z.string() }),
  execute: ({ order }) => ({ order, refunded: true }),
});

export function createSupportAgUiHandler(options: {
  gemini: Gemini;
  model: string;
  keys: Record<string, string>;
}) {
  const { gemini, model, keys } = options;
  // Refunds wait for a person; the other calls run at once.
  const approvals = createApprovalBroker({
    needsApproval: ({ toolName }) => toolName === 'refund_order',
  });
  const agent = createAgent({
    gemini,
    model,
    instructions: 'You answer questions about orders and refund them when asked.',
    tools: [lookupOrder, refundOrder],
    beforeToolCall: approvals.beforeToolCall,
  });
  const handler = createAgUiHandler({
    agent,
    authorize: ownerOfKey(keys),
    approvals,
    // The caller gets fixed words and a code; the details are for your log.
    onError: (error) => console.error('ag-ui door:', error),
  });
  return { agent, handler };
}
