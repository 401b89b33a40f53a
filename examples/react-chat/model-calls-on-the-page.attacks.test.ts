import { agentEvents } from '@gemloop/client';
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { toEventStreamResponse } from '@gemloop/core/web';
import { type AssistantChatMessage, initialAgentChatState, reduceAgentChat } from '@gemloop/react';
import { createFakeGemini, type FakeTurn, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

// attack27, end to end: what a model writes in its calls, from the agent through
// `@gemloop/core/web`'s stream, read by `@gemloop/client` in 16 KB pieces (as a network hands
// them over), into `@gemloop/react`'s reducer: the message a page renders. Before the fixes a
// number id hid a call that ran (react drops an event whose id is not a string), two calls with one
// id showed as one (the second's arguments, both results), and a 2 MB argument ended the page's
// stream (an event past the client's `maxEventChars`).

const lookup = defineTool({
  name: 'lookup',
  parameters: z.object({ q: z.string() }),
  execute: ({ q }) => ({ found: q.slice(0, 8) }),
});

/** A body delivered in 16 KB reads. */
function inPieces(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        for (let at = 0; at < chunk.length; at += 16_384)
          controller.enqueue(chunk.slice(at, at + 16_384));
      },
    }),
  );
}

/** The assistant message a page shows after the run, and the client's error if its stream failed. */
async function pageAfter(script: FakeTurn[]) {
  const fake = createFakeGemini({ script });
  const gemini = createGemini({ apiKey: 'page-test-key', fetch: fake.fetch, retry: false });
  const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [lookup] });
  const fetch = (async () => {
    const response = toEventStreamResponse(agent.stream('Look it up.'));
    return new Response(inPieces(response.body as ReadableStream<Uint8Array>), response);
  }) as typeof globalThis.fetch;
  let state = reduceAgentChat(initialAgentChatState(), {
    type: 'send',
    userId: 'u',
    assistantId: 'a',
    text: 'Look it up.',
  });
  let error: unknown;
  try {
    for await (const event of agentEvents('http://page.test/chat', { fetch })) {
      state = reduceAgentChat(state, { type: 'event', messageId: 'a', event });
    }
  } catch (caught) {
    error = caught;
  }
  const message = state.messages.find((each) => each.id === 'a') as AssistantChatMessage;
  const calls = message.toolCalls.map((call) => ({
    q: typeof call.args?.['q'] === 'string' ? call.args['q'].slice(0, 8) : call.args,
    status: call.status,
    preview: call.preview,
  }));
  return { text: message.text, calls, error };
}

describe("the model's calls on a page (attack27)", () => {
  it('a call whose id is a number is shown, and its result', async () => {
    const page = await pageAfter([
      turn.parts([{ functionCall: { id: 42, name: 'lookup', args: { q: 'one' } } as never }]),
      turn.text('Found.'),
    ]);
    expect(page.error).toBeUndefined();
    expect(page.calls).toEqual([{ q: 'one', status: 'done', preview: '{"found":"one"}' }]);
    expect(page.text).toBe('Found.');
  });

  it('two calls with one id are two calls, each with its arguments and result', async () => {
    const page = await pageAfter([
      turn.parts([
        { functionCall: { id: 'call_0', name: 'lookup', args: { q: 'one' } } },
        { functionCall: { id: 'call_0', name: 'lookup', args: { q: 'two' } } },
      ]),
      turn.text('Both.'),
    ]);
    expect(page.error).toBeUndefined();
    expect(page.calls).toEqual([
      { q: 'one', status: 'done', preview: '{"found":"one"}' },
      { q: 'two', status: 'done', preview: '{"found":"two"}' },
    ]);
  });

  it('a call with a 2 MB argument and a 1.5 MB id: shown without its arguments, the answer after it', async () => {
    const page = await pageAfter([
      turn.parts([
        {
          functionCall: { id: 'i'.repeat(1_500_000), name: 'lookup', args: { q: 'y'.repeat(2e6) } },
        },
      ]),
      turn.text('Done.'),
    ]);
    expect(page.error).toBeUndefined();
    expect(page.calls).toEqual([{ q: undefined, status: 'done', preview: '{"found":"yyyyyyyy"}' }]);
    expect(page.text).toBe('Done.');
  });
});
