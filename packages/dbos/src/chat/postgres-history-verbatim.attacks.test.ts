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
import { freshDatabase } from '../__fixtures__/fleet.ts';
import { createPostgresHistoryStore } from '../index.ts';

// attack46b: a durable chat's history goes through Postgres (`jsonb`, which keeps values, not key
// order); the model's Contents of rare and newer shapes must reach the next send's request as the
// model sent them, read back by another store (a restart): signatures on text, calls and empty
// text; thought parts; code execution; model media; `videoMetadata`, `partMetadata`; call ids;
// a part, a Content and a call with a key this version does not know.

const callTurn = {
  role: 'model',
  futureContentField: { z: true },
  parts: [
    { text: 'Weighing it.', thought: true },
    { text: 'Let me look.', thoughtSignature: 'c2lnLXRleHQ=' },
    {
      executableCode: { language: 'PYTHON', code: 'print(1)', id: 'ec1' },
      thoughtSignature: 'c2lnLWNvZGU=',
    },
    { codeExecutionResult: { outcome: 'OUTCOME_OK', output: '1\n', id: 'ec1' } },
    { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
    {
      fileData: { mimeType: 'video/mp4', fileUri: 'https://example.test/v1beta/files/abc' },
      videoMetadata: { startOffset: '1s', endOffset: '2s', fps: 1 },
    },
    {
      functionCall: { id: 'w71i0cbt', name: 'lookup', args: { word: 'a' }, futureCallField: 1 },
      thoughtSignature: 'c2lnLWNhbGw=',
    },
    { functionCall: { id: '96c1su3s', name: 'lookup', args: { word: 'b' } } },
    { futureThing: { kind: 'chart', rows: [1, 2] } },
    { text: '', thoughtSignature: 'c2lnLWVtcHR5' },
    { text: 'noted', partMetadata: { source: 'y' } },
  ],
} as unknown as Content;

const answerTurn = {
  role: 'model',
  futureContentField: ['kept'],
  parts: [
    { text: 'Thought it over.', thought: true, thoughtSignature: 'c2lnLXRob3VnaHQ=' },
    { text: 'The answer.', thoughtSignature: 'c2lnLWFuc3dlcg==' },
    { futureThing: { kind: 'table' } },
  ],
} as unknown as Content;

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
