import { createAgent, createChatSession, createGemini } from '@gemloop/core';
import type { ChatTurn } from '@gemloop/core/chat';
import { InvalidArgumentError } from '@gemloop/core/errors';
import { describe, expect, it } from 'vitest';
import type { DurableRuns } from '../durable/runs/durable-runs.ts';
import type { PostgresHistoryStore } from './create-postgres-history-store.ts';
import { sendDurableChatTurn } from './send-durable-chat-turn.ts';

// A durable chat turn's `limit` from outside (leftovers81): a careless caller's bad limit is
// refused with core's error before the store is read or a run started, and a window that drops
// turns goes in the run's input even with historyByReference (a reference names a session's
// first turns).

const turnOf = (text: string): ChatTurn => ({
  contents: [
    { role: 'user', parts: [{ text }] },
    { role: 'model', parts: [{ text: `re ${text}` }] },
  ],
});

function doubles(turns: ChatTurn[]) {
  const loads: string[] = [];
  const inputs: { history: unknown }[] = [];
  const store = {
    table: 'gemloop_chat_turns',
    load: async (id: string) => {
      loads.push(id);
      return turns;
    },
    append: async () => {},
  } as unknown as PostgresHistoryStore;
  const runs = {
    start: async (_agent: string, input: { runId: string; history: unknown }) => {
      inputs.push(input);
      return { runId: input.runId };
    },
    result: async () => ({
      newContents: [],
      steps: [],
      text: 'ok',
      usage: { promptTokenCount: 0, candidatesTokenCount: 0, totalTokenCount: 0 },
    }),
  } as unknown as DurableRuns;
  return { store, runs, loads, inputs };
}

const agent = createAgent({
  gemini: createGemini({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9' }),
  model: 'gemini-3-flash-preview',
});

describe('sendDurableChatTurn: limit', () => {
  it.each([
    ['a negative maxTurns', { maxTurns: -1 }, 'limit.maxTurns must be a whole number >= 0'],
    ['a fractional maxTurns', { maxTurns: 1.5 }, 'limit.maxTurns must be a whole number >= 0'],
    ['a zero maxTokens', { maxTokens: 0 }, 'limit.maxTokens must be a number > 0'],
    ['a string maxTokens', { maxTokens: '100' }, 'limit.maxTokens must be a number > 0'],
    ['an unknown key', { maxTurn: 3 }, 'maxTurn'],
  ])(
    'refuses %s with core’s error, as a chat session does, before any read',
    async (_label, limit, words) => {
      const d = doubles([turnOf('a')]);
      const caught = await sendDurableChatTurn({
        runs: d.runs,
        store: d.store,
        sessionId: 's',
        agent: 'a',
        message: 'hi',
        limit: limit as never,
      }).catch((error: unknown) => error);
      expect(caught).toBeInstanceOf(InvalidArgumentError);
      expect((caught as Error).message).toContain(words);
      expect(d.loads).toEqual([]);
      expect(d.inputs).toEqual([]);
      // The chat session's own refusal says the same of the same limit.
      let session: unknown;
      try {
        createChatSession({ agent, limit: limit as never });
      } catch (error) {
        session = error;
      }
      expect(session).toBeInstanceOf(InvalidArgumentError);
      expect((session as Error).message).toContain(words);
    },
  );

  it('sends only the window, in the input even with historyByReference', async () => {
    const d = doubles([turnOf('one'), turnOf('two'), turnOf('three')]);
    await sendDurableChatTurn({
      runs: d.runs,
      store: d.store,
      sessionId: 's',
      agent: 'a',
      message: 'four',
      limit: { maxTurns: 1 },
      historyByReference: true,
    });
    expect(d.inputs[0]?.history).toEqual(turnOf('three').contents);
  });

  it('still refers to the thread when the window sends every turn', async () => {
    const d = doubles([turnOf('one'), turnOf('two')]);
    await sendDurableChatTurn({
      runs: d.runs,
      store: d.store,
      sessionId: 's',
      agent: 'a',
      message: 'three',
      limit: { maxTurns: 5 },
      historyByReference: true,
    });
    expect(d.inputs[0]?.history).toMatchObject({ from: { sessionId: 's', turns: 2 } });
  });

  it('sends the message alone under maxTurns 0, keeping the holder of a handed-off thread', async () => {
    const d = doubles([{ ...turnOf('one'), agent: 'billing' }]);
    await sendDurableChatTurn({
      runs: d.runs,
      store: d.store,
      sessionId: 's',
      agent: 'a',
      message: 'two',
      limit: { maxTurns: 0 },
    });
    expect(d.inputs[0]).toMatchObject({ history: [], holder: 'billing' });
  });
});
