import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { createMemoryHistoryStore } from '../chat/create-memory-history-store.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createInteractions } from './create-interactions.ts';
import { interactionsApi } from './interactions-api.ts';

// The server forgets interactions: deleted by the app, or past the API's retention (a day on the
// free tier). A history whose interaction is gone is sent whole again, as the docs promise ("a
// server that forgot"), instead of failing every later turn with the 404 of its
// `previous_interaction_id`.

const MODEL = 'gemini-3-flash-preview';
let fake: FakeGemini | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start() {
  fake = createFakeGemini({
    script: (_request, { lastUserText }) => turn.text(`echo ${lastUserText}`),
  });
  const { url } = await fake.listen();
  return createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
}

const creates = () =>
  (fake?.requests ?? [])
    .filter((request) => request.method === 'interactions.create')
    .map((request) => request.body as Record<string, unknown>);

describe.each([
  ['unary', false],
  ['streamed', true],
  ['in the background', 'background'],
] as const)('a chat whose interaction the server forgot (%s)', (_name, mode) => {
  it('sends the whole history once, then only what is new again', async () => {
    const gemini = await start();
    const api = interactionsApi(mode === 'background' ? { background: { pollIntervalMs: 1 } } : {});
    const store = createMemoryHistoryStore();
    const send = async (chat: ReturnType<typeof createChatSession>, text: string) => {
      if (mode !== true) return (await chat.send(text)).text;
      const stream = chat.sendStream(text);
      for await (const _event of stream) {
        // drained
      }
      return (await stream.result).text;
    };
    const chat = createChatSession({
      agent: createAgent({ gemini, model: MODEL, api }),
      id: 'u',
      store,
    });
    await send(chat, 'first');
    const stored = await chat.turns();
    await createInteractions(gemini).delete(stored[0]?.interactionId as string);

    expect(await send(chat, 'second')).toBe('echo second');
    const [, forgotten, whole] = creates();
    expect(forgotten?.['previous_interaction_id']).toBe(stored[0]?.interactionId);
    expect(whole?.['previous_interaction_id']).toBeUndefined();
    // The first answer's thought step goes back with its signature, as the API asks of a
    // stateless history (the fake refuses one it did not issue, so 'echo second' proves it whole).
    expect(whole?.['input']).toEqual([
      { type: 'user_input', content: [{ type: 'text', text: 'first' }] },
      { type: 'thought', signature: expect.stringMatching(/^[A-Za-z0-9+/]{40,}={0,2}$/) },
      { type: 'model_output', content: [{ type: 'text', text: 'echo first' }] },
      { type: 'user_input', content: [{ type: 'text', text: 'second' }] },
    ]);
    // The next turn continues from the interaction that answered the whole history.
    expect(await send(chat, 'third')).toBe('echo third');
    expect(creates().at(-1)).toMatchObject({
      previous_interaction_id: expect.any(String),
      input: [{ type: 'user_input', content: [{ type: 'text', text: 'third' }] }],
    });
    await chat.close();

    // Another process reopening the stored session after the server forgot its last interaction.
    const last = (
      await createChatSession({
        agent: createAgent({ gemini, model: MODEL, api }),
        id: 'u',
        store,
      }).turns()
    ).at(-1);
    await createInteractions(gemini).delete(last?.interactionId as string);
    const reopened = createChatSession({
      agent: createAgent({ gemini, model: MODEL, api }),
      id: 'u',
      store,
    });
    expect(await send(reopened, 'fourth')).toBe('echo fourth');
    await reopened.close();
  });
});
