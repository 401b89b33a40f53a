import { type Content, defineTool } from '@gemloop/core';
import { type FakeTurn, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { serveOpenAI } from './__fixtures__/serve-openai.ts';

// attack46b: a door keeps a thread's history in its store (`createDoorHistoryStore`) between
// requests; the model's Contents of rare and newer shapes it holds must reach the next run's
// request as the model sent them (gemini-wire.md §6 rule 1): signatures on text, calls and empty
// text; thought parts; code execution; model media; `videoMetadata`, `partMetadata`; call ids; a
// part, a Content and a call with a key this version does not know (the fake takes back what it
// served, as the API that wrote it does).

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

function reply(content: Content, streamed: boolean): FakeTurn {
  const response = (piece: Content) => ({ candidates: [{ content: piece, finishReason: 'STOP' }] });
  if (!streamed) return turn.raw(response(content));
  const { parts, ...fields } = content;
  return turn.raw(
    parts.map((part, index) =>
      response({ ...(index === 0 ? fields : {}), parts: [part] } as Content),
    ),
  );
}

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a word up.',
  parameters: z.object({ word: z.string() }),
  execute: ({ word }) => `${word}: found`,
});

describe("the OpenAI door's history store sends the model's Contents back verbatim", () => {
  for (const streamed of [false, true]) {
    it(`on previous_response_id (${streamed ? 'streamed' : 'unary'} model calls)`, async () => {
      const { client, fake } = await serveOpenAI(
        [reply(callTurn, streamed), reply(answerTurn, streamed), turn.text('Again.')],
        { agent: { tools: [lookup] } },
      );
      const first = await client().responses.create({
        model: 'support-agent',
        input: 'Go.',
        stream: streamed,
      });
      let id = '';
      if ('id' in first) id = first.id;
      else
        for await (const event of first)
          if (event.type === 'response.completed') id = event.response.id;
      await client().responses.create({
        model: 'support-agent',
        input: 'Once more.',
        previous_response_id: id,
      });
      const body = fake.requests.at(-1)?.body as { contents: Content[] };
      const models = body.contents.filter((content) => content.role === 'model');
      expect(models).toEqual([callTurn, answerTurn]);
      expect(JSON.stringify(models)).toBe(JSON.stringify([callTurn, answerTurn]));
    });
  }
});
