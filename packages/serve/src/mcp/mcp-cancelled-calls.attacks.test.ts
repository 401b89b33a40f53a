import { defineTool } from '@gemloop/core';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { connectRaw, openRawSession } from './__fixtures__/raw-mcp-session.ts';
import { serveMcp } from './__fixtures__/serve-mcp.ts';

// A client's `notifications/cancelled` (attack62f). MCP (2025-06-18, Utilities, Cancellation):
// the receiver stops the request, frees what it holds, and sends it no answer. The SDK (1.32)
// sends none, but its Streamable HTTP transport ends a POST's stream only once every request of
// it has its answer: a cancelled call's POST stayed open for ever, with its id claimed and its
// session never idle. And the SDK's cancel skips a falsy id (`if (!params.requestId) return`), so
// a call of id 0 or "" (both ids JSON-RPC and MCP allow) was never stopped, by the client's
// cancel or by its connection closing: its run went on for no one.

/** `slow`: waits until its signal aborts (`aborts` counts them), or until `open()`. */
function slowTool() {
  const state = { runs: 0, aborts: 0 };
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const tool = defineTool({
    name: 'slow',
    description: 'Waits.',
    parameters: z.object({ n: z.number() }),
    execute: async ({ n }, context) => {
      state.runs += 1;
      await Promise.race([
        gate,
        new Promise<void>((resolve) => {
          const stop = () => {
            state.aborts += 1;
            resolve();
          };
          if (context.signal.aborted) stop();
          else context.signal.addEventListener('abort', stop);
        }),
      ]);
      return { n };
    },
  });
  return { tool, state, open: () => open() };
}

const call = (id: string | number, n: number) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'slow', arguments: { n } },
});
const cancel = (requestId: string | number) => ({
  jsonrpc: '2.0',
  method: 'notifications/cancelled',
  params: { requestId, reason: 'The user stopped it.' },
});

/** Resolves once `check()` holds (the test's timeout is the hang guard). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('MCP: a cancelled call', () => {
  it.each([5, 'job-5', 0, ''])(
    'of id %j: its run stops, its POST ends without an answer, its id is free again',
    async (id) => {
      const slow = slowTool();
      const { url, errors } = await serveMcp([], { door: { exposeTools: [slow.tool] } });
      const post = await openRawSession(url);
      const first = post(call(id, 1));
      await until(() => slow.state.runs === 1);
      expect((await post(cancel(id))).status).toBe(202);
      const ended = await first;
      expect(slow.state.aborts).toBe(1);
      expect(ended.status).toBe(200);
      // No answer for the cancelled request (MCP: the receiver does not send one).
      expect(ended.messages.filter((message) => 'id' in message)).toEqual([]);
      slow.open();
      const again = await post(call(id, 2));
      expect(again.messages).toMatchObject([{ id, result: { content: [{ text: '{"n":2}' }] } }]);
      expect(errors).toEqual([]);
    },
  );

  it('in a batch: the other call is answered on the POST, which then ends', async () => {
    const slow = slowTool();
    const { url } = await serveMcp([], { door: { exposeTools: [slow.tool] } });
    const post = await openRawSession(url);
    const both = post([call(1, 1), call(2, 2)]);
    await until(() => slow.state.runs === 2);
    await post(cancel(1));
    await until(() => slow.state.aborts === 1);
    slow.open();
    const ended = await both;
    expect(ended.messages).toMatchObject([{ id: 2, result: { content: [{ text: '{"n":2}' }] } }]);
  });

  it.each([0, 5])(
    'of id %j cancelled in its own batch: never run past the cancel, no answer, the POST ends',
    async (id) => {
      const slow = slowTool();
      const { url } = await serveMcp([], { door: { exposeTools: [slow.tool] } });
      const post = await openRawSession(url);
      const ended = await post([call(id, 1), cancel(id)]);
      expect(slow.state.aborts).toBe(slow.state.runs);
      expect(ended.messages.filter((message) => 'id' in message)).toEqual([]);
    },
  );

  it.each([0, ''])(
    'an ask_ call of id %j whose client goes away: its run (and model call) stops',
    async (id) => {
      const slow = slowTool();
      const { url, fake } = await serveMcp([turn.call('slow', { n: 1 }), turn.text('late')], {
        agent: { tools: [slow.tool] },
      });
      const post = await openRawSession(url);
      const client = new AbortController();
      const ask = { message: 'Wait.' };
      const gone = post(
        {
          jsonrpc: '2.0',
          id,
          method: 'tools/call',
          params: { name: 'ask_support', arguments: ask },
        },
        client.signal,
      ).catch(() => undefined);
      await until(() => slow.state.runs === 1);
      client.abort();
      await gone;
      await until(() => slow.state.aborts === 1);
      // The run ended with the tool: no second model request for no one.
      expect(fake.requests).toHaveLength(1);
    },
  );

  it('over a connected transport: a cancel of id "" stops the call, and no answer is sent', async () => {
    const slow = slowTool();
    const { door } = await serveMcp([], { door: { exposeTools: [slow.tool] } });
    const raw = await connectRaw(door);
    await raw.send(call('', 1));
    await until(() => slow.state.runs === 1);
    await raw.send(cancel(''));
    await until(() => slow.state.aborts === 1);
    // A ping sent after the call's end is answered; nothing came for the cancelled call before.
    await raw.send({ jsonrpc: '2.0', id: 7, method: 'ping' });
    expect(await raw.answerTo(7)).toMatchObject({ id: 7, result: {} });
    expect(raw.received().filter((message) => message['id'] === '')).toEqual([]);
  });
});
