import type { AgentOptions } from '@gemloop/core';
import { type FakeTurn, listenOnLoopback } from '@gemloop/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { onTestFinished } from 'vitest';
import { agentOnFake, ownerOfBearer } from '../../__fixtures__/order-fixtures.ts';
import { toNodeListener } from '../../node/to-node-listener.ts';
import { createMcpServer } from '../create-mcp-server.ts';
import type { McpServerOptions } from '../mcp-server-options.ts';

/** The bearer tokens the tests' `authorize` knows, by owner. */
export const TOKENS = { alice: 'mcp-alice-0123456789', bob: 'mcp-bob-9876543210' } as const;

/** `authorize` of the tests: a known bearer token's owner, else refused. */
export function authorizeByToken(request: Request): string | null {
  return ownerOfBearer(TOKENS, request);
}

/**
 * An agent (`support`) on the fake Gemini served by the MCP door, both over Streamable HTTP on
 * 127.0.0.1 (through the node adapter) and in memory; everything closed when the test ends.
 * `httpClient(owner)` and `memoryClient()` are the SDK's own `Client`, connected.
 */
export async function serveMcp(
  script: FakeTurn[],
  options: { agent?: Partial<AgentOptions>; door?: Partial<McpServerOptions> } = {},
) {
  const { fake, agent } = agentOnFake(script, options.agent);
  const errors: unknown[] = [];
  const door = createMcpServer({
    agents: { support: agent },
    authorize: authorizeByToken,
    onError: (error) => errors.push(error),
    ...options.door,
  });
  const server = await listenOnLoopback(toNodeListener(door.handler()));
  const clients: Client[] = [];
  onTestFinished(async () => {
    await Promise.allSettled(clients.map((client) => client.close()));
    await door.close();
    await server.close();
  });
  const url = new URL(`${server.url}/mcp`);
  const httpClient = async (owner: keyof typeof TOKENS = 'alice') => {
    const client = new Client({ name: 'test-client', version: '1.0.0' });
    clients.push(client);
    const transport = new StreamableHTTPClientTransport(url, {
      requestInit: { headers: { authorization: `Bearer ${TOKENS[owner]}` } },
    });
    await client.connect(transport);
    return { client, transport };
  };
  const memoryClient = async (owner?: string) => {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await door.connect(serverSide, { owner });
    const client = new Client({ name: 'test-client', version: '1.0.0' });
    clients.push(client);
    await client.connect(clientSide);
    return client;
  };
  return { fake, agent, door, url, httpClient, memoryClient, errors };
}
