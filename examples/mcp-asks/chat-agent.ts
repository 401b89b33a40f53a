// The mcp-asks agent for `gemloop chat`: chat with it at the terminal, and answer what the
// restaurant's MCP server asks back (how many people, a page to open) right there.
//
//   npx gemloop chat examples/mcp-asks/chat-agent.ts
//
// Offline (no GEMINI_API_KEY), the built-in fake plays the model: ask it to book a table.
import { createAgent } from '@gemloop/core';
import { turn } from '@gemloop/testing';
import {
  answerMcpServerRequests,
  createMcpElicitationBroker,
  createMcpTools,
} from '@gemloop/tools';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { connect } from '../lib/connect.ts';
import { bookingsServer } from './bookings-server.ts';

const connection = await connect({
  // Offline: books when asked to, then says what the server's tool answered.
  script: (_request, { lastUserText, functionResponses }) => {
    const [answered] = functionResponses;
    if (answered !== undefined) {
      const output = (answered.response as { output?: unknown }).output;
      return turn.text(`The restaurant says: ${String(output ?? 'nothing')}`);
    }
    if (/book/i.test(lastUserText ?? '')) return turn.call('book_table', {});
    return turn.text('Offline, I book tables: ask me to book one.');
  },
});
if (process.stderr.isTTY) process.stderr.write(`${connection.banner}\n`);

/** The broker `gemloop chat` answers at the terminal (the export's name is the contract). */
export const elicitations = createMcpElicitationBroker({ timeoutMs: 5 * 60_000 });

const server = bookingsServer();
const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
await server.connect(serverTransport);
const client = new Client({ name: 'mcp-asks-chat', version: '1.0.0' });
await answerMcpServerRequests(client, {
  elicitation: elicitations.handler,
  sampling: {
    gemini: connection.gemini,
    model: connection.model,
    allowedServers: ['bookings'],
    maxTokens: 200,
  },
});
await client.connect(clientTransport);
const { tools } = await createMcpTools(client, { closeClient: true });

export default createAgent({ gemini: connection.gemini, model: connection.model, tools });

/** Called by `gemloop chat` when the chat ends: the MCP server and the offline fake stop. */
export async function close(): Promise<void> {
  await server.close();
  await connection.close();
}
