import { defineTool } from '@gemloop/core';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { INITIALIZE } from './__fixtures__/raw-mcp-session.ts';
import { serveMcp, TOKENS } from './__fixtures__/serve-mcp.ts';

// Request ids a hostile (or careless) MCP client reuses within one session. MCP forbids it
// (2025-06-18, Basic, Requests: an id "MUST NOT have been previously used by the requestor within
// the same session"), and the SDK's transport routes each answer by its id alone: a second POST
// with an id still in flight took the first call's answer, its own answer was dropped and the
// first POST waited for ever. The door refuses the reuse as an invalid request instead.

/** A gate the `slow` tool waits on; `runs` counts its calls, `n` echoes what each call was given. */
function slowTool() {
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const state = { runs: 0, started: [] as number[] };
  let onStart: () => void = () => {};
  let onAbort: () => void = () => {};
  const aborted = new Promise<void>((resolve) => {
    onAbort = resolve;
  });
  const tool = defineTool({
    name: 'slow',
    description: 'Waits for the gate, then echoes n.',
    parameters: z.object({ n: z.number() }),
    execute: async ({ n }, context) => {
      state.runs += 1;
      state.started.push(n);
      onStart();
      await Promise.race([
        gate,
        new Promise((_resolve, reject) =>
          context.signal.addEventListener('abort', () => {
            onAbort();
            reject(context.signal.reason);
          }),
        ),
      ]);
      return { n };
    },
  });
  const started = (count: number) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (state.runs >= count) resolve();
      };
      onStart = check;
      check();
    });
  return { tool, open: () => open(), state, started, aborted };
}

async function openSession(url: URL) {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    authorization: `Bearer ${TOKENS.alice}`,
  };
  const opened = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify(INITIALIZE),
  });
  await opened.text();
  headers['mcp-session-id'] = opened.headers.get('mcp-session-id') ?? '';
  headers['mcp-protocol-version'] = '2025-06-18';
  const post = async (body: unknown, signal?: AbortSignal) => {
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      ...(signal === undefined ? {} : { signal }),
    });
    const text = await response.text();
    const data = text
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice(6)) as Record<string, unknown>);
    return { status: response.status, messages: data.length > 0 ? data : [JSON.parse(text)] };
  };
  await post({ jsonrpc: '2.0', method: 'notifications/initialized' }).catch(() => {});
  return post;
}

const call = (id: unknown, n: number) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'slow', arguments: { n } },
});

const answerOf = (message: Record<string, unknown> | undefined) =>
  JSON.parse(
    ((message?.['result'] as { content: { text: string }[] } | undefined)?.content[0]?.text ??
      'null') as string,
  ) as unknown;

describe('MCP request ids reused within a session', () => {
  it('a second POST with an id still answering is -32600 with its id; the first gets its own answer', async () => {
    const slow = slowTool();
    const { url, errors } = await serveMcp([], { door: { exposeTools: [slow.tool] } });
    const post = await openSession(url);
    const first = post(call(5, 1));
    await slow.started(1);
    const second = await post(call(5, 2));
    expect(second.status).toBe(400);
    expect(second.messages[0]).toMatchObject({ id: 5, error: { code: -32600 } });
    slow.open();
    const answered = await first;
    expect(answered.status).toBe(200);
    expect(answered.messages[0]).toMatchObject({ id: 5 });
    expect(answerOf(answered.messages[0])).toEqual({ n: 1 });
    expect(slow.state.started).toEqual([1]);
    // The id is free once its POST has its answer (only ids in flight are held: the SDK's own
    // maps forget answered ids), and 5 and "5" are two ids, as JSON-RPC reads them.
    const again = await Promise.all([post(call(5, 3)), post(call('5', 4))]);
    expect(again.map((each) => answerOf(each.messages[0]))).toEqual([{ n: 3 }, { n: 4 }]);
    expect(errors).toEqual([]);
  });

  it('a batch holding one id twice is refused whole, nothing run', async () => {
    const slow = slowTool();
    slow.open();
    const { url } = await serveMcp([], { door: { exposeTools: [slow.tool] } });
    const post = await openSession(url);
    const refused = await post([call(7, 1), call(7, 2)]);
    expect(refused.status).toBe(400);
    expect(refused.messages[0]).toMatchObject({ id: null, error: { code: -32600 } });
    expect(slow.state.runs).toBe(0);
    const answered = await post([call(7, 1), call(8, 2)]);
    expect(answered.messages.map(answerOf).sort()).toHaveLength(2);
    expect(slow.state.started).toEqual([1, 2]);
  });

  it('a POST whose client went away frees its ids once its run is stopped', async () => {
    const slow = slowTool();
    const { url } = await serveMcp([], { door: { exposeTools: [slow.tool] } });
    const post = await openSession(url);
    const abort = new AbortController();
    const gone = post(call(9, 1), abort.signal).catch((error: unknown) => error);
    await slow.started(1);
    abort.abort();
    await gone;
    // The door hears the close and cancels the call (the tool's signal), and gives its id back
    // in the same turn, as the POST's stream is cancelled.
    await slow.aborted;
    slow.open();
    const next = await post(call(9, 2));
    expect(next.status).toBe(200);
    expect(answerOf(next.messages[0])).toEqual({ n: 2 });
  });

  it('over a connected transport (stdio, in memory): the reuse is -32600, and the close stops the first call', async () => {
    const slow = slowTool();
    const { door } = await serveMcp([], { door: { exposeTools: [slow.tool] } });
    const [client, server] = InMemoryTransport.createLinkedPair();
    const received: Record<string, unknown>[] = [];
    client.onmessage = (message) => void received.push(message as Record<string, unknown>);
    await door.connect(server);
    await client.start();
    await client.send(INITIALIZE);
    await client.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    await client.send(call(5, 1) as Parameters<typeof client.send>[0]);
    await slow.started(1);
    await client.send(call(5, 2) as Parameters<typeof client.send>[0]);
    expect(received.filter((message) => message['id'] === 5)).toEqual([
      { jsonrpc: '2.0', id: 5, error: { code: -32600, message: expect.any(String) } },
    ]);
    expect(slow.state.started).toEqual([1]);
    // The client gone: the first call's run is stopped (before, only the second's was).
    await client.close();
    await slow.aborted;
  });
});
