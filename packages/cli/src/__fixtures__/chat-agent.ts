// The agent `gemloop chat` is tested with (a test fixture): on the fake Gemini whose URL the test
// puts in GEMLOOP_CHAT_TEST_URL, with an MCP server's tool that asks the user a form in the middle
// of its call (the official SDK's McpServer, in this process), and a tool that waits until the test
// emits `gemloop-chat-test-go` on `process` (or the call is aborted), so a line can be typed while
// the agent works.
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import {
  answerMcpServerRequests,
  createMcpElicitationBroker,
  createMcpTools,
} from '@gemloop/tools';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

/** The `process` event that lets `wait_for_go` return. */
export const GO = 'gemloop-chat-test-go';

const server = new McpServer({ name: 'bookings', version: '1.0.0' });
server.registerTool('book_table', { description: 'Books a table.', inputSchema: {} }, async () => {
  const answer = await server.server.elicitInput({
    message: 'How many people?',
    requestedSchema: {
      type: 'object',
      properties: { people: { type: 'integer', title: 'People', minimum: 1, maximum: 12 } },
      required: ['people'],
    },
  });
  return { content: [{ type: 'text', text: JSON.stringify(answer) }] };
});

export const elicitations = createMcpElicitationBroker();
const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
await server.connect(serverTransport);
const client = new Client({ name: 'chat-test', version: '1.0.0' });
await answerMcpServerRequests(client, { elicitation: elicitations.handler });
await client.connect(clientTransport);
const { tools } = await createMcpTools(client);

const waitForGo = defineTool({
  name: 'wait_for_go',
  description: 'Waits for the go signal.',
  parameters: z.object({}),
  execute: (_args, { signal }) =>
    new Promise<string>((resolve, reject) => {
      const go = () => resolve('went');
      process.once(GO, go);
      signal.addEventListener('abort', () => {
        process.off(GO, go);
        reject(signal.reason);
      });
    }),
});

export default createAgent({
  name: 'concierge',
  gemini: createGemini({
    apiKey: 'test-key',
    baseUrl: process.env['GEMLOOP_CHAT_TEST_URL'] as string,
    retry: false,
  }),
  model: 'gemini-3-flash-preview',
  tools: [...tools, waitForGo],
});
