import { defineTool } from '@gemloop/core';
import { createApprovalBroker } from '@gemloop/core/web';
import { turn } from '@gemloop/testing';
import { z } from 'zod';
import { agentOnFake } from './serve-door.ts';

/**
 * An agent on the fake whose one tool, `refund`, an approval broker holds: the model calls it for
 * order A-7, then answers "I could not refund it.". `refunded` lists the orders the tool ran for
 * (none while the approval waits or when it is denied), for the doors' approval-timeout tests.
 */
export function refundBehindApproval() {
  const refunded: string[] = [];
  const refund = defineTool({
    name: 'refund',
    description: 'Refunds an order.',
    parameters: z.object({ order: z.string() }),
    execute: async ({ order }) => {
      refunded.push(order);
      return { refunded: order };
    },
  });
  const approvals = createApprovalBroker();
  const onFake = agentOnFake(
    [turn.call('refund', { order: 'A-7' }), turn.text('I could not refund it.')],
    { tools: [refund], beforeToolCall: approvals.beforeToolCall } as never,
  );
  return { ...onFake, approvals, refunded };
}
