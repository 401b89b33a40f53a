import { type Content, defineTool } from '@gemloop/core';
import { type FakeTurn, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as rare from '../../../testing/src/__fixtures__/rare-model-turns.ts';
import { serveOpenAI } from './__fixtures__/serve-openai.ts';

// attack46b: a door keeps a thread's history in its store (`createDoorHistoryStore`) between
// requests; the model's Contents of rare and newer shapes it holds must reach the next run's
// request as the model sent them (gemini-wire.md §6 rule 1): signatures on text, calls and empty
// text; thought parts; code execution; model media; `videoMetadata`, `partMetadata`; call ids; a
// part, a Content and a call with a key this version does not know (the fake takes back what it
// served, as the API that wrote it does).

const callTurn = rare.callTurn({ futureCallField: 1, afterCall: [rare.parallelCall()] });
const answerTurn = rare.answerTurn();
const reply = (content: Content, streamed: boolean): FakeTurn => rare.reply(content, streamed);

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
