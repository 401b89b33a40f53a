import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGemini, InvalidArgumentError } from '@gemloop/core';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { UrlElicitationRequiredError } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { captureError, runTool } from '../__fixtures__/mcp-test-helpers.ts';
import { connectMcpHttp } from '../connect/connect-mcp-http.ts';
import type { McpElicitationRequest } from '../elicitation/mcp-elicitation.ts';
import { McpToolCallError } from '../errors/mcp-tool-call-error.ts';
import { createMcpTools } from '../tools/create-mcp-tools.ts';
import { answerMcpServerRequests } from './answer-mcp-server-requests.ts';
import type { McpServerRequestOptions } from './mcp-server-request-options.ts';

// Server-to-client requests (issue 56, item 5): the SDK's own McpServer asks this client for
// input (elicitation, form and URL modes) and for a model call (sampling) in the middle of a tool
// call; sampling is answered on the fake Gemini.

/** An SDK McpServer whose tools ask the client: what they got back is their result. */
function askingServer(name = 'notes') {
  const server = new McpServer({ name, version: '1.0.0' });
  server.registerTool(
    'book_table',
    { description: 'Books a table, asking for details.', inputSchema: {} },
    async () => {
      const answer = await server.server.elicitInput({
        message: 'How many people?',
        requestedSchema: {
          type: 'object',
          properties: { people: { type: 'integer', title: 'People', minimum: 1 } },
          required: ['people'],
        },
      });
      return { content: [{ type: 'text', text: JSON.stringify(answer) }] };
    },
  );
  server.registerTool(
    'sign_in',
    { description: 'Sends the user to a sign-in page.', inputSchema: {} },
    async () => {
      const answer = await server.server.elicitInput({
        mode: 'url',
        message: 'Sign in to the calendar.',
        url: 'https://calendar.example/authorize?state=abc',
        elicitationId: 'el-1',
      });
      return { content: [{ type: 'text', text: JSON.stringify(answer) }] };
    },
  );
  let linked = 0;
  server.registerTool(
    'read_calendar',
    { description: 'Needs the calendar linked first.', inputSchema: {} },
    async () => {
      linked++;
      if (linked === 1) {
        throw new UrlElicitationRequiredError([
          {
            mode: 'url',
            message: 'Link your calendar first.',
            url: 'https://calendar.example/link',
            elicitationId: 'link-1',
            server: 'spoofed',
          } as never,
        ]);
      }
      return { content: [{ type: 'text', text: `calls: ${linked}` }] };
    },
  );
  server.registerTool(
    'summarize',
    { description: 'Summarizes with the client model.', inputSchema: { maxTokens: z.number() } },
    async ({ maxTokens }) => {
      const result = await server.server.createMessage({
        systemPrompt: 'Be brief.',
        messages: [{ role: 'user', content: { type: 'text', text: 'Summarize: the cat sat.' } }],
        maxTokens,
        temperature: 0.2,
        modelPreferences: { hints: [{ name: 'claude-3-opus' }] },
      });
      return { content: [{ type: 'text', text: JSON.stringify(result) }] };
    },
  );
  return server;
}

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** The server's tools through a client that answers with `options`, over in-memory transports. */
async function toolsAnswering(options: McpServerRequestOptions, serverName?: string) {
  const server = askingServer(serverName);
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  const client = new Client({ name: 'gemloop-test', version: '1.0.0' });
  await answerMcpServerRequests(client, options);
  await client.connect(clientTransport);
  closers.push(
    () => client.close(),
    () => server.close(),
  );
  const { tools } = await createMcpTools(client);
  const tool = (name: string) => tools.find((each) => each.name === name)!;
  return { tool, client };
}

const textOf = (result: unknown) => JSON.parse((result as { output: string }).output);

function fakeGemini(): FakeGemini {
  const fake = createFakeGemini({ script: [turn.text('A cat sat.')] });
  closers.push(() => fake.close());
  return fake;
}

describe('elicitation', () => {
  it('hands a form request to the handler and its values back to the server', async () => {
    const asked: McpElicitationRequest[] = [];
    const { tool } = await toolsAnswering({
      elicitation: async (request) => {
        asked.push(request);
        return { action: 'accept', content: { people: 4 } };
      },
    });
    expect(textOf(await runTool(tool('book_table'), {}))).toEqual({
      action: 'accept',
      content: { people: 4 },
    });
    expect(asked).toEqual([
      {
        mode: 'form',
        server: 'server "notes"',
        message: 'How many people?',
        requestedSchema: {
          type: 'object',
          properties: { people: { type: 'integer', title: 'People', minimum: 1 } },
          required: ['people'],
        },
      },
    ]);
  });

  it('hands a URL request to the url handler, never to the form one', async () => {
    const asked: McpElicitationRequest[] = [];
    const { tool } = await toolsAnswering({
      elicitation: {
        form: () => ({ action: 'decline' }),
        url: (request) => {
          asked.push(request);
          return { action: 'accept' };
        },
      },
    });
    expect(textOf(await runTool(tool('sign_in'), {}))).toEqual({ action: 'accept' });
    expect(asked).toEqual([
      {
        mode: 'url',
        server: 'server "notes"',
        message: 'Sign in to the calendar.',
        url: 'https://calendar.example/authorize?state=abc',
        elicitationId: 'el-1',
      },
    ]);
    expect(textOf(await runTool(tool('book_table'), {}))).toEqual({ action: 'decline' });
  });

  it('declares only the modes it answers, so a server cannot ask in another', async () => {
    const { tool, client } = await toolsAnswering({
      elicitation: { form: () => ({ action: 'cancel' }) },
    });
    const error = await captureError(runTool(tool('sign_in'), {}));
    expect(error).toBeInstanceOf(McpToolCallError);
    expect((error as Error).message).toContain('does not support url elicitation');
    expect(textOf(await runTool(tool('book_table'), {}))).toEqual({ action: 'cancel' });
    expect((client as unknown as { _capabilities: object })._capabilities).toMatchObject({
      elicitation: { form: {} },
    });
  });

  it('refuses when nothing can answer: no handler, no capability, a clear tool error', async () => {
    const { tool } = await toolsAnswering({});
    const error = await captureError(runTool(tool('book_table'), {}));
    expect(error).toBeInstanceOf(McpToolCallError);
    expect((error as Error).message).toContain('does not support form elicitation');
  });

  it("answers with an error, not the handler's message, when the handler throws", async () => {
    const { tool } = await toolsAnswering({
      elicitation: () => {
        throw new Error('the user typed hunter2');
      },
    });
    const error = await captureError(runTool(tool('book_table'), {}));
    expect((error as Error).message).toContain('could not answer the elicitation request');
    expect((error as Error).message).not.toContain('hunter2');
  });
});

describe('a call refused until the user opens a page (URLElicitationRequiredError)', () => {
  it('shows the page through the url handler, then makes the call again once', async () => {
    const asked: McpElicitationRequest[] = [];
    const { tool } = await toolsAnswering({
      elicitation: {
        url: (request, { toolCalls }) => {
          asked.push(request);
          expect(toolCalls).toEqual([{ toolCallId: 'call-1', toolName: 'read_calendar' }]);
          return { action: 'accept' };
        },
      },
    });
    expect(await runTool(tool('read_calendar'), {})).toEqual({ output: 'calls: 2' });
    expect(asked).toEqual([
      {
        mode: 'url',
        server: 'server "notes"',
        message: 'Link your calendar first.',
        url: 'https://calendar.example/link',
        elicitationId: 'link-1',
      },
    ]);
  });

  it('tells the model the server refused when the user declines, or nothing can ask', async () => {
    for (const options of [{ elicitation: { url: () => ({ action: 'decline' as const }) } }, {}]) {
      const { tool } = await toolsAnswering(options);
      const error = await captureError(runTool(tool('read_calendar'), {}));
      expect(error).toBeInstanceOf(McpToolCallError);
      expect(error).toMatchObject({ reason: 'protocol-error', rpcCode: -32042 });
    }
  });
});

describe('sampling', () => {
  const policy = (fake: FakeGemini, overrides: object = {}) => ({
    gemini: createGemini({ apiKey: 'gemini-secret-key', retry: false, fetch: fake.fetch }),
    model: 'gemini-2.5-flash',
    allowedServers: ['notes'],
    maxTokens: 200,
    ...overrides,
  });

  it('answers an allowed server with one call on the policy model, prompt and limits mapped', async () => {
    const fake = fakeGemini();
    const { tool } = await toolsAnswering({ sampling: policy(fake) });
    expect(textOf(await runTool(tool('summarize'), { maxTokens: 100 }))).toEqual({
      role: 'assistant',
      content: { type: 'text', text: 'A cat sat.' },
      model: expect.any(String),
      stopReason: 'endTurn',
    });
    expect(fake.modelRequests).toHaveLength(1);
    // The server's model hint does not choose the model: the policy does.
    expect(fake.requests[0]?.model).toBe('gemini-2.5-flash');
    expect(fake.requests[0]?.body).toMatchObject({
      contents: [{ role: 'user', parts: [{ text: 'Summarize: the cat sat.' }] }],
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      generationConfig: { maxOutputTokens: 100, temperature: 0.2 },
    });
  });

  it.each([
    [
      'a server not allowed',
      { allowedServers: ['other'] },
      100,
      'does not sample for server "notes"',
    ],
    ['a request over the token cap', {}, 500, 'maxTokens 500 is over'],
    ['a request the approve hook declines', { approve: () => false }, 100, 'declined'],
    [
      'a request whose approve hook throws',
      {
        approve: () => {
          throw new Error('db password hunter2');
        },
      },
      100,
      'declined',
    ],
  ])(
    'refuses %s with the MCP error -1 and makes no call',
    async (_case, overrides, maxTokens, why) => {
      const fake = fakeGemini();
      const { tool } = await toolsAnswering({ sampling: policy(fake, overrides) });
      const error = await captureError(runTool(tool('summarize'), { maxTokens }));
      expect(error).toBeInstanceOf(McpToolCallError);
      expect((error as Error).message).toContain('MCP error -1: User rejected sampling request');
      expect((error as Error).message).toContain(why);
      expect(fake.modelRequests).toHaveLength(0);
    },
  );

  it('declares no sampling capability without a policy, and answers none', async () => {
    const { tool, client } = await toolsAnswering({});
    const error = await captureError(runTool(tool('summarize'), { maxTokens: 10 }));
    expect((error as Error).message).toContain('MCP error -32601: Method not found');
    expect((client as unknown as { _capabilities: object })._capabilities).not.toHaveProperty(
      'sampling',
    );
  });

  it('sends the server only the status of a failed call, never the key', async () => {
    const fake = createFakeGemini({
      script: [turn.text('never sent')],
      faults: [{ fault: { type: 'internal' } }],
    });
    closers.push(() => fake.close());
    const { tool } = await toolsAnswering({ sampling: policy(fake) });
    const error = await captureError(runTool(tool('summarize'), { maxTokens: 10 }));
    expect((error as Error).message).toContain(
      'The model call for the sampling request failed (HTTP 500)',
    );
    expect((error as Error).message).not.toContain('gemini-secret-key');
  });
});

describe('connectMcpHttp with elicitation and sampling', () => {
  it('answers both over streamable HTTP', async () => {
    const server = askingServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID() });
    await server.connect(transport);
    const http = createServer(
      (request, response) => void transport.handleRequest(request, response),
    );
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    closers.push(async () => {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
      await server.close();
    });
    const fake = fakeGemini();
    const connection = await connectMcpHttp({
      url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
      elicitation: () => ({ action: 'accept', content: { people: 2 } }),
      sampling: {
        gemini: createGemini({ apiKey: 'k', retry: false, fetch: fake.fetch }),
        model: 'gemini-2.5-flash',
        allowedServers: ['notes'],
      },
    });
    closers.push(() => connection.close());
    const tool = (name: string) => connection.tools.find((each) => each.name === name)!;
    expect(textOf(await runTool(tool('book_table'), {}))).toEqual({
      action: 'accept',
      content: { people: 2 },
    });
    expect(textOf(await runTool(tool('summarize'), { maxTokens: 50 })).content).toEqual({
      type: 'text',
      text: 'A cat sat.',
    });
    // The connection hands its URL asker to its tools: a call refused until a page is opened is
    // made again once the handler accepted.
    expect(await runTool(tool('read_calendar'), {})).toEqual({ output: 'calls: 2' });
  });

  it('refuses a malformed policy or handler with a typed error naming the fix', async () => {
    for (const options of [
      { sampling: { model: 'gemini-2.5-flash', allowedServers: ['x'] } },
      { sampling: { gemini: createGemini({ apiKey: 'k' }), model: 'm', allowedServers: 'x' } },
      { elicitation: { forms: () => ({ action: 'decline' }) } },
    ]) {
      const error = await captureError(
        connectMcpHttp({ url: 'http://127.0.0.1:9/mcp', ...(options as object) }),
      );
      expect(error).toBeInstanceOf(InvalidArgumentError);
    }
  });
});
