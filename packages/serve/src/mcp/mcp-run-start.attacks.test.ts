import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
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
});
