import { defineTool } from '@gemloop/core';
import { InvalidArgumentError } from '@gemloop/core/errors';
import { turn } from '@gemloop/testing';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  contentsOf,
  failingLookupTool,
  lookupTool,
  waitTool,
} from '../__fixtures__/order-fixtures.ts';
import { serveMcp, TOKENS } from './__fixtures__/serve-mcp.ts';
import { createMcpServer } from './create-mcp-server.ts';

// The MCP door driven by the SDK's own `Client`, over Streamable HTTP on 127.0.0.1 and in
// memory (the stdio path: `connect(transport)`), the agent on the fake Gemini.

function textOf(result: unknown): string {
  const content = (result as { content: { type: string; text?: string }[] }).content;
  return content.map((part) => part.text ?? '').join('');
}

describe('createMcpServer: tools', () => {
  it('lists each agent as ask_<name>, and the exposed tools', async () => {
    const { memoryClient } = await serveMcp([], {
      door: { exposeTools: [lookupTool([])] },
    });
    const client = await memoryClient();
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['ask_support', 'lookup_order']);
    expect(tools[0]?.inputSchema).toMatchObject({
      type: 'object',
      properties: { message: { type: 'string' }, sessionId: { type: 'string' } },
      required: ['message'],
    });
    expect(tools[1]?.inputSchema).toMatchObject({
      type: 'object',
      properties: { order: { type: 'string' } },
    });
  });

  it('answers ask_<agent> over HTTP after running the agent tools on the server', async () => {
    const calls: string[] = [];
    const { httpClient } = await serveMcp(
      [turn.call('lookup_order', { order: 'A-7' }), turn.text('Order A-7 has shipped.')],
      { agent: { tools: [lookupTool(calls)] } },
    );
    const { client } = await httpClient();
    const result = await client.callTool({
      name: 'ask_support',
      arguments: { message: 'Where is order A-7?' },
    });
    expect(calls).toEqual(['A-7']);
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toBe('Order A-7 has shipped.');
    expect(result.structuredContent).toEqual({ answer: 'Order A-7 has shipped.' });
  });

  it('answers in memory (the stdio path) as over HTTP', async () => {
    const { memoryClient } = await serveMcp([turn.text('Hello from the agent.')]);
    const client = await memoryClient();
    const result = await client.callTool({ name: 'ask_support', arguments: { message: 'Hi' } });
    expect(textOf(result)).toBe('Hello from the agent.');
  });

  it('calls an exposed tool directly, with no model call', async () => {
    const calls: string[] = [];
    const { memoryClient, fake } = await serveMcp([], {
      door: { exposeTools: [lookupTool(calls)] },
    });
    const client = await memoryClient();
    const result = await client.callTool({ name: 'lookup_order', arguments: { order: 'B-2' } });
    expect(calls).toEqual(['B-2']);
    expect(JSON.parse(textOf(result))).toEqual({ order: 'B-2', status: 'shipped' });
    expect(fake.requests).toHaveLength(0);
    await expect(
      client.callTool({ name: 'lookup_order', arguments: { order: 42, pin: 'secret-pin-1' } }),
    ).rejects.toThrow(/Invalid arguments for lookup_order at: order/);
    await expect(client.callTool({ name: 'nope', arguments: {} })).rejects.toThrow(/Unknown tool/);
  });

  it("cuts an exposed tool's long result at maxToolResultChars, saying how much was left out", async () => {
    const dump = defineTool({
      name: 'dump_log',
      description: 'Dumps a log.',
      parameters: z.object({ lines: z.number() }),
      execute: ({ lines }) => 'x'.repeat(lines),
    });
    const { memoryClient } = await serveMcp([], {
      door: { exposeTools: [dump], maxToolResultChars: 1_000 },
    });
    const client = await memoryClient();
    const short = await client.callTool({ name: 'dump_log', arguments: { lines: 1_000 } });
    expect(textOf(short)).toBe('x'.repeat(1_000));
    const long = await client.callTool({ name: 'dump_log', arguments: { lines: 5_000_000 } });
    expect(textOf(long)).toBe(`${'x'.repeat(1_000)}… [4999000 characters omitted]`);
    // The default: 100,000 characters, the answer itself rather than a preview.
    const { memoryClient: defaults } = await serveMcp([], { door: { exposeTools: [dump] } });
    const whole = await (await defaults()).callTool({
      name: 'dump_log',
      arguments: { lines: 100_001 },
    });
    expect(textOf(whole)).toBe(`${'x'.repeat(100_000)}… [1 characters omitted]`);
  });

  it('refuses bad arguments with an MCP error naming the field', async () => {
    const { memoryClient, fake } = await serveMcp([]);
    const client = await memoryClient();
    await expect(client.callTool({ name: 'ask_support', arguments: {} })).rejects.toThrow(
      /message: a non-empty string/,
    );
    await expect(
      client.callTool({ name: 'ask_support', arguments: { message: 'x', sessionId: 'a b' } }),
    ).rejects.toThrow(/sessionId: 1 to 128/);
    expect(fake.requests).toHaveLength(0);
  });

  it('answers a failed run with fixed words, the error to onError only', async () => {
    const secret = 'db-password-hunter2';
    const failing = failingLookupTool(secret);
    const { httpClient, errors } = await serveMcp([turn.call('lookup_order', { order: 'A' })], {
      agent: { tools: [failing], toolErrors: 'throw' },
    });
    const { client } = await httpClient();
    const result = await client.callTool({ name: 'ask_support', arguments: { message: 'Hi' } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/\(\S+\)$/);
    expect(JSON.stringify(result)).not.toContain(secret);
    expect(JSON.stringify(result)).not.toContain('postgres');
    expect(errors).toHaveLength(1);
  });
});

describe('createMcpServer: sessions', () => {
  it('continues a chat session across calls with the same sessionId', async () => {
    const { httpClient, fake } = await serveMcp([turn.text('It is 2.'), turn.text('It is 4.')]);
    const { client } = await httpClient();
    const first = await client.callTool({
      name: 'ask_support',
      arguments: { message: 'What is 1+1?', sessionId: 'math-1' },
    });
    expect(first.structuredContent).toEqual({ answer: 'It is 2.', sessionId: 'math-1' });
    const second = await client.callTool({
      name: 'ask_support',
      arguments: { message: 'And 2+2?', sessionId: 'math-1' },
    });
    expect(textOf(second)).toBe('It is 4.');
    expect(contentsOf(fake.requests.at(-1)?.body)).toEqual([
      'user: What is 1+1?',
      'model: It is 2.',
      'user: And 2+2?',
    ]);
  });

  it('holds at most maxSessions sessions: the least recently used is forgotten, its turns cleared', async () => {
    const { memoryClient, fake } = await serveMcp(
      [turn.text('A1.'), turn.text('B1.'), turn.text('A2.')],
      { door: { maxSessions: 1 } },
    );
    const client = await memoryClient();
    const ask = (message: string, sessionId: string) =>
      client.callTool({ name: 'ask_support', arguments: { message, sessionId } });
    await ask('first in a', 'a');
    await ask('first in b', 'b');
    await ask('second in a', 'a');
    // Session a was forgotten when b opened: its second message starts over.
    expect(contentsOf(fake.requests.at(-1)?.body)).toEqual(['user: second in a']);
  });

  it('keeps two owners apart: a session id and an MCP session are their owner own', async () => {
    const { httpClient, url, fake } = await serveMcp([turn.text('Alice only.'), turn.text('x')]);
    const alice = await httpClient('alice');
    await alice.client.callTool({
      name: 'ask_support',
      arguments: { message: 'My secret plan', sessionId: 'plan' },
    });
    // Bob's 'plan' is a session of his own, as any new id is: nothing of Alice's reaches the
    // model, and nothing in the answer says that hers exists.
    const bob = await httpClient('bob');
    const answer = await bob.client.callTool({
      name: 'ask_support',
      arguments: { message: 'Hi', sessionId: 'plan' },
    });
    expect(answer.isError).not.toBe(true);
    expect(fake.requests).toHaveLength(2);
    const second = fake.requests[1];
    expect(second).toBeDefined();
    const contents = (second?.body as { contents: unknown[] } | undefined)?.contents;
    expect(contents).toHaveLength(1);
    expect(JSON.stringify(contents)).not.toContain('secret plan');

    // Bob presenting Alice's MCP session id is answered as for an unknown session.
    const listTools = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    const headers = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-06-18',
      'mcp-session-id': alice.transport.sessionId as string,
    };
    const asBob = await fetch(url, {
      method: 'POST',
      headers: { ...headers, authorization: `Bearer ${TOKENS.bob}` },
      body: listTools,
    });
    expect(asBob.status).toBe(404);
    expect(await asBob.json()).toMatchObject({ error: { message: 'Session not found' } });
    const asAlice = await fetch(url, {
      method: 'POST',
      headers: { ...headers, authorization: `Bearer ${TOKENS.alice}` },
      body: listTools,
    });
    expect(asAlice.status).toBe(200);
    await asAlice.body?.cancel();

    const anonymous = await fetch(url, { method: 'POST', headers, body: listTools });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
  });
});

describe('createMcpServer: progress and cancellation', () => {
  it('sends progress notifications from the run events when the client asks', async () => {
    const { httpClient } = await serveMcp(
      [turn.call('lookup_order', { order: 'A-7' }), turn.text('Shipped.')],
      { agent: { tools: [lookupTool([])] } },
    );
    const { client } = await httpClient();
    const seen: Progress[] = [];
    const result = await client.callTool(
      { name: 'ask_support', arguments: { message: 'Where is A-7?' } },
      undefined,
      { onprogress: (progress) => seen.push(progress) },
    );
    expect(textOf(result)).toBe('Shipped.');
    expect(seen.map((each) => each.message)).toEqual([
      'step 1',
      'calling lookup_order',
      'lookup_order done',
      'step 2',
    ]);
    expect(seen.map((each) => each.progress)).toEqual([1, 2, 3, 4]);
    // No argument of the call reaches a notification.
    expect(JSON.stringify(seen)).not.toContain('A-7');
  });

  for (const transport of ['http', 'memory'] as const) {
    it(`aborts the run when the client cancels the call (${transport})`, async () => {
      const waiting = waitTool();
      const { httpClient, memoryClient, errors, fake } = await serveMcp(
        [turn.call('wait_for_it', {}), turn.text('never')],
        { agent: { tools: [waiting.tool] } },
      );
      const client = transport === 'http' ? (await httpClient()).client : await memoryClient();
      const abort = new AbortController();
      const call = client.callTool(
        { name: 'ask_support', arguments: { message: 'Wait.' } },
        undefined,
        {
          signal: abort.signal,
          onprogress: (progress) => {
            if (progress.message === 'calling wait_for_it') abort.abort();
          },
        },
      );
      await expect(call).rejects.toThrow();
      expect((await waiting.aborted).aborted).toBe(true);
      expect(fake.requests).toHaveLength(1);
      // A cancelled run is the caller's doing, not a server error.
      expect(errors).toEqual([]);
    });
  }
});

describe('createMcpServer: a dropped connection', () => {
  it('aborts the run of a call whose HTTP connection closes before the answer', async () => {
    const waiting = waitTool();
    const { url, httpClient, errors } = await serveMcp(
      [turn.call('wait_for_it', {}), turn.text('never')],
      { agent: { tools: [waiting.tool] } },
    );
    // A session opened by the SDK client; the call sent by hand, its connection then dropped.
    const { transport } = await httpClient();
    const connection = new AbortController();
    const call = fetch(url, {
      method: 'POST',
      signal: connection.signal,
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        authorization: `Bearer ${TOKENS.alice}`,
        'mcp-protocol-version': '2025-06-18',
        'mcp-session-id': transport.sessionId as string,
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/call',
        params: { name: 'ask_support', arguments: { message: 'Wait.' } },
      }),
    });
    const response = await call;
    expect(response.status).toBe(200);
    await waiting.started;
    connection.abort();
    expect((await waiting.aborted).aborted).toBe(true);
    expect(errors).toEqual([]);
  });
});

describe('createMcpServer: HTTP hardening', () => {
  it('answers malformed JSON-RPC with 4xx JSON-RPC errors, and keeps serving', async () => {
    const { url, httpClient } = await serveMcp([turn.text('Still here.')]);
    const headers = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${TOKENS.alice}`,
    };
    const bodies = [
      '',
      '{',
      'null',
      '42',
      '"text"',
      '[]',
      '{}',
      '{"jsonrpc":"1.0","id":1,"method":"initialize"}',
      '{"jsonrpc":"2.0","id":{},"method":"tools/list"}',
      '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"ask_support"}}',
      '[{"jsonrpc":"2.0","id":1,"method":"initialize"},{"jsonrpc":"2.0","id":1,"method":"initialize"}]',
    ];
    // A bounded fuzz: random bytes and mangled valid messages, seeded so a failure replays.
    let seed = 56;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const valid = '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}';
    for (let index = 0; index < 40; index += 1) {
      const cut = Math.floor(random() * valid.length);
      const junk = String.fromCharCode(
        ...Array.from({ length: 4 }, () => 32 + Math.floor(random() * 90)),
      );
      bodies.push(valid.slice(0, cut) + junk + valid.slice(cut + 1));
    }
    for (const body of bodies) {
      const response = await fetch(url, { method: 'POST', headers, body });
      const text = await response.text();
      expect(response.status, body).toBeGreaterThanOrEqual(200);
      expect(response.status, body).toBeLessThan(500);
      if (response.status >= 400) {
        expect(JSON.parse(text), body).toMatchObject({
          jsonrpc: '2.0',
          error: { code: expect.any(Number) },
        });
      }
    }
    const tooLarge = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'ping',
        params: { pad: 'x'.repeat(2 * 1024 * 1024) },
      }),
    });
    expect(tooLarge.status).toBe(413);
    const { client } = await httpClient();
    const result = await client.callTool({ name: 'ask_support', arguments: { message: 'Hi' } });
    expect(textOf(result)).toBe('Still here.');
  });
});

describe('createMcpServer: rate limit', () => {
  it('answers 429 with retry-after past rateLimit, per owner, until the window passes', async () => {
    let time = 1_000_000;
    const { url } = await serveMcp([], {
      door: { rateLimit: { requests: 2, windowMs: 60_000 }, now: () => time },
    });
    const post = (owner: keyof typeof TOKENS) =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          authorization: `Bearer ${TOKENS[owner]}`,
        },
        body: '{"jsonrpc":"2.0","id":1,"method":"ping"}',
      });
    expect((await post('alice')).status).toBe(400); // ping before initialize: the SDK's 400
    expect((await post('alice')).status).toBe(400);
    const refused = await post('alice');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(await refused.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 } });
    expect((await post('bob')).status).toBe(400);
    time += 60_000;
    expect((await post('alice')).status).toBe(400);
  });
});

describe('createMcpServer: options', () => {
  it('refuses options it cannot serve with, by name', () => {
    const agent = { run: () => {}, stream: () => {} } as never;
    const refused = (options: unknown) => {
      try {
        createMcpServer(options as never);
      } catch (error) {
        expect(InvalidArgumentError.isInstance(error)).toBe(true);
        return (error as InvalidArgumentError).argument;
      }
      return 'accepted';
    };
    expect(refused({ agents: {} })).toBe('agents');
    expect(refused({ agents: { 'bad name': agent } })).toBe('agents');
    expect(refused({ agents: { support: {} } })).toBe('agents');
    expect(refused({ agents: { support: agent }, maxSessions: 0 })).toBe('maxSessions');
    expect(refused({ agents: { support: agent }, maxToolResultChars: 0 })).toBe(
      'maxToolResultChars',
    );
    expect(refused({ agents: { support: agent }, authorize: 'yes' })).toBe('authorize');
    expect(refused({ agents: { support: agent }, rateLimit: { requests: 0, windowMs: 1 } })).toBe(
      'rateLimit.requests',
    );
    expect(() => createMcpServer({ agents: { support: agent } }).handler()).toThrow(/authorize/);
  });
});
