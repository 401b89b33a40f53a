import { toEventStreamResponse } from '@gemloop/core/web';
import { describe, expect, it } from 'vitest';
import { rejection } from './__fixtures__/rejection.ts';
import { agentEvents } from './agent-events.ts';
import { answerElicitation } from './answer-elicitation.ts';

// What an MCP server asks in the middle of a run reaches a page as a `plugin` event of
// `mcp-requests` (when the server lists it in `pluginEvents`), and the page answers it with a
// POST to the elicitation broker's route.

describe('plugin events and answerElicitation', () => {
  it('reads the plugin events a server sends', async () => {
    const pending = {
      type: 'plugin' as const,
      path: [] as string[],
      plugin: 'mcp-requests',
      kind: 'elicitation-pending',
      stepNumber: 1,
      data: { id: 'e-1', mode: 'form', message: 'How many people?' },
    };
    const source = Object.assign(
      (async function* () {
        yield pending;
        yield { ...pending, plugin: 'other', kind: 'secret-stuff' };
      })(),
      { abort() {} },
    );
    const fetch = async () =>
      toEventStreamResponse(source as never, { pluginEvents: ['mcp-requests'], runId: 'r' });
    const events: { type: string }[] = [];
    for await (const event of agentEvents('http://x/run', { fetch })) events.push(event);
    expect(events.filter((event) => event.type === 'plugin')).toEqual([pending]);
  });

  it('posts the answer as JSON and tells whether it was taken', async () => {
    const sent: { url: string; init: RequestInit }[] = [];
    const answering =
      (status: number, body?: string) =>
      async (url: string | URL | Request, init?: RequestInit) => {
        sent.push({ url: String(url), init: init as RequestInit });
        return new Response(body ?? null, { status });
      };
    const answer = { id: 'e-1', action: 'accept' as const, content: { people: 4 } };
    expect(
      await answerElicitation('http://x/elicitations', answer, { fetch: answering(204) }),
    ).toBe(true);
    expect(sent[0]?.init.method).toBe('POST');
    expect(JSON.parse(sent[0]?.init.body as string)).toEqual(answer);
    expect(
      await answerElicitation(
        'http://x/elicitations',
        { id: 'gone', action: 'cancel' },
        { fetch: answering(404) },
      ),
    ).toBe(false);
    const error = await rejection(
      answerElicitation('http://x/elicitations', answer, {
        fetch: answering(400, JSON.stringify({ error: '"people" must be at most 12.' })),
      }),
    );
    expect(error).toMatchObject({ code: 'http-status', status: 400 });
    expect((error as Error).message).toContain('"people" must be at most 12.');
  });
});
