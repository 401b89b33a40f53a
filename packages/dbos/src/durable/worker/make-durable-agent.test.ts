import { createAgent, createGemini, InvalidArgumentError } from '@gemloop/core';
import { handoff, subagent } from '@gemloop/core/composition';
import { describe, expect, it } from 'vitest';
import { createDurableAgentMaker, type DurableAgentContext } from './make-durable-agent.ts';

// Only the definition is read before the refusal: the rest of the worker's context is not reached.
const maker = createDurableAgentMaker({
  events: {},
} as unknown as DurableAgentContext);

describe('a durable agent with a handoff', () => {
  const gemini = createGemini({ apiKey: 'test' });
  const model = 'gemini-3-flash-preview';
  const billing = createAgent({ gemini, model, name: 'billing' });

  it('is refused when the worker starts, naming the agent, the tool and what to use instead', () => {
    const error = (() => {
      try {
        maker('triage', { gemini, model, tools: [handoff(billing)] });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    // A replay after a crash would read the transfer's recorded result as plain data and go on
    // with triage; billing's model calls would not be steps.
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ argument: 'agents.triage.tools' });
    expect((error as Error).message).toContain('transfer_to_billing');
    expect((error as Error).message).toContain('subagent(agent)');
  });

  it('lets a subagent through (a child workflow)', () => {
    const tool = subagent(billing, { name: 'ask_billing', description: 'Billing questions.' });
    expect(() => maker('triage', { gemini, model, tools: [tool] })).not.toThrow();
  });
});
