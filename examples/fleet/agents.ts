// The fleet's one agent, as every worker defines it: an order-support agent whose refunds wait
// for a person's approval, with a slow warehouse check (long enough to kill a worker during it).

import { appendFileSync } from 'node:fs';
import { defineTool, type Gemini } from '@gemloop/core';
import type { DurableAgentDefinition } from '@gemloop/dbos';
import { durableContext } from '@gemloop/dbos';
import { type FakeScript, turn } from '@gemloop/testing';
import { z } from 'zod';

/** How long the warehouse check takes. */
export const WAREHOUSE_MS = 4000;

/** The agents of the fleet; `log` gets one line per tool execution (for the demo's counts). */
export function fleetAgents({
  gemini,
  model,
  log,
}: {
  gemini: Gemini;
  model: string;
  log: (line: string) => void;
}): Record<string, DurableAgentDefinition> {
  const lookupOrder = defineTool({
    name: 'lookup_order',
    description: 'Looks an order up by its number.',
    parameters: z.object({ order: z.string() }),
    execute: ({ order }) => {
      log(`lookup_order ${order}`);
      return { order, item: 'kettle', price: 49, status: 'delivered damaged' };
    },
  });
  const checkWarehouse = defineTool({
    name: 'check_warehouse',
    description: 'Asks the warehouse whether the returned item arrived (slow).',
    parameters: z.object({ order: z.string() }),
    execute: async ({ order }, context) => {
      log(`check_warehouse ${order} started (${durableContext(context)?.idempotencyKey})`);
      await new Promise((resolve) => setTimeout(resolve, WAREHOUSE_MS));
      log(`check_warehouse ${order} finished`);
      return { order, returned: true };
    },
  });
  const issueRefund = defineTool({
    name: 'issue_refund',
    description: 'Refunds an order (needs approval).',
    parameters: z.object({ order: z.string(), amount: z.number().positive() }),
    execute: ({ order, amount }, context) => {
      // A payment service would take this key, so a retried call refunds once.
      log(`issue_refund ${order} ${amount} (${durableContext(context)?.idempotencyKey})`);
      return { order, amount, refunded: true };
    },
  });
  return {
    support: {
      gemini,
      model,
      instructions:
        'You are an order-support agent. Check the facts with your tools before refunding.',
      tools: [lookupOrder, checkWarehouse, issueRefund],
      needsApproval: ['issue_refund'],
    },
  };
}

/** Appends tool executions to a file shared by the workers (the demo counts them). */
export function fileLog(path: string | undefined): (line: string) => void {
  return (line) => {
    if (path !== undefined && path !== '') appendFileSync(path, `${line}\n`);
  };
}

/**
 * What the offline fake answers: look the order up and check the warehouse at once (two parallel
 * calls of one turn, which a durable run runs at once too), refund, sum up.
 */
export const FLEET_SCRIPT: FakeScript = (_request, context) => {
  const answered = context.functionResponses[0];
  if (answered === undefined) {
    return turn.calls([
      { name: 'lookup_order', args: { order: '7' } },
      { name: 'check_warehouse', args: { order: '7' } },
    ]);
  }
  if (answered.name === 'lookup_order')
    return turn.call('issue_refund', { order: '7', amount: 49 });
  const result = answered.response as { refunded?: boolean; error?: string };
  return turn.text(
    result.refunded === true
      ? 'Order 7 (a kettle, delivered damaged) is back at the warehouse: I refunded 49.'
      : `I could not refund order 7: ${result.error ?? 'the refund was refused'}.`,
  );
};
