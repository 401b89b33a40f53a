import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { storeWhoseClearThrows } from '../door/__fixtures__/store-whose-clear-throws.ts';
import { TRACER_SECRET, tracerThatThrows } from '../door/__fixtures__/tracer-that-throws.ts';
import { serveMcp } from './__fixtures__/serve-mcp.ts';

// doors67: an `ask_<agent>` call whose run fails as it starts (here the door's tracer throws as it
// opens the span, before the agent's run exists), as openai67 found on the OpenAI door's streams.
// The run was started before the `try` that answers a failed run: the thrown error went to the
// MCP SDK, which answered it as a JSON-RPC error quoting its message; `onError` never heard of it;
// and a call naming a `sessionId` left the session claimed, every later call to it refused as
// "answering another message", for good.

const ask = (message: string, sessionId?: string) => ({
  name: 'ask_support',
  arguments: { message, ...(sessionId === undefined ? {} : { sessionId }) },
});

describe('an ask_<agent> call whose run fails as it starts (doors67)', () => {
  it.each([
    ['without a session', undefined],
    ['in a session', 'chat-1'],
  ])(
    '%s: a tool result with isError in fixed words, onError told once, the next call answered',
    async (_label, sessionId) => {
      const { httpClient, errors } = await serveMcp([turn.text('Answered.')], {
        door: { tracerProvider: tracerThatThrows() },
      });
      const { client } = await httpClient();
      const failed = await client.callTool(ask('Hi.', sessionId)).catch((error: unknown) => error);
      expect(JSON.stringify(failed)).not.toContain(TRACER_SECRET);
      expect(String(failed)).not.toContain(TRACER_SECRET);
      expect(failed).toMatchObject({ isError: true });
      expect(errors).toHaveLength(1);
      const next = await client.callTool(ask('Again.', sessionId));
      expect(next.isError).toBeFalsy();
      expect(next.structuredContent).toMatchObject({ answer: 'Answered.' });
      expect(errors).toHaveLength(1);
    },
  );

  it('with progress asked for (the answer on an event stream): the same', async () => {
    const { httpClient, errors } = await serveMcp([turn.text('Answered.')], {
      door: { tracerProvider: tracerThatThrows() },
    });
    const { client } = await httpClient();
    const failed = await client
      .callTool(ask('Hi.', 'chat-2'), undefined, { onprogress: () => {} })
      .catch((error: unknown) => error);
    expect(String(failed)).not.toContain(TRACER_SECRET);
    expect(failed).toMatchObject({ isError: true });
    expect(errors).toHaveLength(1);
    const next = await client.callTool(ask('Again.', 'chat-2'), undefined, {
      onprogress: () => {},
    });
    expect(next.structuredContent).toMatchObject({ answer: 'Answered.' });
  });

  it('a store whose clear throws at once (a synchronous store) as the bound forgets a session: the call is answered, the session free', async () => {
    // HistoryStore.clear may return void: a synchronous store (SQLite, say) throws, not rejects.
    // The door claimed the new session, then forgot the oldest one past maxSessions: the throw
    // went to the SDK quoting its message, and the new session stayed claimed for good.
    const store = storeWhoseClearThrows(TRACER_SECRET);
    const { httpClient, errors } = await serveMcp(
      [turn.text('One.'), turn.text('Two.'), turn.text('Three.')],
      { door: { store, maxSessions: 1 } },
    );
    const { client } = await httpClient();
    expect((await client.callTool(ask('Hi.', 's1'))).structuredContent).toMatchObject({
      answer: 'One.',
    });
    const second = await client.callTool(ask('Hi.', 's2')).catch((error: unknown) => error);
    expect(String(second)).not.toContain(TRACER_SECRET);
    expect(JSON.stringify(second)).not.toContain(TRACER_SECRET);
    expect(second).toMatchObject({ structuredContent: { answer: 'Two.' } });
    expect(errors.length).toBeGreaterThanOrEqual(1);
    const third = await client.callTool(ask('Again.', 's2'));
    expect(third.structuredContent).toMatchObject({ answer: 'Three.' });
  });
});
