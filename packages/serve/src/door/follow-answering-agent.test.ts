import { type Agent, createAgent, createGemini } from '@gemloop/core';
import { createChatSession } from '@gemloop/core/chat';
import { handoff } from '@gemloop/core/composition';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { conversationHolder, followAnsweringAgent } from './follow-answering-agent.ts';

// Which agent answers a door's run, event by event (doors53): the door's agent, then the one a
// top-level hand-off gives the run to; a subagent's hand-off is inside a tool call.

/** `triage`, handing to `cities` (with `output`) and `plain`, on a fake of its own. */
function triageAgent(): Agent {
  const fake = createFakeGemini({
    script: [turn.call('transfer_to_cities', {}), turn.text('{"city":"Paris"}')],
  });
  const gemini = createGemini({ apiKey: 'gemini-secret-key', retry: false, fetch: fake.fetch });
  const model = 'gemini-3-flash-preview';
  const city = z.object({ city: z.string() });
  const cities = createAgent({ gemini, model, name: 'cities', output: city }) as Agent;
  const plain = createAgent({ gemini, model, name: 'plain' });
  return createAgent({ gemini, model, name: 'triage', tools: [handoff(cities), handoff(plain)] });
}
const triage = triageAgent();

const handoffTo = (to: string, path: string[] = []) => ({ type: 'handoff', path, to });
const delta = { type: 'text-delta', path: [] };

describe('followAnsweringAgent', () => {
  it('switches at a top-level hand-off, to the receiver’s setting, and back to plain', () => {
    const answering = followAnsweringAgent(triage);
    expect(answering(delta)).toBe(false);
    expect(answering(handoffTo('cities'))).toBe(true);
    expect(answering(delta)).toBe(true);
    expect(answering(handoffTo('plain'))).toBe(false);
  });

  it('a subagent’s hand-off, or a name no receiver goes by, answers nothing of the run’s', () => {
    const answering = followAnsweringAgent(triage);
    expect(answering(handoffTo('cities', ['helper#1']))).toBe(false);
    expect(answering(handoffTo('nobody'))).toBe(false);
  });

  it('starts with the holder a hand-off left; no agent (a durable run by name) is never output', () => {
    expect(followAnsweringAgent(triage, 'cities')(delta)).toBe(true);
    const byName = followAnsweringAgent(undefined);
    expect(byName(handoffTo('cities'))).toBe(false);
  });
});

describe('conversationHolder', () => {
  it('names the agent a hand-off left holding the conversation; none before a send', async () => {
    const chat = createChatSession({ agent: triageAgent() });
    expect(await conversationHolder(chat)).toBeUndefined();
    await chat.send('Capital of France?');
    expect(await conversationHolder(chat)).toBe('cities');
  });

  it('a store that fails is read as no holder (the send reports it)', async () => {
    const failing = { turns: () => Promise.reject(new Error('store down')) };
    expect(await conversationHolder(failing)).toBeUndefined();
  });
});
