import { setTimeout as sleep } from 'node:timers/promises';
import { type FakeScriptFunction, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { cleanUp, sentContents, serve, temporaryDirectory } from './__fixtures__/chat-fixtures.ts';
import { createChatSession } from './create-chat-session.ts';
import { createFileHistoryStore } from './create-file-history-store.ts';
import { createMemoryHistoryStore } from './create-memory-history-store.ts';

afterEach(cleanUp);

const model = 'gemini-2.5-flash';

/** A script that answers with the user's text after a pause, counting requests in flight. */
function trackingScript(pauseMs = 40) {
  const state = { inFlight: 0, maxInFlight: 0 };
  const script: FakeScriptFunction = async (_request, context) => {
    state.inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    await sleep(pauseMs);
    state.inFlight--;
    return turn.text(`Re: ${context.lastUserText}`);
  };
  return { state, script };
}

function texts(contents: readonly { parts: { text?: string | undefined }[] }[]): unknown[] {
  return contents.map((content) => content.parts[0]?.text);
}

describe('chat send ordering', () => {
  it.each([
    ['memory', async () => createMemoryHistoryStore()],
    ['file', async () => createFileHistoryStore({ directory: await temporaryDirectory() })],
  ])(
    'serialises concurrent sends of one session (%s store): the second sees the first',
    async (_name, makeStore) => {
      const { state, script } = trackingScript();
      const { fake, gemini } = await serve({ script });
      const chat = createChatSession({
        agent: createAgent({ gemini, model }),
        store: await makeStore(),
        id: 'one',
      });

      const results = await Promise.all([chat.send('A'), chat.send('B'), chat.send('C')]);

      expect(state.maxInFlight).toBe(1);
      expect(results.map((result) => result.text)).toEqual(['Re: A', 'Re: B', 'Re: C']);
      expect(texts(sentContents(fake, 1))).toEqual(['A', 'Re: A', 'B']);
      expect(texts(sentContents(fake, 2))).toEqual(['A', 'Re: A', 'B', 'Re: B', 'C']);
      expect(texts(await chat.history())).toEqual(['A', 'Re: A', 'B', 'Re: B', 'C', 'Re: C']);
    },
  );

  it('serialises sendStream with send, and two session objects on the same store and id', async () => {
    const { state, script } = trackingScript();
    const { fake, gemini } = await serve({ script });
    const agent = createAgent({ gemini, model });
    const store = createMemoryHistoryStore();
    const first = createChatSession({ agent, store, id: 'shared' });
    const second = createChatSession({ agent, store, id: 'shared' });

    const streamed = first.sendStream('A');
    const sent = second.send('B');
    let streamedText = '';
    for await (const event of streamed) if (event.type === 'text-delta') streamedText += event.text;
    await sent;

    expect(streamedText).toBe('Re: A');
    expect(state.maxInFlight).toBe(1);
    expect(texts(sentContents(fake, 1))).toEqual(['A', 'Re: A', 'B']);
  });

  it('runs sends of different sessions in parallel', async () => {
    let arrived = 0;
    let bothArrived!: () => void;
    const barrier = new Promise<void>((resolve) => {
      bothArrived = resolve;
    });
    // Each request waits until the other one has arrived: sends that ran one at a time would
    // time out here instead.
    const { gemini } = await serve({
      script: async (_request, context) => {
        if (++arrived === 2) bothArrived();
        const together = await Promise.race([barrier.then(() => true), sleep(2_000, false)]);
        return turn.text(together ? `together: ${context.lastUserText}` : 'alone');
      },
    });
    const agent = createAgent({ gemini, model });
    const store = createMemoryHistoryStore();

    const results = await Promise.all([
      createChatSession({ agent, store, id: 'alice' }).send('A'),
      createChatSession({ agent, store, id: 'bob' }).send('B'),
    ]);

    expect(results.map((result) => result.text)).toEqual(['together: A', 'together: B']);
  });

  it('runs history(), turns() and reset() in call order with the sends', async () => {
    const { script } = trackingScript(20);
    const { fake, gemini } = await serve({ script });
    const chat = createChatSession({ agent: createAgent({ gemini, model }) });

    const sending = chat.send('A');
    const afterA = chat.history();
    const resetting = chat.reset();
    const afterReset = chat.turns();
    const b = chat.send('B');
    await Promise.all([sending, resetting, b]);

    expect(texts(await afterA)).toEqual(['A', 'Re: A']);
    expect(await afterReset).toEqual([]);
    expect(texts(sentContents(fake, 1))).toEqual(['B']);
    expect(texts(await chat.history())).toEqual(['B', 'Re: B']);
  });

  it('goes on with the queue after a failed send', async () => {
    const { fake, gemini } = await serve({
      script: (_request, context) => turn.text(`Re: ${context.lastUserText}`),
      faults: [{ fault: { type: 'overloaded' }, on: 0 }],
    });
    const chat = createChatSession({ agent: createAgent({ gemini, model }) });

    const [failed, ok] = await Promise.allSettled([chat.send('A'), chat.send('B')]);

    expect(failed.status).toBe('rejected');
    expect(ok.status === 'fulfilled' && ok.value.text).toBe('Re: B');
    expect(texts(sentContents(fake, 1))).toEqual(['B']);
  });
});
