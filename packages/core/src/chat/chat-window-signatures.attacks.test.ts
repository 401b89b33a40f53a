// leftovers80 (attack64a's leftover): a chat's window did not bound thought signatures. The token
// estimate skips them (not text the model reads) and the API's usage does not count them, so a
// model that signs each answer with a huge `thoughtSignature` had every one of them sent again
// under `limit: { maxTokens: 1000 }`: the 6th request carried five, and a long-thinking
// conversation grew until every send failed (Google bounds a signature only by the request size:
// docs.cloud.google.com/vertex-ai/generative-ai/docs/thought-signatures). A limited window now
// sends again at most MAX_HISTORY_SIGNATURE_CHARACTERS of signatures and drops the oldest whole
// turns past it: what it sends stays verbatim, signatures included.

import type { Content } from '@gemloop/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { cleanUp, sentContents, serve, temporaryDirectory } from './__fixtures__/chat-fixtures.ts';
import { createChatSession } from './create-chat-session.ts';
import { createFileHistoryStore } from './create-file-history-store.ts';
import type { HistoryStore } from './history-store.ts';

afterEach(cleanUp);

const model = 'gemini-3-flash-preview';

/** A signed text answer, the signature `size` characters of base64. */
function signed(index: number, size: number) {
  const signature = `${String(index).padStart(4, '0')}${'A'.repeat(size - 4)}`;
  return {
    raw: {
      candidates: [
        {
          content: {
            role: 'model',
            parts: [{ text: `Answer ${index}.`, thoughtSignature: signature }],
          },
          finishReason: 'STOP',
        },
      ],
      usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 3, totalTokenCount: 13 },
    },
  };
}

async function converse(size: number, streamed: boolean, store?: HistoryStore) {
  const { fake, gemini } = await serve({
    script: Array.from({ length: 6 }, (_, index) => signed(index + 1, size)),
    signatureValidation: 'off',
  });
  const chat = createChatSession({
    agent: createAgent({ gemini, model }),
    limit: { maxTokens: 1000 },
    ...(store === undefined ? {} : { store, id: 'signed' }),
  });
  for (let send = 1; send <= 6; send++) {
    const result = streamed
      ? await chat.sendStream(`Question ${send}?`).result
      : await chat.send(`Question ${send}?`);
    expect(result.text).toBe(`Answer ${send}.`);
  }
  return fake;
}

describe("a chat's window bounds the thought signatures it sends again", () => {
  for (const streamed of [false, true]) {
    const how = streamed ? 'sendStream' : 'send';

    it(`${how}: huge signatures drop the oldest turns instead of riding along`, async () => {
      const fake = await converse(2_000_000, streamed);
      const sizes = fake.modelRequests.map((request) => JSON.stringify(request.body).length);
      // Two 2 MB signatures fit the bound, a third does not: the 4th to 6th sends stay the size
      // of the 3rd (before: 10 MB on the 6th, and growing).
      for (const size of sizes.slice(3)) expect(size).toBeLessThan(4_100_000);
      expect(sizes[5]).toBe(sizes[3]);
      const sixth = sentContents(fake, 5);
      expect(sixth.map((content: Content) => content.parts?.[0]?.text)).toEqual([
        'Question 4?',
        'Answer 4.',
        'Question 5?',
        'Answer 5.',
        'Question 6?',
      ]);
      // Those sent keep their signatures whole.
      expect(sixth[1]?.parts?.[0]?.thoughtSignature?.length).toBe(2_000_000);
      expect(sixth[3]?.parts?.[0]?.thoughtSignature?.slice(0, 4)).toBe('0005');
    });

    it(`${how}: small signatures are sent again verbatim, as before`, async () => {
      const fake = await converse(200, streamed);
      const sixth = sentContents(fake, 5);
      expect(sixth).toHaveLength(11);
      const signatures = sixth.flatMap((content: Content) =>
        (content.parts ?? []).flatMap((part) =>
          part.thoughtSignature === undefined ? [] : [part.thoughtSignature],
        ),
      );
      expect(signatures.map((signature) => signature.slice(0, 4))).toEqual([
        '0001',
        '0002',
        '0003',
        '0004',
        '0005',
      ]);
      expect(signatures.every((signature) => signature.length === 200)).toBe(true);
    });
  }

  it('send on a file store (its held window): the same bound', async () => {
    const store = createFileHistoryStore({ directory: await temporaryDirectory() });
    const fake = await converse(2_000_000, false, store);
    const sixth = sentContents(fake, 5);
    expect(sixth.map((content: Content) => content.parts?.[0]?.text)).toEqual([
      'Question 4?',
      'Answer 4.',
      'Question 5?',
      'Answer 5.',
      'Question 6?',
    ]);
    expect(sixth[1]?.parts?.[0]?.thoughtSignature?.length).toBe(2_000_000);
  });
});
