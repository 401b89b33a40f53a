// attack58: a chat session over a store whose `loadRecent` (read when `limit` bounds the history)
// answers with getters that throw, a Proxy, or counts that are no whole number. `load`'s answer
// was read under a guard (chat-session-store.attacks.test.ts); `loadRecent`'s fields were read
// bare, so a send failed with the store's own Error, untyped. Each send, unary and streamed,
// must end with a ChatStoreError naming the store's method and the session.
import { createAgent, createGemini } from '@gemloop/core';
import { createChatSession, type HistoryStore } from '@gemloop/core/chat';
import { ChatStoreError } from '@gemloop/core/errors';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const broken = (): never => {
  throw new Error('the store’s getter broke');
};

describe.each(['send', 'sendStream'] as const)(
  'a chat %s whose store answers loadRecent with',
  (mode) => {
    it.each<[string, () => unknown, RegExp]>([
      [
        'an olderTurns getter that throws',
        () => ({
          turns: [],
          get olderTurns() {
            return broken();
          },
        }),
        /loadRecent\("ann"\) returned an answer that cannot be read: .*getter broke/,
      ],
      [
        'a turns getter that throws',
        () => ({
          get turns() {
            return broken();
          },
          olderTurns: 0,
        }),
        /loadRecent\("ann"\) returned an answer that cannot be read: .*getter broke/,
      ],
      ['a Proxy whose every read throws', () => new Proxy({}, { get: broken }), /getter broke/],
      ['an olderTurns past any count', () => ({ turns: [], olderTurns: 1e300 }), /olderTurns >= 0/],
      ['a negative olderTurns', () => ({ turns: [], olderTurns: -1 }), /olderTurns >= 0/],
    ])('%s: the send fails typed, naming the session', async (_name, answer, message) => {
      const fake = createFakeGemini({ script: [turn.text('never sent')] });
      fakes.push(fake);
      const gemini = createGemini({ fetch: fake.fetch, apiKey: 'test-key', retry: false });
      const agent = createAgent({ gemini, model: 'gemini-3-flash-preview' });
      const store: HistoryStore = {
        load: () => [],
        loadRecent: answer as NonNullable<HistoryStore['loadRecent']>,
        append: () => {},
        clear: () => {},
      };
      const chat = createChatSession({ agent, store, id: 'ann', limit: { maxTurns: 3 } });
      const sending = mode === 'send' ? chat.send('hi') : chat.sendStream('hi').result;
      const error = await sending.catch((caught: unknown) => caught);
      expect(ChatStoreError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ operation: 'load', sessionId: 'ann' });
      expect((error as Error).message).toMatch(message);
      expect(fake.modelRequests).toHaveLength(0);
    });
  },
);
