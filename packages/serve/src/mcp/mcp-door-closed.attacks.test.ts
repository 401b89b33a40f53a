import { turn } from '@gemloop/testing';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { describe, expect, it } from 'vitest';
import { INITIALIZE } from './__fixtures__/raw-mcp-session.ts';
import { serveMcp, TOKENS } from './__fixtures__/serve-mcp.ts';
import { createCancelledCalls } from './cancelled-calls.ts';
import { McpDoorClosedError } from './mcp-door-closed-error.ts';
import { createMcpSessions } from './mcp-sessions.ts';

// Calls after `door.close()` (attack62f). A server shutting down closes the door, then its HTTP
// server, which waits for the connections still open: in between, a client's `initialize` opened
// a new session (and its calls ran agents) that no close would ever end, and `connect` served a
// new connection the same way.

const HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  authorization: `Bearer ${TOKENS.alice}`,
};

describe('the MCP door after close()', () => {
  it('opens no session over HTTP: 503 with fixed words, nothing run', async () => {
    const { door, url, fake, errors } = await serveMcp([turn.text('never')]);
    await door.close();
    const opened = await fetch(url, {
      method: 'POST',
      headers: HEADERS,
      body: JSON.stringify(INITIALIZE),
    });
    expect(opened.status).toBe(503);
    expect(opened.headers.get('mcp-session-id')).toBeNull();
    expect(await opened.json()).toEqual({
      jsonrpc: '2.0',
      error: { code: -32000, message: expect.stringContaining('closed') },
      id: null,
    });
    // A second close is harmless.
    await door.close();
    expect(fake.requests).toHaveLength(0);
    expect(errors).toEqual([]);
  });

  it('refuses a connection with McpDoorClosedError and closes its transport', async () => {
    const { door } = await serveMcp([turn.text('never')]);
    await door.close();
    const [client, server] = InMemoryTransport.createLinkedPair();
    let clientClosed = false;
    client.onclose = () => {
      clientClosed = true;
    };
    await client.start();
    const refused = await door.connect(server).catch((error: unknown) => error);
    expect(McpDoorClosedError.isInstance(refused)).toBe(true);
    expect((refused as McpDoorClosedError).message).toContain('createMcpServer');
    expect(clientClosed).toBe(true);
  });

  it('closes a session whose initialize was still answering when close() ran', async () => {
    const sessions = createMcpSessions({ maxConnections: 10, sessionIdleMs: 0, onError: () => {} });
    await sessions.close();
    let closed = 0;
    const transport = {
      close: async () => {
        closed += 1;
      },
    } as unknown as WebStandardStreamableHTTPServerTransport;
    sessions.add('late', 'alice', transport, createCancelledCalls());
    expect(sessions.get('late')).toBeUndefined();
    expect(closed).toBe(1);
  });
});
