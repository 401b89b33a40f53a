import type { IncomingHttpHeaders } from 'node:http';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { listenNodeForTest } from '../../door/__fixtures__/serve-door.ts';
import { bareToolContext, serveA2A, TOKENS } from '../__fixtures__/serve-a2a.ts';
import { a2aAgent } from './a2a-agent.ts';
import { A2ACardUrlError } from './a2a-card-url-error.ts';

// A remote A2A agent as a tool, tried from the remote's side (attack-doors5, doors-followup): its
// agent card names where the JSON-RPC calls go, and a card (a compromised remote, a poisoned
// cache) may name another host. Neither the calls nor the credentials follow it there unless
// the user allows that origin.

/** A server on 127.0.0.1 that records each request's headers and refuses it. */
async function recorder() {
  const seen: IncomingHttpHeaders[] = [];
  const origin = await listenNodeForTest((request, response) => {
    seen.push(request.headers);
    request.resume();
    response.writeHead(503, { 'content-type': 'application/json' }).end('{}');
  });
  return { url: `${origin}/`, seen };
}

describe('a2aAgent and a card that names another host', () => {
  const call = (tool: ReturnType<typeof a2aAgent>) =>
    Promise.resolve(tool.execute({ task: 'Hi' }, bareToolContext())).catch(
      (thrown: unknown) => thrown,
    );

  it('refuses a card naming another origin with a typed error, and sends that host nothing', async () => {
    const elsewhere = await recorder();
    const remote = await serveA2A([turn.text('Never.')], { handler: { url: elsewhere.url } });
    const tool = a2aAgent({
      url: remote.origin,
      name: 'support',
      description: 'Answers.',
      headers: { authorization: `Bearer ${TOKENS.alice}`, 'x-api-key': 'remote-secret' },
    });
    const error = await call(tool);
    expect(A2ACardUrlError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ cardUrl: elsewhere.url, origin: remote.origin });
    expect(String((error as Error).message)).toContain('allowCardOrigins');
    // Before: the calls went there (without the credentials); now nothing does.
    expect(elsewhere.seen).toEqual([]);
    expect(remote.fake.requests).toHaveLength(0);
  });

  it('a card naming the cloud metadata address: refused before any request leaves', async () => {
    const remote = await serveA2A([turn.text('Never.')], {
      handler: { url: 'http://169.254.169.254/latest/meta-data/' },
    });
    const sent: string[] = [];
    const tool = a2aAgent({
      url: remote.origin,
      name: 'support',
      description: 'Answers.',
      fetch: (input, init) => {
        sent.push(input instanceof Request ? input.url : String(input));
        return fetch(input, init);
      },
    });
    const error = await call(tool);
    expect(A2ACardUrlError.isInstance(error)).toBe(true);
    expect((error as A2ACardUrlError).cardUrl).toBe('http://169.254.169.254/latest/meta-data/');
    expect(sent.every((each) => each.startsWith(remote.origin))).toBe(true);
  });

  it('calls the origin the card names when allowCardOrigins lists it, credentials included', async () => {
    const elsewhere = await recorder();
    const remote = await serveA2A([turn.text('Never.')], { handler: { url: elsewhere.url } });
    const tool = a2aAgent({
      url: remote.origin,
      name: 'support',
      description: 'Answers.',
      headers: { 'x-api-key': 'remote-secret' },
      allowCardOrigins: [new URL(elsewhere.url).origin],
    });
    const error = await call(tool);
    // The recorder refuses with 503: the call reached it, as the user allowed.
    expect(A2ACardUrlError.isInstance(error)).toBe(false);
    expect(elsewhere.seen.length).toBeGreaterThan(0);
    expect(elsewhere.seen[0]?.['x-api-key']).toBe('remote-secret');
  });

  it('refuses allowCardOrigins that are not http(s) URLs', () => {
    for (const allowCardOrigins of ['https://a.example', ['file:///etc'], ['not a url']]) {
      expect(() =>
        a2aAgent({
          url: 'https://remote.example',
          name: 'support',
          description: 'Answers.',
          allowCardOrigins: allowCardOrigins as never,
        }),
      ).toThrow(/allowCardOrigins must be an array of http\(s\) origins/);
    }
  });
});
