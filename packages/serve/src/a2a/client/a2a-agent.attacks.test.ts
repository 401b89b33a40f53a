import type { IncomingHttpHeaders } from 'node:http';
import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { listenNodeForTest } from '../../door/__fixtures__/serve-door.ts';
import { bareToolContext, serveA2A, TOKENS } from '../__fixtures__/serve-a2a.ts';
import { a2aAgent } from './a2a-agent.ts';

// A remote A2A agent as a tool, tried from the remote's side (attack-doors5): its agent card
// names where the JSON-RPC calls go, and a card (a compromised remote, a poisoned cache) may name
// another host. The headers given for the remote (its credentials) must not follow it there.

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
  it("sends the remote's credentials to the remote's origin only, never to the host its card names", async () => {
    const elsewhere = await recorder();
    const remote = await serveA2A([turn.text('Never.')], { handler: { url: elsewhere.url } });
    const tool = a2aAgent({
      url: remote.origin,
      name: 'support',
      description: 'Answers.',
      headers: { authorization: `Bearer ${TOKENS.alice}`, 'x-api-key': 'remote-secret' },
    });
    const error = await Promise.resolve(tool.execute({ task: 'Hi' }, bareToolContext())).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(Error);
    expect(elsewhere.seen.length).toBeGreaterThan(0);
    for (const headers of elsewhere.seen) {
      expect(headers.authorization).toBeUndefined();
      expect(headers['x-api-key']).toBeUndefined();
    }
    expect(remote.fake.requests).toHaveLength(0);
  });
});
