import { describe, expect, it } from 'vitest';
import {
  callsTurn,
  createScriptedGemini,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { createMemoryHistoryStore } from '../chat/create-memory-history-store.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { handoff } from './handoff.ts';

const MODEL = 'gemini-2.5-flash';

// attack54: a chat session finds the agent holding a conversation by the name the hand-off went
// by (the stored turn's `agent`). A tree where two different agents go by one hand-off name (a
// public `billing` desk under triage, an admin `billing` desk with more tools under support)
// sent the next message to whichever the walk met first, not the agent the run handed to: the
// user's second message reached the public desk (or, the other way round, the admin one).
// Before the fix the first send answered and the second went to `publicBilling` (seen failing:
// publicGemini had 1 call).

/** triage → support → admin `billing`, with a public `billing` declared by triage itself. */
function desks() {
  const publicGemini = createScriptedGemini([textTurn('Public billing here.')]);
  const publicBilling = createAgent({ gemini: publicGemini, model: MODEL, name: 'billing' });
  const adminGemini = createScriptedGemini([textTurn('Admin billing: which invoice?')]);
  const adminBilling = createAgent({ gemini: adminGemini, model: MODEL, name: 'billing' });
  const supportGemini = createScriptedGemini([callsTurn(['transfer_to_billing', {}, 's1'])]);
  const support = createAgent({
    gemini: supportGemini,
    model: MODEL,
    name: 'support',
    tools: [handoff(adminBilling)],
  });
  const triageGemini = createScriptedGemini([callsTurn(['transfer_to_support', {}, 't1'])]);
  const triage = createAgent({
    gemini: triageGemini,
    model: MODEL,
    name: 'triage',
    tools: [handoff(publicBilling), handoff(support)],
  });
  return { triage, publicBilling, adminBilling, models: [publicGemini, adminGemini, triageGemini] };
}

describe('two different agents handed to under one name (attack54)', () => {
  it('a chat session refuses the tree before anything is sent, naming the name and the fix', async () => {
    const { triage, models } = desks();
    const chat = createChatSession({ agent: triage, store: createMemoryHistoryStore(), id: 'u1' });
    const refused = await chat.send('Refund please.').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(InvalidArgumentError);
    expect((refused as InvalidArgumentError).argument).toBe('agent');
    expect((refused as Error).message).toBe(
      'createChatSession: two different agents are handed to under the name "billing". A conversation a hand-off gave away is found again by that name, so the next message would go to the wrong one: give them different names (handoff(agent, { name }), or the agents\' name option), or hand to the same agent object.',
    );
    // Every send is refused alike, and no model was called.
    await expect(chat.sendStream('Again.').result).rejects.toBeInstanceOf(InvalidArgumentError);
    for (const model of models) expect(model.calls).toHaveLength(0);
    await chat.close();
  });

  it('a session plugin declaring another agent under a name of the tree is refused too', async () => {
    const { publicBilling, adminBilling } = desks();
    const plugin = definePlugin({ name: 'desk', receivers: { billing: adminBilling } });
    const chat = createChatSession({ agent: publicBilling, plugins: [plugin], id: 'u2' });
    // The agent itself declares no `billing`: the session's plugin alone names one, held.
    expect((await chat.send('Hi.')).text).toBe('Public billing here.');
    const { triage } = desks();
    const twice = createChatSession({ agent: triage, plugins: [plugin], id: 'u3' });
    await expect(twice.send('Hi.')).rejects.toThrow(/two different agents .* "billing"/);
  });

  // leftovers68: a plain run of the same tree was not refused; its hand-off went to whichever
  // agent the walk met first. Seen failing before the fix: agent.run resolved (triage's model
  // was called) instead of rejecting.
  it('a plain agent.run or agent.stream of the tree is refused before any model call', async () => {
    const { triage, models } = desks();
    const refused = await triage.run('Refund please.').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(InvalidArgumentError);
    expect((refused as InvalidArgumentError).argument).toBe('tools');
    expect((refused as Error).message).toBe(
      'agent.run: two different agents are handed to under the name "billing". A conversation a hand-off gave away is found again by that name, so the next message would go to the wrong one: give them different names (handoff(agent, { name }), or the agents\' name option), or hand to the same agent object.',
    );
    const streamed = triage.stream('Refund please.');
    const events: string[] = [];
    const ended = (async () => {
      for await (const event of streamed) events.push(event.type);
    })();
    await expect(streamed.result).rejects.toThrow(
      /^agent\.stream: two different agents .* "billing"/,
    );
    await ended.catch(() => {});
    expect(events).not.toContain('text-delta');
    for (const model of models) expect(model.calls).toHaveLength(0);
  });

  it('one agent declared under one name twice, and a hand-off back to the root, are held', async () => {
    const { triage, billingGemini } = oneBillingTwice([
      'Billing: which invoice?',
      'Billing: refunded.',
    ]);
    const chat = createChatSession({ agent: triage, store: createMemoryHistoryStore(), id: 'u4' });
    expect((await chat.send('Refund please.')).text).toBe('Billing: which invoice?');
    expect((await chat.send('Invoice 7.')).text).toBe('Billing: refunded.');
    expect(billingGemini.calls).toHaveLength(2);
  });

  it('a plain run of a tree declaring one agent under one name twice hands off and answers', async () => {
    const { triage } = oneBillingTwice(['Billing: which invoice?']);
    expect((await triage.run('Refund please.')).text).toBe('Billing: which invoice?');
  });
});

/** triage → support → `billing`, with the same `billing` declared by triage itself; `billing` answers `texts`. */
function oneBillingTwice(texts: string[]) {
  const billingGemini = createScriptedGemini(texts.map((text) => textTurn(text)));
  const billing = createAgent({ gemini: billingGemini, model: MODEL, name: 'billing' });
  const support = createAgent({
    gemini: createScriptedGemini([callsTurn(['transfer_to_billing', {}, 's1'])]),
    model: MODEL,
    name: 'support',
    tools: [handoff(billing)],
  });
  const triage = createAgent({
    gemini: createScriptedGemini([callsTurn(['transfer_to_support', {}, 't1'])]),
    model: MODEL,
    name: 'triage',
    tools: [handoff(billing), handoff(support)],
  });
  return { triage, billingGemini };
}
