import { createAgent, defineTool, type Gemini } from '@gemloop/core';
import { createApprovalBroker } from '@gemloop/core/web';
import { type AgUiStateOptions, createAgUiHandler } from '@gemloop/serve/ag-ui';
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

// The page's view of the thread: each order the agent looked up or refunded, from the tools' results.
const orderState: AgUiStateOptions = {
  initial: { orders: {} },
  reduce: (state, event) => {
    if (event.type !== 'tool-result') return undefined;
    const { order, status, refunded } = event.toolCall.output as {
      order: string;
      status?: string;
      refunded?: boolean;
    };
    const orders = (state as { orders: Record<string, string> }).orders;
    return { orders: { ...orders, [order]: refunded === true ? 'refunded' : (status ?? '?') } };
  },
};

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
    state: orderState,
    // The caller gets fixed words and a code; the details are for your log.
    onError: (error) => console.error('ag-ui door:', error),
  });
  return { agent, handler };
}
