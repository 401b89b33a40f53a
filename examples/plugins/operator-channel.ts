// A third-party plugin that takes messages while its run runs: an operator watching the run
// pauses a tool and adds a note, and the run picks both up at its next step boundary. The same
// plugin takes `runs.send(runId, 'operator', …)` in a durable run from any process (see
// operator-channel-durable.test.ts). See operator-channel-plugin.ts.
//
//   node scripts/run-example.mjs plugins-operator-channel

import { type AgentStream, createAgent, defineTool } from '@gemloop/core';
import { turn } from '@gemloop/testing';
import { z } from 'zod';
import { run } from '../lib/run.ts';
import { shownAnswer, shownText } from '../lib/trace-printer.ts';
import { OPERATOR_TOPIC, operatorChannel } from './operator-channel-plugin.ts';

const refunds: string[] = [];
let stream: AgentStream | undefined;
const checkOrder = defineTool({
  name: 'check_order',
  description: 'Reads an order from the warehouse.',
  parameters: z.object({ order: z.string() }),
  execute: async ({ order }) => {
    // The operator, watching the stream, steps in while the warehouse answers.
    await stream?.send(OPERATOR_TOPIC, { pause: 'refund' });
    await stream?.send(OPERATOR_TOPIC, { note: 'Refunds are paused today: offer a voucher.' });
    return { order, status: 'damaged in transit' };
  },
});
const refund = defineTool({
  name: 'refund',
  description: 'Refunds an order.',
  parameters: z.object({ order: z.string() }),
  execute: ({ order }) => {
    refunds.push(order);
    return { refunded: order };
  },
});

// Offline, the fake plays a model that checks the order, tries to refund it, then answers.
const SCRIPT = [
  turn.call('check_order', { order: '7' }),
  turn.call('refund', { order: '7' }),
  turn.text('Your order 7 arrived damaged; I can offer you a voucher instead of a refund.'),
];

await run(
  async ({ gemini, model }) => {
    const agent = createAgent({
      gemini,
      model,
      tools: [checkOrder, refund],
      plugins: [operatorChannel()],
    });
    stream = agent.stream('Order 7 arrived broken, I want my money back.');
    for await (const event of stream) {
      if (event.type === 'plugin')
        console.log(
          `plugin ${event.plugin}: ${event.kind} ${shownText(String(JSON.stringify(event.data)))}`,
        );
      if (event.type === 'tool-result' || event.type === 'tool-error')
        console.log(`${event.type} ${shownText(event.toolCall.toolName)}`);
    }
    const result = await stream.result;
    console.log(`answer: ${shownAnswer(result.text)}`);
    console.log(`refunds made: ${refunds.length}`);
  },
  { script: SCRIPT },
);
