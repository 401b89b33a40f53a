import { defineTool } from '@gemloop/core';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { serveMcp, TOKENS } from './__fixtures__/serve-mcp.ts';

// A `tools/call` whose params are not `{ name: string, arguments?: object }` (MCP 2025-06-18,
// Server, Tools) is JSON-RPC's -32602 "Invalid params". SDK 1.32 answered -32603 "Internal
// error" with its zod issue list as the message (typescript-sdk#2284), and a call whose params
// were no object got no answer at all over a connected transport.

function counted() {
  const state = { runs: 0 };
  const tool = defineTool({
    name: 'count',
    description: 'Counts its calls.',
    parameters: z.object({}),
    execute: () => {
      state.runs += 1;
      return 'counted';
    },
  });
  return { tool, state };
}

const call = (id: number, params: unknown) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params,
});

const BAD_ARGUMENTS: [string, unknown][] = [
  ['a string', 'hi'],
  ['an array', [1]],
  ['a number', 3],
  ['null', null],
  ['a boolean', true],
];

/** What the SDK's raw zod issues carried: none of it may reach the answer. */
function expectNoSdkInternals(text: string): void {
  for (const word of ['invalid_type', 'expected', 'record', '"path"', 'zod']) {
    expect(text).not.toContain(word);
  }
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
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'raw', version: '1' },
      },
    }),
  });
  await opened.text();
  headers['mcp-session-id'] = opened.headers.get('mcp-session-id') ?? '';
  headers['mcp-protocol-version'] = '2025-06-18';
  const post = async (body: unknown) => {
    const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
    const text = await response.text();
    const messages = text
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice(6)) as Record<string, unknown>);
    return { status: response.status, text, messages };
  };
  await post({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return post;
}

async function connectRaw(door: Awaited<ReturnType<typeof serveMcp>>['door']) {
  const [client, server] = InMemoryTransport.createLinkedPair();
  const received: Record<string, unknown>[] = [];
  const waiting = new Map<unknown, (message: Record<string, unknown>) => void>();
  client.onmessage = (message) => {
    const record = message as Record<string, unknown>;
    received.push(record);
    waiting.get(record['id'])?.(record);
  };
  await door.connect(server);
  await client.start();
  const answerTo = (id: number) =>
    new Promise<Record<string, unknown>>((resolve) => {
      // Each answer is taken once: an id answered before may be used again.
      const index = received.findIndex((message) => message['id'] === id);
      if (index === -1) {
        waiting.set(id, (message) => {
          waiting.delete(id);
          received.splice(received.indexOf(message), 1);
          resolve(message);
        });
      } else resolve(received.splice(index, 1)[0] as Record<string, unknown>);
    });
  const send = async (message: unknown) =>
    await client.send(message as Parameters<typeof client.send>[0]);
  await send({
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'raw', version: '1' },
    },
  });
  await answerTo(0);
  await send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return { send, answerTo };
}

describe('MCP door: a tools/call whose arguments are no object', () => {
  it.each(BAD_ARGUMENTS)(
    'over HTTP, arguments %s: -32602 in fixed words, nothing run',
    async (kind, value) => {
      const { tool, state } = counted();
      const { url, errors } = await serveMcp([], { door: { exposeTools: [tool] } });
      const post = await openSession(url);
      const answered = await post(call(4, { name: 'count', arguments: value }));
      expect(answered.status).toBe(200);
      expect(answered.messages).toEqual([
        {
          jsonrpc: '2.0',
          id: 4,
          error: {
            code: -32602,
            message: `Invalid params: tools/call's params.arguments must be an object of the tool's arguments by name (or left out), not ${kind}.`,
          },
        },
      ]);
      expectNoSdkInternals(answered.text);
      expect(state.runs).toBe(0);
      // The session is whole, and the same id is free again.
      const next = await post(call(4, { name: 'count', arguments: {} }));
      expect(next.text).toContain('counted');
      expect(state.runs).toBe(1);
      expect(errors).toEqual([]);
    },
  );

  it('over HTTP, a batch: the bad call is -32602, the good one beside it runs and is answered', async () => {
    const { tool, state } = counted();
    const { url } = await serveMcp([], { door: { exposeTools: [tool] } });
    const post = await openSession(url);
    const answered = await post([
      call(1, { name: 'count', arguments: 'hi' }),
      call(2, { name: 'count', arguments: {} }),
    ]);
    expect(answered.status).toBe(200);
    const byId = new Map(answered.messages.map((message) => [message['id'], message]));
    expect(byId.get(1)).toMatchObject({ error: { code: -32602 } });
    expect(JSON.stringify(byId.get(2))).toContain('counted');
    expectNoSdkInternals(answered.text);
    expect(state.runs).toBe(1);
  });

  it('over HTTP, params that are no object: -32602 with its id (the SDK said -32700 for the body), a batch refused whole', async () => {
    const { tool, state } = counted();
    const { url, errors } = await serveMcp([], { door: { exposeTools: [tool] } });
    const post = await openSession(url);
    for (const [params, kind] of [
      ['hi', 'a string'],
      [[], 'an array'],
      [7, 'a number'],
    ] as const) {
      const answered = await post(call(3, params));
      expect(answered.status).toBe(400);
      expect(JSON.parse(answered.text)).toEqual({
        jsonrpc: '2.0',
        id: 3,
        error: {
          code: -32602,
          message: `Invalid params: tools/call's params must be an object ({ "name": ..., "arguments": {...} }), not ${kind}.`,
        },
      });
    }
    const batch = await post([call(1, { name: 'count', arguments: {} }), call(2, 'hi')]);
    expect(batch.status).toBe(400);
    expect(JSON.parse(batch.text)).toMatchObject({ id: null, error: { code: -32602 } });
    expect(state.runs).toBe(0);
    expect((await post(call(3, { name: 'count' }))).text).toContain('counted');
    expect(errors).toEqual([]);
  });

  it('over a connected transport: -32602 for bad arguments, a missing name and params that are no object', async () => {
    const { tool, state } = counted();
    const { door, errors } = await serveMcp([], { door: { exposeTools: [tool] } });
    const { send, answerTo } = await connectRaw(door);
    const cases: [unknown, RegExp][] = [
      ...BAD_ARGUMENTS.map(([kind, value]): [unknown, RegExp] => [
        { name: 'count', arguments: value },
        new RegExp(`params\\.arguments must be an object .* not ${kind}\\.$`),
      ]),
      [{ arguments: {} }, /params\.name must be a string naming the tool .* not missing\.$/],
      [{ name: 5, arguments: {} }, /params\.name must be a string .* not a number\.$/],
      // No answer at all before: the SDK's protocol layer dropped it as no request.
      ['hi', /params must be an object .* not a string\.$/],
      [[], /params must be an object .* not an array\.$/],
      [undefined, /params must be an object .* not missing\.$/],
    ];
    let id = 1;
    for (const [params, words] of cases) {
      await send(
        params === undefined ? { jsonrpc: '2.0', id, method: 'tools/call' } : call(id, params),
      );
      const answer = await answerTo(id);
      expect(answer).toEqual({
        jsonrpc: '2.0',
        id,
        error: { code: -32602, message: expect.stringMatching(words) },
      });
      expectNoSdkInternals(JSON.stringify(answer));
      id += 1;
    }
    expect(state.runs).toBe(0);
    // Arguments left out are the tool's empty object, as MCP has them; the id answered -32602 is free.
    await send(call(1, { name: 'count' }));
    expect(await answerTo(1)).toMatchObject({ id: 1, result: { content: [{ text: 'counted' }] } });
    expect(state.runs).toBe(1);
    expect(errors).toEqual([]);
  });
});
