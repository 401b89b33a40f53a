import { createAgent, type Gemini } from '@gemloop/core';
import { a2aAgent } from '@gemloop/serve/a2a';

// docs/serving-a2a.md: a gemloop agent that delegates to a remote A2A agent.

export function createConcierge(options: {
  gemini: Gemini;
  model: string;
  supportUrl: string;
  supportKey: string;
}) {
  const { gemini, model, supportUrl, supportKey } = options;
  return createAgent({
    gemini,
    model,
    instructions: 'You help customers. Ask the support agent about orders.',
    tools: [
      a2aAgent({
        url: supportUrl,
        name: 'support',
        description: 'Answers questions about orders.',
        headers: { authorization: `Bearer ${supportKey}` },
      }),
    ],
  });
}

export async function askConcierge(concierge: ReturnType<typeof createConcierge>) {
  const stream = concierge.stream('Has my order A-7 shipped?');
  let fromSupport = '';
  for await (const event of stream) {
    // The remote agent's answer streams under the call's path, as a subagent's does.
    if (event.type === 'text-delta' && event.path[0] === 'support#1') fromSupport += event.text;
  }
  const { text } = await stream.result;
  return { fromSupport, answer: text };
}
