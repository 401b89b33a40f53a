import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { handoff } from '../../../composition/handoff.ts';
import { defineTool } from '../../../tools/define/define-tool.ts';
import { callsTurn, createScriptedGemini, textTurn } from '../../__fixtures__/scripted-gemini.ts';
import { agentTurnsOf } from '../../agent-turns.ts';
import { type Agent, createAgent } from '../../create-agent.ts';
import { definePlugin } from '../define-plugin.ts';
import { PluginError } from '../plugin-error.ts';
import type { PluginHookRecorder } from '../run-plugins.ts';
import type { HandOffAgents, RunServices } from '../run-view/run-services.ts';

// A runner's hand-off agents (a durable worker's, `RunServices.handOffAgents`): a hand-off goes
// to the runner's own copy of the agent, and a recorded hook's hand-off is stored by the agent's
// key (JSON), so a replay in another process finds the agent again.

const MODEL = 'gemini-2.5-flash';
const lookup = defineTool({
  name: 'lookup',
  parameters: z.object({}),
  execute: () => ({ found: true }),
});

/** A recorder that keeps each hook's result as JSON text, as a database row does. */
function jsonRecorder(store: Map<string, string>): PluginHookRecorder {
  return async (name, call) => {
    const kept = store.get(name);
    if (kept !== undefined) return JSON.parse(kept);
    const text = JSON.stringify((await call()) ?? null);
    store.set(name, text);
    return JSON.parse(text);
  };
}

/** The runner's agents: `billing` (the application's) and its copy, under the key `billing`. */
function runnerAgents(billing: object, copy: object): HandOffAgents {
  return {
    keyOf: (agent) => {
      if (agent === billing || agent === copy) return 'billing';
      throw new Error(`unknown agent ${agentTurnsOf(agent as Agent<unknown>).name}`);
    },
    agentOf: (key) => {
      if (key === 'billing') return copy;
      throw new Error(`no agent "${key}" is registered`);
    },
  };
}

function billingPair(): { billing: Agent<unknown>; copy: Agent<unknown> } {
  const billing = createAgent({
    gemini: createScriptedGemini([textTurn('The application agent answered.')]),
    model: MODEL,
    name: 'billing',
  });
  const copy = createAgent({
    gemini: createScriptedGemini([textTurn('The runner copy answered.')]),
    model: MODEL,
    name: 'billing',
  });
  return { billing, copy };
}

/** An agent whose recorded afterAnswer hands to `to` on its first answer, counting real calls. */
function escalating(to: object, asked: { count: number }, extra: object = {}): Agent<unknown> {
  return createAgent({
    gemini: createScriptedGemini([callsTurn(['lookup', {}, 'c1']), textTurn('ESCALATE')]),
    model: MODEL,
    name: 'triage',
    tools: [lookup],
    plugins: [
      definePlugin({
        name: 'escalate',
        recorded: ['afterAnswer'],
        receivers: { billing: to as Agent<unknown> },
        afterAnswer: ({ text }) => {
          if (text !== 'ESCALATE') return undefined;
          asked.count++;
          return {
            type: 'hand-off',
            to: to as Agent<unknown>,
            contents: [{ role: 'user', parts: [{ text: 'Take over.' }] }],
            ...extra,
          };
        },
      }),
    ],
  });
}

async function runWith(
  agent: Agent<unknown>,
  record: PluginHookRecorder,
  services: RunServices,
): Promise<Awaited<ReturnType<Agent<unknown>['run']>>> {
  const stream = agentTurnsOf(agent).stream(
    'Refund order 7.',
    undefined,
    undefined,
    undefined,
    record,
    undefined,
    services,
  );
  for await (const _event of stream);
  return stream.result;
}

describe('hand-offs with a runner’s hand-off agents', () => {
  it("stores a recorded hook's hand-off by its agent's key and continues with the runner's agent", async () => {
    const { billing, copy } = billingPair();
    const store = new Map<string, string>();
    const asked = { count: 0 };
    const result = await runWith(escalating(billing, asked), jsonRecorder(store), {
      handOffAgents: runnerAgents(billing, copy),
    });
    expect(result.text).toBe('The runner copy answered.');
    expect(result.handoffs).toEqual(['billing']);
    expect(asked.count).toBe(1);
    const stored = [...store].find(([name]) => name.includes('escalate:afterAnswer'));
    expect(JSON.parse(stored?.[1] ?? 'null')).toMatchObject({
      value: { type: 'hand-off', to: { handOffAgent: 'billing' } },
    });
  });

  it('replays a recorded hand-off from its key without asking the hook again', async () => {
    const first = billingPair();
    const store = new Map<string, string>();
    const asked = { count: 0 };
    await runWith(escalating(first.billing, asked), jsonRecorder(store), {
      handOffAgents: runnerAgents(first.billing, first.copy),
    });
    // Another process: new agents, the same record.
    const again = billingPair();
    const result = await runWith(escalating(again.billing, asked), jsonRecorder(store), {
      handOffAgents: runnerAgents(again.billing, again.copy),
    });
    expect(asked.count).toBe(1);
    expect(result.text).toBe('The runner copy answered.');
    expect(result.handoffs).toEqual(['billing']);
    const texts = result.contents.flatMap((content) =>
      (content.parts ?? []).map((part) => part.text),
    );
    expect(texts).toContain('Take over.');
  });

  it('fails naming the key when a replay meets a key the runner does not know', async () => {
    const { billing, copy } = billingPair();
    const store = new Map<string, string>();
    await runWith(escalating(billing, { count: 0 }), jsonRecorder(store), {
      handOffAgents: runnerAgents(billing, copy),
    });
    for (const [name, text] of store) store.set(name, text.replace('"billing"', '"gone"'));
    const error = await runWith(escalating(billing, { count: 0 }), jsonRecorder(store), {
      handOffAgents: runnerAgents(billing, copy),
    }).catch((caught: unknown) => caught);
    expect(PluginError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('no agent "gone" is registered');
  });

  it('refuses a recorded hand-off with a filter (a function is not stored)', async () => {
    const { billing, copy } = billingPair();
    const error = await runWith(
      escalating(billing, { count: 0 }, { filter: (contents: unknown[]) => contents }),
      jsonRecorder(new Map()),
      { handOffAgents: runnerAgents(billing, copy) },
    ).catch((caught: unknown) => caught);
    expect(PluginError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ plugin: 'escalate', hook: 'afterAnswer' });
    expect((error as Error).message).toContain('cannot carry a `filter`');
  });

  it("gives a handoff() tool's run to the runner's copy of the agent", async () => {
    const { billing, copy } = billingPair();
    const triage = createAgent({
      gemini: createScriptedGemini([callsTurn(['transfer_to_billing', {}, 't1'])]),
      model: MODEL,
      name: 'triage',
      tools: [handoff(billing)],
    });
    const result = await runWith(triage, jsonRecorder(new Map()), {
      handOffAgents: runnerAgents(billing, copy),
    });
    expect(result.text).toBe('The runner copy answered.');
    expect(result.handoffs).toEqual(['billing']);
  });

  it('fails with the runner’s error when it does not know the agent a run hands to', async () => {
    const { billing, copy } = billingPair();
    const stranger = createAgent({
      gemini: createScriptedGemini([textTurn('Not reached.')]),
      model: MODEL,
      name: 'stranger',
    });
    const triage = createAgent({
      gemini: createScriptedGemini([callsTurn(['transfer_to_stranger', {}, 't1'])]),
      model: MODEL,
      name: 'triage',
      tools: [handoff(stranger)],
    });
    const error = await runWith(triage, jsonRecorder(new Map()), {
      handOffAgents: runnerAgents(billing, copy),
    }).catch((caught: unknown) => caught);
    expect((error as Error).message).toContain('unknown agent stranger');
  });
});
