import { type Agent, createAgent, createGemini, InvalidArgumentError } from '@gemloop/core';
import { handoff, subagent } from '@gemloop/core/composition';
import { definePlugin } from '@gemloop/core/plugins';
import { describe, expect, it } from 'vitest';
import { UnknownHandoffAgentError } from '../../errors/unknown-handoff-agent-error.ts';
import { createDurableHandOffAgents } from './durable-hand-off-agents.ts';

const gemini = createGemini({ apiKey: 'test' });
const model = 'gemini-3-flash-preview';

/** A worker's copies as plain objects, each naming the key it was made for. */
function found(
  agents: Parameters<typeof createDurableHandOffAgents>[0]['agents'],
  registered?: Parameters<typeof createDurableHandOffAgents>[0]['registered'],
) {
  const made: string[] = [];
  const handOffAgents = createDurableHandOffAgents({
    agents,
    registered,
    make: (key) => {
      made.push(key);
      return { copyOf: key };
    },
  });
  return { handOffAgents, made };
}

describe('createDurableHandOffAgents', () => {
  it('finds the agents of handoff tools, theirs in turn, each once, by their handoff names', () => {
    const billing = createAgent({ gemini, model, name: 'billing' });
    const refunds = createAgent({ gemini, model, name: 'refunds', tools: [handoff(billing)] });
    // billing hands back to refunds (a cycle), and triage reaches billing under a second name.
    const cyclic = createAgent({ gemini, model, name: 'desk', tools: [handoff(refunds)] });
    const { handOffAgents, made } = found({
      triage: {
        gemini,
        model,
        tools: [handoff(refunds), handoff(billing, { name: 'payments' }), handoff(cyclic)],
      },
    });
    expect(made).toEqual(['refunds', 'payments', 'desk']);
    expect(handOffAgents?.keyOf(billing)).toBe('payments');
    expect(handOffAgents?.agentOf('refunds')).toEqual({ copyOf: 'refunds' });
    // The copy goes by the same key (a hand-off the copy's own tools make resolves the same).
    expect(handOffAgents?.keyOf(handOffAgents.agentOf('desk'))).toBe('desk');
  });

  it("finds the agents a subagent's agent hands to, a subagent handing back above it too", () => {
    const billing = createAgent({ gemini, model, name: 'billing' });
    // A subagent's handoff tool (its child workflow hands off by the same keys), and a subagent
    // whose own subagent hands back to it: each agent walked once, so the cycle ends.
    let lead: Agent<undefined> | undefined;
    const helper = createAgent({
      gemini,
      model,
      name: 'helper',
      tools: [handoff(billing)],
      plugins: [
        definePlugin({ name: 'back', receivers: () => ({ lead: lead as Agent<undefined> }) }),
      ],
    });
    const asks = subagent(helper, { name: 'helper', description: 'Helps.' });
    lead = createAgent({ gemini, model, name: 'lead', tools: [asks] });
    const { handOffAgents, made } = found({ top: { gemini, model, tools: [asks] } });
    expect(made).toEqual(['lead', 'billing']);
    expect(handOffAgents?.keyOf(lead)).toBe('lead');
    expect(handOffAgents?.keyOf(billing)).toBe('billing');
  });

  it('is undefined when no agent hands off', () => {
    expect(found({ support: { gemini, model, tools: [] } }).handOffAgents).toBeUndefined();
  });

  it('takes registered agents by their keys, for a plugin that hands off', () => {
    const specialist = createAgent({ gemini, model, name: 'specialist' });
    const { handOffAgents } = found({ support: { gemini, model } }, { expert: specialist });
    expect(handOffAgents?.keyOf(specialist)).toBe('expert');
    expect(handOffAgents?.agentOf('expert')).toEqual({ copyOf: 'expert' });
  });

  it('refuses two different agents under one name', () => {
    const one = createAgent({ gemini, model, name: 'billing' });
    const other = createAgent({ gemini, model, name: 'billing' });
    expect(() =>
      found({ triage: { gemini, model, tools: [handoff(one), handoff(other)] } }),
    ).toThrow(/two different agents hand off under the name "billing"/);
  });

  it('refuses a registered value that createAgent did not make', () => {
    const error = (() => {
      try {
        found({ support: { gemini, model } }, { expert: { run: () => 'x' } as never });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ argument: 'handoffAgents.expert' });
  });

  it('fails with UnknownHandoffAgentError naming an unknown agent or key, and how to register it', () => {
    const billing = createAgent({ gemini, model, name: 'billing' });
    const stranger = createAgent({ gemini, model, name: 'stranger' });
    const { handOffAgents } = found({ triage: { gemini, model, tools: [handoff(billing)] } });
    for (const fail of [
      () => handOffAgents?.keyOf(stranger),
      () => handOffAgents?.agentOf('stranger'),
    ]) {
      const error = (() => {
        try {
          fail();
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(UnknownHandoffAgentError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ agent: 'stranger' });
      expect((error as Error).message).toContain(
        'startDurableWorker({ handoffAgents: { "stranger": agent } })',
      );
    }
  });

  it('bounds a key read back from a record in its error', () => {
    const { handOffAgents } = found({}, { expert: createAgent({ gemini, model, name: 'expert' }) });
    const error = (() => {
      try {
        handOffAgents?.agentOf('x'.repeat(10_000));
      } catch (caught) {
        return caught as Error;
      }
      return undefined;
    })();
    expect(error?.message.length).toBeLessThan(600);
  });
});
