// leftovers77a (attack62c's leftover): `get` of a managed agent, an environment, a webhook or a
// trigger took an answer about another one (a cache in front of the API keyed without the path, a
// mix-up behind a load balancer), as interactions.get did before attack58: `fork` then copied
// another agent's definition into the new one. @google/genai documents two forms of these ids
// (`environments/{environment_id}` or `{environment_id}`), so both are taken for the id asked;
// any other id is the server's fault, an `ApiCallError` of its 200, not retried.
import { describe, expect, it } from 'vitest';
import { ApiCallError } from '../errors/api-call-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createEnvironments } from './create-environments.ts';
import { createManagedAgents } from './create-managed-agents.ts';
import { createTriggers } from './create-triggers.ts';
import { createWebhooks } from './create-webhooks.ts';

const KEY = 'AIzaSyLeftovers77aResourceIdsXXXXXXXXXX';

/** A server whose every GET answers `{ id, ... }` and every POST echoes its body; counts both. */
function serverOf(id: string) {
  const requests: string[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    const method = init?.method ?? 'GET';
    requests.push(`${method} ${url.pathname.replace(/^\/v1beta\//, '')}`);
    const body = method === 'POST' ? JSON.parse(String(init?.body)) : { id, name: `the ${id}` };
    return Response.json(body);
  };
  const gemini = createGemini({ fetch, apiKey: KEY, retry: false });
  return {
    requests,
    reads: {
      agents: createManagedAgents(gemini),
      environments: createEnvironments(gemini),
      webhooks: createWebhooks(gemini),
      triggers: createTriggers(gemini),
    },
  };
}

const COLLECTIONS = ['agents', 'environments', 'webhooks', 'triggers'] as const;

describe('get of a sibling resource answered with another id', () => {
  for (const collection of COLLECTIONS) {
    for (const other of ['someone-elses', `${collection}/someone-elses`]) {
      it(`${collection}.get('mine') answered ${JSON.stringify(other)}: refused, typed`, async () => {
        const { reads, requests } = serverOf(other);
        const error = await reads[collection].get('mine').catch((caught: unknown) => caught);
        expect(ApiCallError.isInstance(error), String(error)).toBe(true);
        const apiError = error as ApiCallError;
        expect(apiError.message).toContain(`${collection}.get returned another`);
        expect(apiError.message).toContain('than mine');
        expect(apiError.status).toBe(200);
        expect(apiError.isRetryable).toBe(false);
        expect(apiError.message).not.toContain(KEY);
        expect(requests).toEqual([`GET ${collection}/mine`]);
      });
    }

    for (const same of ['mine', `${collection}/mine`]) {
      it(`${collection}.get('mine') answered ${JSON.stringify(same)}: taken (held)`, async () => {
        const { reads } = serverOf(same);
        expect((await reads[collection].get('mine')).id).toBe(same);
      });
    }
  }

  it('fork does not copy another agent into the new one', async () => {
    const { reads, requests } = serverOf('someone-elses');
    const error = await reads.agents
      .fork('mine', { id: 'mine-strict' })
      .catch((caught: unknown) => caught);
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect(requests).toEqual(['GET agents/mine']);
  });

  it('an id that only ends like the one asked is another (held apart)', async () => {
    for (const other of ['xmine', 'agents/xmine', 'other/mine', 'agents/agents/mine']) {
      const { reads } = serverOf(other);
      const error = await reads.agents.get('mine').catch((caught: unknown) => caught);
      expect(ApiCallError.isInstance(error), other).toBe(true);
    }
  });
});
