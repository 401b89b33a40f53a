import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createAgent, createGemini } from '@gemloop/core';
import { toNodeListener } from '@gemloop/serve/node';
import { createFakeGemini, turn } from '@gemloop/testing';
import {
  discoverOAuthProtectedResourceMetadata,
  extractResourceMetadataUrl,
} from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { describe, expect, it } from 'vitest';
import { askAboutAnOrder } from './ask-with-mcp.ts';
import { agentWithBookings, answerInCode } from './mcp-client-requests.ts';
import { mountProtectedDoors } from './protected-mcp.ts';
import { serveOnNode } from './serve-mcp.ts';
import { createSupportMcp } from './support-mcp.ts';
import { supportScript } from './support-script.ts';

// The guide's code (docs/serving-mcp.md) run against the fake Gemini. The four tests run at once,
// each on servers of its own (the stdio one mostly waits on its node + tsx process), each closing
// them with the test's own onTestFinished (in a concurrent describe the imported one belongs to
// whichever test is current).

const TOKEN = 'mcp-docs-alice-0123456789';

/**
 * The MCP SDK's limit on each request this file's clients make, in place of its own 60 s
 * (`DEFAULT_REQUEST_TIMEOUT_MSEC`), which fired at load 50-90 ("MCP error -32001: Request timed
 * out") while the stdio server, a node + tsx process, was still starting. A hang guard only: as
 * long as the test's own limit (vitest.config.ts, PROCESS_LIMITS), so a hang says so first there.
 */
const REQUEST = { timeout: 300_000 };

describe.concurrent('serving an agent over MCP (the guide)', () => {
  it('answers the MCP client over Streamable HTTP: progress, then a second turn in the session', async ({
    onTestFinished,
  }) => {
    const fake = createFakeGemini({ script: supportScript });
    const gemini = createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch });
    const { agent, door } = createSupportMcp({
      gemini,
      model: 'gemini-2.5-flash',
      tokens: { alice: TOKEN },
    });
    const { server, url } = await serveOnNode(door, 0);
    onTestFinished(async () => {
      await door.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await agent.close();
    });
    expect(await askAboutAnOrder(url, TOKEN)).toEqual({
      tools: ['ask_support', 'lookup_order'],
      first: 'Order A-7 has shipped.',
      progress: ['step 1', 'calling lookup_order', 'lookup_order done', 'step 2'],
      next: 'It arrives on Thursday.',
    });
  });

  it('serves Claude Desktop and the like on stdio: the config starts the process, the SDK talks to it', async ({
    onTestFinished,
  }) => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['--conditions=@gemloop/source', '--import', 'tsx', 'mcp-door/stdio-server.ts'],
      cwd: fileURLToPath(new URL('../../../', import.meta.url)),
      env: { PATH: process.env['PATH'] ?? '' },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'desktop', version: '1.0.0' });
    // Closing the client ends the child process (the SDK closes its stdin, then signals it).
    onTestFinished(() => client.close());
    await client.connect(transport, REQUEST);
    const { tools } = await client.listTools(undefined, REQUEST);
    expect(tools.map((tool) => tool.name)).toEqual(['ask_support', 'lookup_order']);
    const result = await client.callTool(
      { name: 'ask_support', arguments: { message: 'Where is order A-7?' } },
      undefined,
      REQUEST,
    );
    expect(result.content).toEqual([{ type: 'text', text: 'Order A-7 has shipped.' }]);
  });

  it('publishes where to sign in, and lets a verified token in (the Auth section)', async ({
    onTestFinished,
  }) => {
    const fake = createFakeGemini({ script: [turn.text('Signed in.')] });
    const gemini = createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
    let serve: (request: Request) => Promise<Response> = async () =>
      new Response(null, { status: 503 });
    const server = createServer(toNodeListener((request) => serve(request)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const doors = mountProtectedDoors({
      agent,
      resource: `${origin}/mcp`,
      issuer: 'https://auth.example.com',
      verifyAccessToken: (token) => (token === 'verified-token' ? 'alice' : null),
    });
    serve = doors.handler;
    onTestFinished(async () => {
      await doors.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });
    const refused = await fetch(`${origin}/mcp`, { method: 'POST', body: '{}' });
    expect(refused.status).toBe(401);
    expect(extractResourceMetadataUrl(refused)?.pathname).toBe(
      '/.well-known/oauth-protected-resource/mcp',
    );
    expect(await discoverOAuthProtectedResourceMetadata(`${origin}/mcp`)).toMatchObject({
      authorization_servers: ['https://auth.example.com'],
      scopes_supported: ['agents'],
    });
    const client = new Client({ name: 'signed-in', version: '1.0.0' });
    onTestFinished(() => client.close());
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${origin}/mcp`), {
        requestInit: { headers: { authorization: 'Bearer verified-token' } },
      }),
      REQUEST,
    );
    const result = await client.callTool(
      { name: 'ask_support', arguments: { message: 'Hi' } },
      undefined,
      REQUEST,
    );
    expect(result.structuredContent).toEqual({ answer: 'Signed in.' });
  });

  it('answers an MCP server that asks the user and asks for a model call (the other half)', async ({
    onTestFinished,
  }) => {
    const bookingsServer = new McpServer({ name: 'bookings', version: '1.0.0' });
    bookingsServer.registerTool(
      'book_table',
      { description: 'Books a table.', inputSchema: {} },
      async () => {
        const form = await bookingsServer.server.elicitInput({
          message: 'How many people?',
          requestedSchema: {
            type: 'object',
            properties: { people: { type: 'integer' } },
            required: ['people'],
          },
        });
        const note = await bookingsServer.server.createMessage({
          messages: [
            { role: 'user', content: { type: 'text', text: `Confirm: ${JSON.stringify(form)}` } },
          ],
          maxTokens: 100,
        });
        return { content: [{ type: 'text', text: (note.content as { text: string }).text }] };
      },
    );
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID() });
    await bookingsServer.connect(transport);
    const http = createServer(
      (request, response) => void transport.handleRequest(request, response),
    );
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const fake = createFakeGemini({
      script: [
        turn.call('book_table', {}),
        turn.text('A table for 4 is booked.'),
        turn.text('Booked a table for 4.'),
      ],
    });
    const gemini = createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch });
    const { agent, elicitations } = await agentWithBookings({
      gemini,
      model: 'gemini-2.5-flash',
      url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`,
    });
    const stop = answerInCode(elicitations, { people: 4 });
    onTestFinished(async () => {
      stop();
      await agent.close();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
      await bookingsServer.close();
    });
    const result = await agent.run('Book a table for four.');
    expect(result.text).toBe('Booked a table for 4.');
    // The sampling call: the prompt the server sent, on the policy's model.
    expect(JSON.stringify(fake.requests[1]?.body)).toContain('Confirm: {\\"action\\":\\"accept\\"');
    // The tool's result: the sampled text.
    expect(JSON.stringify(fake.requests[2]?.body)).toContain('A table for 4 is booked.');
  });
});
