// An agent app as users deploy it: bundled (bundled-node-app.test.ts bundles it with esbuild) and
// run from a folder with no node_modules. Each check prints one JSON line: what it gave, or the
// error it threw (name, code, message, and the fields of a MissingDependencyError).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, createChatSession, createGemini, defineTool, jsonSchema } from '@gemloop/core';
import { createFileHistoryStore } from '@gemloop/core/chat';
import { subagent } from '@gemloop/core/composition';
import { createLogger } from '@gemloop/core/logging';
import { createFakeGemini, turn } from '@gemloop/testing';
import { createMcpTools, createWebFetchTool } from '@gemloop/tools';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import * as zm from 'zod/mini';
import { z as z3 } from 'zod/v3';
import { check } from './check.ts';

const args = z.object({ a: z.number() });
const fake = createFakeGemini({
  script: [
    // The tools' agent: one call of each (the JSON Schema tool's `a` a string: cfworker answers).
    turn.calls([
      { name: 'zod4', args: { a: 1 } },
      { name: 'zod3', args: { a: 3 } },
      { name: 'json', args: { a: 'four' } },
      { name: 'mcp_echo', args: { text: 'five' } },
      { name: 'helper', args: { task: 'six' } },
    ]),
    turn.text('the subagent answers'),
    turn.text('{"sum": 21}'),
    turn.text('{"sum": 3}'),
    turn.text('stored'),
  ],
});
const folder = mkdtempSync(join(tmpdir(), 'gemloop-bundled-app-'));
const { url } = await fake.listen();
try {
  await runAll(url);
} finally {
  await fake.close();
  rmSync(folder, { recursive: true, force: true });
}

async function runAll(baseUrl: string): Promise<void> {
  const gemini = createGemini({ baseUrl, apiKey: 'test-key', retry: false });
  const server = new Server({ name: 'mcp', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: [
      {
        name: 'echo',
        description: 'Echoes.',
        inputSchema: { type: 'object', properties: { text: { type: 'string' } } },
      },
    ],
  }));
  server.setRequestHandler(CallToolRequestSchema, async ({ params }) => ({
    content: [{ type: 'text', text: `echo ${String(params.arguments?.['text'])}` }],
  }));
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'app', version: '1.0.0' });
  await client.connect(clientSide);
  const mcp = await createMcpTools(client, { prefix: 'mcp_', closeClient: true });
  const helper = createAgent({ gemini, model: 'gemini-2.5-flash', name: 'helper' });
  const tools = [
    defineTool({ name: 'zod4', description: 'd', parameters: args, execute: ({ a }) => a }),
    defineTool({
      name: 'zod3',
      description: 'd',
      parameters: z3.object({ a: z3.number() }),
      execute: ({ a }) => a,
    }),
    defineTool({
      name: 'json',
      description: 'd',
      parameters: jsonSchema<{ a: number }>({
        type: 'object',
        properties: { a: { type: 'number', minimum: 0 } },
        required: ['a'],
      }),
      execute: ({ a }) => a,
    }),
    ...mcp.tools,
    subagent(helper, { name: 'helper', description: 'Helps.' }),
  ];
  const agent = createAgent({
    gemini,
    model: 'gemini-2.5-flash',
    tools,
    output: z.object({ sum: z.number() }),
    telemetry: {},
  });
  // zod/mini has no converter of its own: zod/v4/core's, which gemloop keeps out of bundles.
  await check('zod mini tool', () =>
    defineTool({
      name: 'mini',
      description: 'd',
      parameters: zm.object({ a: zm.number() }),
      execute: ({ a }) => a,
    }),
  );
  await check('tools, subagent, MCP, output, telemetry', async () => {
    const result = await agent.run('Call every tool.');
    const responses = fake.modelRequests[2]?.body as {
      contents: { parts: { functionResponse?: { name: string; response: unknown } }[] }[];
    };
    const answers = responses.contents
      .flatMap((content) => content.parts)
      .flatMap(({ functionResponse }) => (functionResponse === undefined ? [] : [functionResponse]));
    return { output: result.output, answers };
  });
  await agent.close();
  await check('zod 3 output', async () => {
    const zod3Agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      output: z3.object({ sum: z3.number() }),
    });
    return (await zod3Agent.run('Sum.')).output;
  });
  await check('file history store', async () => {
    const chat = createChatSession({
      agent: createAgent({ gemini, model: 'gemini-2.5-flash' }),
      store: createFileHistoryStore({ directory: folder }),
      id: 'user-1',
    });
    const reply = await chat.send('Store this.');
    await chat.close();
    return reply.text;
  });
  await check('logger', () => typeof createLogger().info);
  await checkWebFetch();
}

/** The web fetch tool on a page of this process: ipaddr.js checks the address, turndown converts. */
async function checkWebFetch(): Promise<void> {
  const server = createServer((request, response) => {
    response.setHeader('content-type', request.url === '/page.html' ? 'text/html' : 'text/plain');
    response.end(request.url === '/page.html' ? '<p>An HTML page.</p>' : 'A text page.');
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as { port: number };
  const webFetch = createWebFetchTool({ allowedAddressRanges: ['127.0.0.1/32'] });
  const context = { signal: new AbortController().signal } as Parameters<typeof webFetch.execute>[1];
  try {
    await check('web fetch', async () => {
      const page = await webFetch.execute({ url: `http://127.0.0.1:${port}/page.txt` }, context);
      return (page as { content: string }).content;
    });
    await check('web fetch of HTML', () =>
      webFetch.execute({ url: `http://127.0.0.1:${port}/page.html` }, context),
    );
  } finally {
    server.close();
  }
}
