import { expect } from 'vitest';
import { RUN_INPUT } from './serve-all-doors.ts';
import { INITIALIZE } from '../../mcp/__fixtures__/raw-mcp-session.ts';

// One conversation at each door, sent to again and again: the long-thread files (the store's byte
// bound, attack44a; the key scan of old turns, scrub47) drive the four doors the same way.

/** A door test's POST to the mounted doors, as the caller (alice) with her bearer key. */
export type DoorPost = (
  path: string,
  body: unknown,
  headers?: Record<string, string>,
) => Promise<{ text: string; headers: Headers }>;

/** Opens one conversation at a door; the function it returns sends one message on it. */
export type ThreadDoor = (post: DoorPost) => Promise<() => Promise<void>>;

/** Each door's client: `open` returns one send on one conversation. */
export const THREAD_DOORS: Record<string, ThreadDoor> = {
  'OpenAI Responses (previous_response_id)': async (post) => {
    let previous: string | undefined;
    return async () => {
      const { text } = await post('/v1/responses', {
        model: 'support',
        input: 'Hi',
        ...(previous === undefined ? {} : { previous_response_id: previous }),
      });
      previous = (JSON.parse(text) as { id: string }).id;
    };
  },
  'AG-UI (threadId)': async (post) => {
    let run = 0;
    return async () => {
      run += 1;
      await post('/ag-ui', {
        ...RUN_INPUT,
        runId: `r${run}`,
        messages: [{ id: `m${run}`, role: 'user', content: 'Hi' }],
      });
    };
  },
  'A2A (contextId)': async (post) => {
    let sent = 0;
    return async () => {
      sent += 1;
      await post('/a2a', {
        jsonrpc: '2.0',
        id: sent,
        method: 'message/send',
        params: {
          message: {
            kind: 'message',
            messageId: `m${sent}`,
            contextId: 'ctx-long',
            role: 'user',
            parts: [{ kind: 'text', text: 'Hi' }],
          },
        },
      });
    };
  },
  'MCP (sessionId)': async (post) => {
    const opened = await post('/mcp', INITIALIZE);
    const session = {
      'mcp-session-id': opened.headers.get('mcp-session-id') ?? '',
      'mcp-protocol-version': '2025-06-18',
    };
    await post('/mcp', { jsonrpc: '2.0', method: 'notifications/initialized' }, session);
    let sent = 0;
    return async () => {
      sent += 1;
      const { text } = await post(
        '/mcp',
        {
          jsonrpc: '2.0',
          id: sent,
          method: 'tools/call',
          params: { name: 'ask_support', arguments: { message: 'Hi', sessionId: 'long' } },
        },
        session,
      );
      expect(text).not.toContain('"isError":true');
    };
  },
};
