// attack-core8: a chat store's turns with parts the earlier passes did not try: one part with
// every data field at once, a function response named otherwise than its call, a thought
// signature on the user's own turn. Public imports only, the fake Gemini on 127.0.0.1. Each is
// refused typed before any request, or sent as stored and answered: never a silent drop.
import { type Content, createAgent, createChatSession } from '@gemloop/core';
import type { ChatTurn, HistoryStore } from '@gemloop/core/chat';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { everything, KEY, lookup, MODEL, serve } from '../plugins/outside-attack-kit.ts';

function storeOf(turns: ChatTurn[]): HistoryStore {
  return { load: () => turns, append: () => {}, clear: () => {} };
}
const user = (text: string): Content => ({ role: 'user', parts: [{ text }] });

// Whether each is refused (the proto's `Part.data` is a oneof: two data fields in one part is a
// request the API cannot parse) or kept as stored.
const cases: [string, Content[], 'refused' | 'kept'][] = [
  [
    'a model part with text, functionCall and inlineData at once',
    [
      user('hi'),
      {
        role: 'model',
        parts: [
          {
            text: 'both',
            functionCall: { name: 'lookup', args: { q: 'x' } },
            inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' },
          } as never,
        ],
      },
      { role: 'user', parts: [{ functionResponse: { name: 'lookup', response: { found: 'x' } } }] },
      { role: 'model', parts: [{ text: 'ok' }] },
    ],
    'refused',
  ],
  [
    'a function response whose name is not its call',
    [
      user('hi'),
      { role: 'model', parts: [{ functionCall: { name: 'lookup', args: { q: 'x' } } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'other', response: { found: 'x' } } }] },
      { role: 'model', parts: [{ text: 'ok' }] },
    ],
    'kept',
  ],
  [
    'a thought signature on the user turn',
    [
      { role: 'user', parts: [{ text: 'hi', thoughtSignature: 'c2lnbmF0dXJl' }] },
      { role: 'model', parts: [{ text: 'ok' }] },
    ],
    'kept',
  ],
];

describe('a chat store turn with odd parts', () => {
  for (const [label, contents, expected] of cases) {
    it(`${label}: typed refusal before a request, or sent as stored`, async () => {
      const { fake, gemini } = await serve([turn.text('fine')]);
      const agent = createAgent({ gemini, model: MODEL, tools: [lookup] });
      const session = createChatSession({ agent, store: storeOf([{ contents }]) });
      let error: unknown;
      let text: string | undefined;
      try {
        text = (await session.send('next')).text;
      } catch (caught) {
        error = caught;
      }
      expect(everything(error)).not.toContain(KEY);
      if (expected === 'refused') {
        expect((error as Error).name).toBe('InvalidHistoryError');
        expect(fake.modelRequests).toHaveLength(0);
        return;
      }
      expect(error).toBeUndefined();
      expect(text).toBe('fine');
      const sent = (fake.modelRequests[0]?.body as { contents: Content[] } | undefined)?.contents;
      expect(sent?.slice(0, contents.length)).toEqual(contents);
    });
  }
});
