import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { TOKENS } from './serve-mcp.ts';

/** A client's `initialize` (id 0), as raw JSON-RPC. */
export const INITIALIZE = {
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'raw', version: '1' },
  },
} as const;

/** What {@link openRawSession}'s `post` read: the status, the body, and its SSE `data:` messages. */
export type RawAnswer = { status: number; text: string; messages: Record<string, unknown>[] };

/**
 * Opens an MCP session over Streamable HTTP as alice with raw POSTs (for what the SDK's client
 * never sends): `initialize`, then `notifications/initialized`; `post(body)` sends any JSON in
 * the session (`signal` aborts its fetch: the client gone).
 */
export async function openRawSession(
  url: URL,
): Promise<(body: unknown, signal?: AbortSignal) => Promise<RawAnswer>> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    authorization: `Bearer ${TOKENS.alice}`,
  };
  const opened = await fetch(url, { method: 'POST', headers, body: JSON.stringify(INITIALIZE) });
  await opened.text();
  headers['mcp-session-id'] = opened.headers.get('mcp-session-id') ?? '';
  headers['mcp-protocol-version'] = INITIALIZE.params.protocolVersion;
  const post = async (body: unknown, signal?: AbortSignal): Promise<RawAnswer> => {
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      ...(signal === undefined ? {} : { signal }),
    });
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

/**
 * Connects a raw in-memory client to `door` and initializes it: `send` any message, `answerTo(id)`
 * the next answer to `id` (each answer taken once, so an id may be used again), `received()` the
 * messages not taken yet.
 */
export async function connectRaw(door: {
  connect(transport: Transport): Promise<unknown>;
}): Promise<{
  send: (message: unknown) => Promise<void>;
  answerTo: (id: number) => Promise<Record<string, unknown>>;
  received: () => readonly Record<string, unknown>[];
}> {
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
  await send(INITIALIZE);
  await answerTo(0);
  await send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return { send, answerTo, received: () => [...received] };
}
