// The support agent of the change-safety examples: it looks the subscription up, then cancels it.

import type { AgentOptions, Gemini } from '@gemloop/core';
import { defineTool } from '@gemloop/core';
import { z } from 'zod';

/** The agent's options, for `createAgent` or a durable worker's `agents`. */
export function supportOptions(gemini: Gemini, model: string): AgentOptions<undefined> {
  const lookup = defineTool({
    name: 'lookup_subscription',
    description: "The user's subscription.",
    parameters: z.object({ email: z.string() }),
    execute: ({ email }) => ({ email, plan: 'pro', id: 'sub_42' }),
  });
  const cancel = defineTool({
    name: 'cancel_subscription',
    description: 'Cancels a subscription. Call it before saying it is cancelled.',
    parameters: z.object({ id: z.string() }),
    execute: ({ id }) => ({ id, cancelled: true }),
  });
  return {
    gemini,
    model,
    instructions: 'You handle subscriptions. Look the subscription up, then do what the user asks.',
    tools: [lookup, cancel],
  };
}
