import { type Task, TaskState } from '@a2a-js/sdk';
import { type Content, defineTool } from '@gemloop/core';
import { type FakeTurn, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as rare from '../../../testing/src/__fixtures__/rare-model-turns.ts';
import { serveA2A, userMessage } from '../a2a/__fixtures__/serve-a2a.ts';
import { serveAgUi } from '../ag-ui/__fixtures__/serve-ag-ui.ts';
import { serveMcp } from '../mcp/__fixtures__/serve-mcp.ts';

// leftovers60 (attack46b's check, at the three doors it left): each door keeps a conversation's
// history in its store (A2A a `contextId`, MCP a `sessionId`, AG-UI a `threadId`) between
// requests; the model's Contents of rare and newer shapes it holds must reach the next run's
// request as the model sent them (gemini-wire.md §6 rule 1): signatures on text, calls and empty
// text; thought parts; code execution; model media; `videoMetadata`, `partMetadata`; call ids; a
// part, a Content and a call with a key this version does not know. The conversation goes through
// the door's own client (the A2A SDK's, the MCP SDK's, `@ag-ui/client`'s), and what is asserted is
// the fake's recorded request of the second turn.

const callTurn = rare.callTurn({ futureCallField: 1, afterCall: [rare.parallelCall()] });
const answerTurn = rare.answerTurn();
const reply = (content: Content, streamed: boolean): FakeTurn => rare.reply(content, streamed);

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a word up.',
  parameters: z.object({ word: z.string() }),
  execute: ({ word }) => `${word}: found`,
});

/** The model Contents of the fake's last request, checked equal and byte-for-byte as JSON. */
function expectSentBack(requests: readonly { body: unknown }[]): void {
  const body = requests.at(-1)?.body as { contents: Content[] };
  const models = body.contents.filter((content) => content.role === 'model');
  expect(models).toEqual([callTurn, answerTurn]);
  expect(JSON.stringify(models)).toBe(JSON.stringify([callTurn, answerTurn]));
}

describe("the serving doors send the model's Contents back verbatim on the conversation's next turn", () => {
  for (const streamed of [false, true]) {
    const shape = streamed ? 'streamed' : 'whole';
    const script = () => [
      reply(callTurn, streamed),
      reply(answerTurn, streamed),
      turn.text('Again.'),
    ];

    it(`A2A: the next message of the contextId (model answers ${shape})`, async () => {
      const { client, fake } = await serveA2A(script(), { agent: { tools: [lookup] } });
      const a2a = await client();
      const first = (await a2a.sendMessage(userMessage('Go.') as never)) as Task;
      expect(first.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
      await a2a.sendMessage(userMessage('Once more.', { contextId: first.contextId }) as never);
      expect(fake.requests).toHaveLength(3);
      expectSentBack(fake.requests);
    });

    it(`MCP: the next ask_support call of the sessionId (model answers ${shape})`, async () => {
      const { httpClient, fake } = await serveMcp(script(), { agent: { tools: [lookup] } });
      const { client } = await httpClient();
      const ask = (message: string) =>
        client.callTool({ name: 'ask_support', arguments: { message, sessionId: 'verbatim' } });
      const first = await ask('Go.');
      expect(first.isError).not.toBe(true);
      await ask('Once more.');
      expect(fake.requests).toHaveLength(3);
      expectSentBack(fake.requests);
    });

    it(`AG-UI: the next run of the threadId (model answers ${shape})`, async () => {
      const { client, events, fake } = await serveAgUi(script(), { agent: { tools: [lookup] } });
      const http = client('alice', 'verbatim');
      const first = await events(http, 'Go.');
      expect(first.seen.at(-1)?.type).toBe('RUN_FINISHED');
      await events(http, 'Once more.');
      expect(fake.requests).toHaveLength(3);
      expectSentBack(fake.requests);
    });
  }
});
