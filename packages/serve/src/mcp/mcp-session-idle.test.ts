import { type AgentOptions, defineTool } from '@gemloop/core';
import { type FakeTurn, turn } from '@gemloop/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { agentOnFake } from '../door/__fixtures__/serve-door.ts';
import { INITIALIZE } from './__fixtures__/raw-mcp-session.ts';
import { authorizeByToken, serveMcp, TOKENS } from './__fixtures__/serve-mcp.ts';
import { checkMcpOptions } from './check-mcp-options.ts';
import { createMcpServer } from './create-mcp-server.ts';

// attack50a: an MCP session whose client left without DELETE held ~37 KB until `maxConnections`
// newer ones pushed it out. `sessionIdleMs` closes a session with nothing open for that long; the
// MCP spec (2025-11-25, Transports, Session Management) lets a server end a session at any time,
// answering 404 after, and its client initializes again. In process, on fake time.

afterEach(() => {
  vi.useRealTimers();
});

const IDLE = 60_000;

const headersOf = (session?: string): Record<string, string> => ({
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  authorization: `Bearer ${TOKENS.alice}`,
  ...(session === undefined
    ? {}
    : { 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' }),
});

function doorOnFake(script: FakeTurn[] = [turn.text('Hi.')], tools: AgentOptions['tools'] = []) {
  const { agent } = agentOnFake(script, { tools });
  const errors: unknown[] = [];
  const door = createMcpServer({
    agents: { support: agent },
    authorize: authorizeByToken,
    onError: (error) => errors.push(error),
    sessionIdleMs: IDLE,
    // No keep-alive comments: the only timers are the sessions' idle ones.
    heartbeatMs: 0,
    rateLimit: false,
  });
  const handler = door.handler();
  const post = async (body: unknown, session?: string) => {
    const response = await handler(
      new Request('http://localhost/mcp', {
        method: 'POST',
        headers: headersOf(session),
        body: JSON.stringify(body),
      }),
    );
    await response.text();
    return response;
  };
  const open = async () => {
    const opened = await post(INITIALIZE);
    const session = opened.headers.get('mcp-session-id') ?? '';
    expect(session).not.toBe('');
    expect(
      (await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, session)).status,
    ).toBe(202);
    return session;
  };
  let ids = 1;
  const list = async (session: string) =>
    (await post({ jsonrpc: '2.0', id: ids++, method: 'tools/list' }, session)).status;
  return { door, handler, post, open, list, errors };
}

describe('an MCP HTTP session left idle', () => {
  it('is closed past sessionIdleMs (404 after), an active one kept, no timer left', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { door, open, list, errors } = doorOnFake();
    const abandoned = await open();
    const used = await open();
    await vi.advanceTimersByTimeAsync(IDLE - 10_000);
    expect(await list(used)).toBe(200);
    await vi.advanceTimersByTimeAsync(20_000);
    // The abandoned one is 70 s idle: closed, and told so as the spec says.
    expect(await list(abandoned)).toBe(404);
    // The used one is 20 s idle since its last request: kept.
    expect(await list(used)).toBe(200);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(IDLE);
    expect(await list(used)).toBe(404);
    // Both closed by their own timers: none left.
    expect(vi.getTimerCount()).toBe(0);
    // A client that initializes again is served.
    expect(await list(await open())).toBe(200);
    await door.close();
    expect(vi.getTimerCount()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('keeps a session whose GET stream is open past it, and closes it once the stream ends', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { door, handler, open, list, errors } = doorOnFake();
    const session = await open();
    const listening = await handler(
      new Request('http://localhost/mcp', { method: 'GET', headers: headersOf(session) }),
    );
    expect(listening.status).toBe(200);
    // A listening client is not an abandoned one: no idle timer runs while its stream is open.
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(3 * IDLE);
    expect(await list(session)).toBe(200);
    await listening.body?.cancel();
    await vi.advanceTimersByTimeAsync(IDLE + 1);
    expect(await list(session)).toBe(404);
    expect(vi.getTimerCount()).toBe(0);
    await door.close();
    expect(errors).toEqual([]);
  });

  it('keeps a session whose tool call runs past it, and closes it once the call answered', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started: () => void = () => {};
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const hold = defineTool({
      name: 'hold',
      description: 'Waits until released.',
      parameters: z.object({}),
      // Longer than the advance below: the tool's own default timeout would end the call first.
      timeoutMs: 10 * IDLE,
      execute: async () => {
        started();
        await released;
        return { held: true };
      },
    });
    const { door, post, open, list, errors } = doorOnFake(
      [turn.call('hold', {}), turn.text('Done.')],
      [hold],
    );
    const session = await open();
    const call = post(
      {
        jsonrpc: '2.0',
        id: 'call-1',
        method: 'tools/call',
        params: { name: 'ask_support', arguments: { message: 'Hold on.' } },
      },
      session,
    );
    await running;
    await vi.advanceTimersByTimeAsync(3 * IDLE);
    expect(await list(session)).toBe(200);
    release();
    expect((await call).status).toBe(200);
    await vi.advanceTimersByTimeAsync(IDLE + 1);
    expect(await list(session)).toBe(404);
    await door.close();
    expect(errors).toEqual([]);
  });

  it("keeps a live SDK client's session (its GET stream is open), closes one that left", async () => {
    const { url, errors } = await serveMcp([], { door: { sessionIdleMs: IDLE, heartbeatMs: 0 } });
    const auth = { authorization: `Bearer ${TOKENS.alice}` };
    // The SDK's client opens its GET stream once initialized: known here when its answer came.
    const connect = async () => {
      let listening: () => void = () => {};
      const streamOpen = new Promise<void>((resolve) => {
        listening = resolve;
      });
      const watched: typeof fetch = async (input, init) => {
        const response = await fetch(input, init);
        if (init?.method === 'GET' && response.ok) listening();
        return response;
      };
      const transport = new StreamableHTTPClientTransport(url, {
        requestInit: { headers: auth },
        fetch: watched,
      });
      const client = new Client({ name: 'raw', version: '1' });
      await client.connect(transport);
      await streamOpen;
      return { client, id: transport.sessionId ?? '' };
    };
    const live = await connect();
    const gone = await connect();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    // Both streams open: no idle timer runs.
    expect(vi.getTimerCount()).toBe(0);
    // Gone without DELETE (`close()` ends its stream; `terminateSession()` was not called).
    await gone.client.close();
    // Once the door saw the stream end, the session's idle timer runs (the 404 below is the check).
    await vi.waitFor(() => expect(vi.getTimerCount()).toBeGreaterThanOrEqual(1));
    await vi.advanceTimersByTimeAsync(3 * IDLE);
    vi.useRealTimers();
    expect((await live.client.listTools()).tools.map((tool) => tool.name)).toEqual(['ask_support']);
    const stale = await fetch(url, {
      method: 'POST',
      headers: { ...headersOf(gone.id), ...auth },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }),
    });
    expect(stale.status).toBe(404);
    await stale.text();
    await live.client.close();
    expect(errors).toEqual([]);
  });

  it('is closed after an hour by default; sessionIdleMs 0 never; a bad value is refused by name', () => {
    const { agent } = agentOnFake([]);
    const settings = (sessionIdleMs?: number) =>
      checkMcpOptions({ agents: { support: agent }, sessionIdleMs });
    expect(settings().sessionIdleMs).toBe(3_600_000);
    expect(settings(0).sessionIdleMs).toBe(0);
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 31]) {
      expect(() => settings(bad)).toThrow(/sessionIdleMs/);
    }
  });
});
