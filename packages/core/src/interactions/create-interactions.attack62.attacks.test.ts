// attack62c: an Interactions server whose answers name an interaction by an id no URL may hold.
import { createAgent, createGemini } from '@gemloop/core';
import { ApiCallError, InvalidArgumentError } from '@gemloop/core/errors';
import { createInteractions, interactionsApi } from '@gemloop/core/interactions';
import { describe, expect, it } from 'vitest';

const MODEL = 'gemini-3-flash-preview';

/** A server that answers every request with `answer`, and the requests it got. */
function serverOf(answer: object) {
  const requests: string[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    requests.push(`${init?.method ?? 'GET'} ${url.pathname}`);
    return new Response(JSON.stringify(answer), {
      headers: { 'content-type': 'application/json' },
    });
  };
  return { requests, gemini: createGemini({ fetch, apiKey: 'test-key', retry: false }) };
}

const HOSTILE_IDS = ['../../files/x', 'https://evil.example/x', 'a b', ''];

describe('a running interaction whose id no URL may hold (attack62c)', () => {
  it.each(HOSTILE_IDS)(
    'a background run answered id %j: ApiCallError, nothing polled',
    async (id) => {
      const { requests, gemini } = serverOf({ id, status: 'in_progress' });
      const agent = createAgent({
        gemini,
        model: MODEL,
        api: interactionsApi({ background: { pollIntervalMs: 1 } }),
      });
      const error = await agent.run('Hi').then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      const cause = (error as { cause?: unknown }).cause;
      // Before: InvalidArgumentError "The interaction id must be the `id` of an interaction",
      // blaming the caller for an id the server gave.
      expect(InvalidArgumentError.isInstance(cause)).toBe(false);
      expect(ApiCallError.isInstance(cause)).toBe(true);
      expect((cause as Error).message).toMatch(
        /interactions\.create returned a running interaction whose id no URL path may hold/,
      );
      expect(requests).toEqual(['POST /v1beta/interactions']);
    },
  );

  it('interactions.create answered queued with a path for an id: ApiCallError', async () => {
    const { gemini } = serverOf({ id: '../../models', status: 'queued' });
    const error = await createInteractions(gemini)
      .create({ model: MODEL, input: 'Hi', background: true })
      .catch((thrown: unknown) => thrown);
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/could not be polled/);
  });

  it('a finished interaction with an odd id is still read (its id only goes in a body)', async () => {
    const { gemini } = serverOf({
      id: 'a b',
      status: 'completed',
      steps: [{ type: 'model_output', content: [{ type: 'text', text: 'Hello.' }] }],
    });
    const agent = createAgent({ gemini, model: MODEL, api: interactionsApi({}) });
    expect((await agent.run('Hi')).text).toBe('Hello.');
  });
});
