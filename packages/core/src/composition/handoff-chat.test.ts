import { describe, expect, it } from 'vitest';
import {
  callsTurn,
  createScriptedGemini,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import { temporaryDirectory } from '../chat/__fixtures__/chat-fixtures.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { createFileHistoryStore } from '../chat/create-file-history-store.ts';
import { handoff } from './handoff.ts';
import { subagent } from './subagent.ts';

const MODEL = 'gemini-2.5-flash';

describe('handoffs and subagents in a chat session', () => {
  it('sends the next message to the agent that holds the conversation, also from a reloaded file store', async () => {
    const billingGemini = createScriptedGemini([
      textTurn('Which invoice?'),
      textTurn('Refunded invoice 7.'),
      textTurn('Anything else?'),
    ]);
    const billing = createAgent({
      gemini: billingGemini,
      model: MODEL,
      name: 'billing',
      instructions: 'You handle billing.',
    });
    const triageGemini = createScriptedGemini([callsTurn(['transfer_to_billing', {}, 't1'])]);
    const triage = createAgent({
      gemini: triageGemini,
      model: MODEL,
      name: 'triage',
      tools: [handoff(billing)],
    });
    const directory = await temporaryDirectory();
    const store = createFileHistoryStore({ directory });
    const chat = createChatSession({ agent: triage, store, id: 'user-1' });
    expect((await chat.send('I want a refund.')).text).toBe('Which invoice?');
    expect((await chat.send('Invoice 7.')).text).toBe('Refunded invoice 7.');
    // Triage answered once (the transfer); billing took both messages since.
    expect(triageGemini.calls).toHaveLength(1);
    expect(billingGemini.calls).toHaveLength(2);
    expect(billingGemini.contentsOf(1).at(-1)).toEqual({
      role: 'user',
      parts: [{ text: 'Invoice 7.' }],
    });

    await chat.close();
    const reopened = createChatSession({
      agent: triage,
      store: createFileHistoryStore({ directory }),
      id: 'user-1',
    });
    expect((await reopened.send('Thanks.')).text).toBe('Anything else?');
    expect(triageGemini.calls).toHaveLength(1);
    expect(billingGemini.calls).toHaveLength(3);
    await reopened.close();
  });

  it('runs a subagent inside a chat send, streamed, with its events tagged', async () => {
    const child = createAgent({
      gemini: createScriptedGemini([textTurn('42')]),
      model: MODEL,
    });
    const lead = createAgent({
      gemini: createScriptedGemini([
        callsTurn(['ask', { task: 'The answer?' }, 'a1']),
        textTurn('It is 42.'),
      ]),
      model: MODEL,
      tools: [subagent(child, { name: 'ask', description: 'Asks.' })],
    });
    const chat = createChatSession({ agent: lead });
    const stream = chat.sendStream('Question');
    const paths: string[] = [];
    for await (const event of stream)
      if (event.type === 'text-delta') paths.push(event.path.join('/'));
    expect(paths).toEqual(['ask#1', '']);
    expect((await stream.result).text).toBe('It is 42.');
  });
});
