import { createAgent, createGemini } from '@gemloop/core';
import { handoff, subagent } from '@gemloop/core/composition';
import { describe, expect, it } from 'vitest';
import { createDurableAgentMaker, type DurableAgentContext } from './make-durable-agent.ts';

// Making an agent reads only the definition: the rest of the worker's context is used by its runs.
const maker = createDurableAgentMaker({
  events: {},
} as unknown as DurableAgentContext);

describe('a durable agent with a handoff', () => {
  const gemini = createGemini({ apiKey: 'test' });
  const model = 'gemini-3-flash-preview';
  const billing = createAgent({ gemini, model, name: 'billing' });

  it('lets a handoff tool through (the worker runs its receiving agent as its own copy)', () => {
    expect(() => maker('triage', { gemini, model, tools: [handoff(billing)] })).not.toThrow();
  });

  it('lets a subagent through (a child workflow)', () => {
    const tool = subagent(billing, { name: 'ask_billing', description: 'Billing questions.' });
    expect(() => maker('triage', { gemini, model, tools: [tool] })).not.toThrow();
  });
});
