import { describe, expect, it } from 'vitest';
import {
  callsTurn,
  createScriptedGemini,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { createMemoryHistoryStore } from '../chat/create-memory-history-store.ts';
import { handoff } from './handoff.ts';

const MODEL = 'gemini-2.5-flash';

// attack55 (issue 53): names a chat session finds the agent holding a conversation by (the stored
// turn's `agent`), chosen to look like something else. Names Gemini's tool rule refuses (NFD
// accents, a Cyrillic look-alike, a trailing space) are refused at handoff(), typed; names that
// differ only in case are two names. `__proto__` broke: definePlugin copied a plugin's receivers
// with `copy[name] = agent`, which for `__proto__` set the copy's prototype instead of declaring
// the agent, so the hand-off to it failed the run (a PluginError: "which its receivers do not
// declare"). Seen failing before the fix: the first send threw.

/** root hands to one desk named `name`; the desk answers two messages. */
function deskUnder(name: string) {
  const deskGemini = createScriptedGemini([textTurn(`${name}: hi.`), textTurn(`${name}: again.`)]);
  const desk = createAgent({ gemini: deskGemini, model: MODEL, name });
  const rootGemini = createScriptedGemini([callsTurn([`transfer_to_${name}`, {}, 't1'])]);
  const root = createAgent({
    gemini: rootGemini,
    model: MODEL,
    name: 'root',
    tools: [handoff(desk)],
  });
  return { root, deskGemini, rootGemini };
}

describe('hand-off names that look like object machinery', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'a desk named %s holds the conversation: both messages reach it, none the root',
    async (name) => {
      const { root, deskGemini, rootGemini } = deskUnder(name);
      const chat = createChatSession({ agent: root, store: createMemoryHistoryStore(), id: name });
      expect((await chat.send('Hi.')).text).toBe(`${name}: hi.`);
      expect((await chat.send('Again.')).text).toBe(`${name}: again.`);
      expect(deskGemini.calls).toHaveLength(2);
      expect(rootGemini.calls).toHaveLength(1);
      await chat.close();
    },
  );

  it('two desks whose names differ only in case each keep their own conversation', async () => {
    const lower = createScriptedGemini([textTurn('lower: hi.'), textTurn('lower: again.')]);
    const upper = createScriptedGemini([textTurn('upper: hi.'), textTurn('upper: again.')]);
    const desks = [
      createAgent({ gemini: lower, model: MODEL, name: 'billing' }),
      createAgent({ gemini: upper, model: MODEL, name: 'Billing' }),
    ];
    const rootGemini = createScriptedGemini([
      callsTurn(['transfer_to_Billing', {}, 't1']),
      callsTurn(['transfer_to_billing', {}, 't2']),
    ]);
    const root = createAgent({
      gemini: rootGemini,
      model: MODEL,
      name: 'root',
      tools: desks.map((desk) => handoff(desk)),
    });
    const store = createMemoryHistoryStore();
    const first = createChatSession({ agent: root, store, id: 'upper' });
    const second = createChatSession({ agent: root, store, id: 'lower' });
    expect((await first.send('Hi.')).text).toBe('upper: hi.');
    expect((await second.send('Hi.')).text).toBe('lower: hi.');
    expect((await first.send('Again.')).text).toBe('upper: again.');
    expect((await second.send('Again.')).text).toBe('lower: again.');
  });
});
