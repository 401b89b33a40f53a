import {
  type Content,
  createAgent,
  createChatSession,
  createGemini,
  defineTool,
} from '@gemloop/core';
import { createFakeGemini, type FakeTurn, turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as rare from '../../../testing/src/__fixtures__/rare-model-turns.ts';
import { freshDatabase } from '../__fixtures__/fleet.ts';
import { createPostgresHistoryStore } from '../index.ts';

// attack46b: a durable chat's history goes through Postgres (`jsonb`, which keeps values, not key
// order); the model's Contents of rare and newer shapes must reach the next send's request as the
// model sent them, read back by another store (a restart): signatures on text, calls and empty
// text; thought parts; code execution; model media; `videoMetadata`, `partMetadata`; call ids;
// a part, a Content and a call with a key this version does not know.

const callTurn = rare.callTurn({ futureCallField: 1, afterCall: [rare.parallelCall()] });
const answerTurn = rare.answerTurn();

const raw = (content: Content): FakeTurn =>
  turn.raw({ candidates: [{ content, finishReason: 'STOP' }] });

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a word up.',
  parameters: z.object({ word: z.string() }),
  execute: ({ word }) => `${word}: found`,
});

describe("a Postgres chat history sends the model's Contents back verbatim", () => {
  let databaseUrl: string;
  // The fake takes back the keys it served, as the API that wrote them does.
  const fake = createFakeGemini({
    script: [raw(callTurn), raw(answerTurn), turn.text('Again.')],
    signatureValidation: 'present',
  });
  beforeAll(async () => {
    databaseUrl = await freshDatabase('verbatim');
  });
  afterAll(() => fake.close());

  it('after a restart (another store reads it)', async () => {
    const agent = createAgent({
      gemini: createGemini({ apiKey: 'k', fetch: fake.fetch, retry: false }),
      model: 'gemini-3-flash-preview',
      tools: [lookup],
    });
    const first = createPostgresHistoryStore({ connectionString: databaseUrl });
    const chat = createChatSession({ agent, store: first, id: 'rare' });
    expect((await chat.send('Go.')).text).toBe('The answer.');
    await chat.close();
    await first.close();
    const second = createPostgresHistoryStore({ connectionString: databaseUrl });
    const again = createChatSession({ agent, store: second, id: 'rare' });
    await again.send('Once more.');
    await again.close();
    await second.close();
    const body = fake.requests.at(-1)?.body as { contents: Content[] };
    const models = body.contents.filter((content) => content.role === 'model');
    // Deep-equal; jsonb keeps no key order.
    expect(models).toEqual([callTurn, answerTurn]);
  });
});
