import type { IncomingHttpHeaders } from 'node:http';
import { ApiCallError } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import { listenNodeForTest } from '../../door/__fixtures__/serve-door.ts';
import { bareToolContext } from '../__fixtures__/serve-a2a.ts';
import { a2aAgent } from './a2a-agent.ts';

// A remote A2A agent (or a proxy in front of it) answering with a redirect to another origin
// (attack12). The Fetch standard drops only `Authorization` on a cross-origin redirect
// (https://fetch.spec.whatwg.org/#http-redirect-fetch, step 14), and Node's fetch follows it: the
// `headers` given for the remote (`x-api-key`, a tenant token) went on to whatever host the
// Location named, past `allowCardOrigins`, which was checked on the first URL only.

const KEY = 'a2a-attack12-0123456789abcdef';

/** A server that records each request's headers and answers as an A2A agent never should. */
async function elsewhere() {
  const seen: IncomingHttpHeaders[] = [];
  const origin = await listenNodeForTest((request, response) => {
    seen.push(request.headers);
    request.resume();
    response.writeHead(503, { 'content-type': 'application/json' }).end('{}');
  });
  return { origin, seen };
}

/** The remote: every request answered with `status` to `location`. */
async function redirecting(status: number, location: string) {
  const seen: string[] = [];
  const origin = await listenNodeForTest((request, response) => {
    seen.push(`${request.method} ${request.url}`);
    request.resume();
    response.writeHead(status, { location }).end();
  });
  return { origin, seen };
}

describe('a2aAgent given a redirect', () => {
  const call = (tool: ReturnType<typeof a2aAgent>) =>
    Promise.resolve(tool.execute({ task: 'Hi' }, bareToolContext())).catch(
      (thrown: unknown) => thrown,
    );

  it.each([301, 302, 303, 307, 308])(
    'a card request answered %i sends nothing to the other origin and fails naming the redirect',
    async (status) => {
      const other = await elsewhere();
      const remote = await redirecting(status, `${other.origin}/card?token=${KEY}`);
      const tool = a2aAgent({
        url: `${remote.origin}/a2a`,
        name: 'support',
        description: 'Answers.',
        headers: { 'x-api-key': KEY, authorization: `Bearer ${KEY}` },
      });
      const error = await call(tool);
      expect(other.seen).toEqual([]);
      expect(remote.seen.length).toBeGreaterThan(0);
      expect(ApiCallError.isInstance(error) && error.status).toBe(status);
      const message = String((error as Error).message);
      expect(message).toMatch(/redirect/);
      expect(message).toContain(`${other.origin}/card`);
      expect(message).not.toContain(KEY);
    },
  );

  it('a redirect within the remote origin is refused the same way (the headers stay home)', async () => {
    const remote = await redirecting(308, '/elsewhere/a2a');
    const tool = a2aAgent({
      url: `${remote.origin}/a2a`,
      name: 'support',
      description: 'Answers.',
      headers: { 'x-api-key': KEY },
    });
    const error = await call(tool);
    expect(String((error as Error).message)).toMatch(/redirect/);
    expect(remote.seen).toHaveLength(1);
  });
});
