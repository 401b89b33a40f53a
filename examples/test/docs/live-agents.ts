import { type Agent, defineTool } from '@gemloop/core';
import { createLiveSession } from '@gemloop/core/live';
import { z } from 'zod';

export const orderStatus = defineTool({
  name: 'order_status',
  description: 'Where an order is. Slow: it asks the warehouse.',
  parameters: z.object({ orderId: z.string() }),
  // Runs in the background: the model goes on talking, the result comes when it is idle.
  behavior: 'NON_BLOCKING',
  scheduling: 'WHEN_IDLE',
  execute: async ({ orderId }) => ({ orderId, status: 'shipped' }),
});

/** Asks `agent` one question in a live session and returns the model's first answer. */
export async function askLive(agent: Agent, question: string): Promise<string> {
  const session = await createLiveSession(agent, {
    model: 'gemini-3.1-flash-live-preview',
  });
  try {
    session.sendText(question);
    let text = '';
    for await (const event of session) {
      if (event.type === 'text-delta') text += event.text;
      if (event.type === 'reconnect') console.log(`resumed after ${event.reason}`);
      if (event.type === 'turn-end') break;
    }
    return text;
  } finally {
    await session.close();
  }
}
