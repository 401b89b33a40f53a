// attack58: a get or a cancel of interaction A answered with interaction B (a cache in front of
// the API keyed without the path, a mix-up behind a load balancer). A stream refuses another
// interaction's events; a poll took B whole: a background run answered with B's steps and went
// on from B's id.
import { createAgent, createGemini } from '@gemloop/core';
import { ApiCallError } from '@gemloop/core/errors';
import { createInteractions, interactionsApi } from '@gemloop/core/interactions';
import { describe, expect, it } from 'vitest';

const MODEL = 'gemini-3-flash-preview';
const foreign = {
  id: 'int-of-someone-else',
  status: 'completed',
  steps: [{ type: 'model_output', content: [{ type: 'text', text: 'Someone else’s answer.' }] }],
};

/** A server whose creates answer `created` and whose every other request answers `foreign`. */
function serverOf(created: object) {
  const methods: string[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    methods.push(`${init?.method ?? 'GET'} ${url.pathname.replace(/^.*\/interactions/, '')}`);
    const body = url.pathname.endsWith('/interactions') ? created : foreign;
    return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
  };
  return { methods, gemini: createGemini({ fetch, apiKey: 'test-key', retry: false }) };
}

describe('an Interactions server answering about another interaction', () => {
  it.each(['get', 'cancel'] as const)('%s refuses the answer, typed', async (method) => {
    const { gemini } = serverOf({});
    const interactions = createInteractions(gemini);
    const error = await interactions[method]('int-1').catch((caught: unknown) => caught);
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('returned another interaction than int-1');
  });

  it('fails a background run rather than answering it with the other interaction', async () => {
    const { methods, gemini } = serverOf({ id: 'int-1', status: 'in_progress' });
    const agent = createAgent({
      gemini,
      model: MODEL,
      api: interactionsApi({ background: { pollIntervalMs: 1 } }),
    });
    const outcome = await agent.run('Hi').then(
      (result) => result.text,
      (error: unknown) => error,
    );
    expect(outcome).not.toBe('Someone else’s answer.');
    expect(ApiCallError.isInstance((outcome as { cause?: unknown }).cause)).toBe(true);
    expect(methods.slice(0, 2)).toEqual(['POST ', 'GET /int-1']);
  });
});
