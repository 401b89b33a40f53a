// A chat's stored history edited by another process between two sends (attack-core7): the
// session reads the store at every send, so the next send meets the edit. Public imports only,
// the fake Gemini on 127.0.0.1 (Gemini 3: it checks the active loop's thought signatures). Held:
// an edit the API would refuse is a typed InvalidHistoryError before any request, at every send
// until the store is repaired (never a 400, never a request); an edit it accepts is sent.
import { type Content, createAgent, createChatSession, defineTool } from '@gemloop/core';
import type { ChatTurn, HistoryStore } from '@gemloop/core/chat';
import { InvalidHistoryError } from '@gemloop/core/errors';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { serve } from '../plugins/outside-attack-kit.ts';

const lookup = defineTool({
  name: 'lookup',
  parameters: z.object({ q: z.string() }),
  execute: ({ q }) => ({ found: q }),
});

// The first send stores one turn: user, model call (signed), function response, model text.
type Edit = (contents: Content[]) => Content[];
const refused: [string, Edit][] = [
  ['the call removed, its response kept', (c) => [c[0], c[2], c[3]] as Content[]],
  ['the response removed, its call kept', (c) => [c[0], c[1], c[3]] as Content[]],
  ['the user and model contents swapped', (c) => [c[1], c[0], c[2], c[3]] as Content[]],
  [
    'a role written "assistant"',
    (c) => [...c.slice(0, 3), { ...c[3], role: 'assistant' } as unknown as Content],
  ],
];
const kept: [string, Edit][] = [
  [
    'the thought signatures stripped (an earlier turn: not the active loop)',
    (c) =>
      c.map((content) => ({
        ...content,
        parts: content.parts?.map(({ thoughtSignature: _, ...part }) => part),
      })),
  ],
  [
    'a second model content after the last',
    (c) => [...c, { role: 'model', parts: [{ text: 'and' }] }],
  ],
  ['the turn emptied', () => []],
];

async function sessionEditedWith(edit: Edit) {
  const stored: ChatTurn[] = [];
  const store: HistoryStore = {
    load: async () => structuredClone(stored),
    append: async (_id, one) => void stored.push(structuredClone(one)),
    clear: async () => void stored.splice(0),
  };
  const { fake, gemini } = await serve([
    turn.call('lookup', { q: 'a' }),
    turn.text('found a'),
    turn.text('second'),
    turn.text('third'),
  ]);
  const agent = createAgent({ gemini, model: 'gemini-3-flash-preview', tools: [lookup] });
  const chat = createChatSession({ agent, store, id: 'edited' });
  await chat.send('find a');
  const first = stored[0] as ChatTurn;
  expect(first.contents).toHaveLength(4);
  first.contents = edit(first.contents);
  return { chat, fake, stored };
}

describe('a stored history edited between two sends', () => {
  for (const [label, edit] of refused) {
    it(`${label}: a typed error at each send, no request, nothing saved`, async () => {
      const { chat, fake, stored } = await sessionEditedWith(edit);
      for (const message of ['next', 'again']) {
        const error = await chat.send(message).then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
        expect(InvalidHistoryError.isInstance(error), String(error)).toBe(true);
      }
      expect(fake.modelRequests.map((request) => request.status)).toEqual([200, 200]);
      expect(stored).toHaveLength(1);
    });
  }

  for (const [label, edit] of kept) {
    it(`${label}: sent, answered, saved`, async () => {
      const { chat, fake, stored } = await sessionEditedWith(edit);
      expect((await chat.send('next')).text).toBe('second');
      expect((await chat.send('again')).text).toBe('third');
      expect(fake.modelRequests.map((request) => request.status)).toEqual([200, 200, 200, 200]);
      expect(stored).toHaveLength(3);
    });
  }
});
