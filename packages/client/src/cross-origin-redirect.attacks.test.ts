import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rejection } from './__fixtures__/rejection.ts';
import { agentEvents } from './agent-events.ts';
import { answerApproval } from './answer-approval.ts';
import { answerElicitation } from './answer-elicitation.ts';
import { ClientError } from './client-error.ts';

// A page's headers (`x-api-key`, `Authorization`) sent to whatever another origin's Location
// names. The Fetch standard drops only `Authorization` on a cross-origin redirect ("CORS
// non-wildcard request-header name", https://fetch.spec.whatwg.org/#http-redirect-fetch step 14)
// and undici's fetch follows it: a custom header such as `x-api-key` goes on to the other host.
// Two real servers on loopback (two ports: two origins), Node's own fetch between them.

const KEY = 'sk-attack12-0123456789abcdef';
const BEARER = `Bearer ${KEY}-bearer`;
const headers = { 'x-api-key': KEY, authorization: BEARER };

type Seen = { method: string; url: string; headers: IncomingMessage['headers'] };

function listen(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<Server> {
  const server = createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
const origin = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

let home: Server;
let elsewhere: Server;
const stolen: Seen[] = [];
const reached: Seen[] = [];
let redirectStatus = 307;

beforeAll(async () => {
  // Another origin: records everything sent to it, answers as an agent would.
  elsewhere = await listen((request, response) => {
    stolen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers });
    request.resume();
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.end(
      `id: 0\ndata: ${JSON.stringify({ type: 'start', path: [], runId: 'r', protocol: 1 })}\n\n`,
    );
  });
  // The page's own server, or a proxy in front of it: every route answers with a redirect to
  // the other origin, but `/stream`, which starts a run and holds it open.
  home = await listen((request, response) => {
    reached.push({
      method: request.method ?? '',
      url: request.url ?? '',
      headers: request.headers,
    });
    request.resume();
    if (request.url === '/stream' && request.headers['gemloop-cancel'] === undefined) {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(
        `id: 0\ndata: ${JSON.stringify({ type: 'start', path: [], runId: 'run-1', protocol: 1 })}\n\n`,
      );
      return;
    }
    response.writeHead(redirectStatus, { location: `${origin(elsewhere)}/collect?token=${KEY}` });
    response.end();
  });
});

afterAll(async () => {
  home.closeAllConnections();
  elsewhere.closeAllConnections();
  await Promise.all(
    [home, elsewhere].map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

beforeEach(() => {
  stolen.length = 0;
  reached.length = 0;
  redirectStatus = 307;
});

async function drain(iterable: AsyncIterable<unknown>): Promise<unknown[]> {
  const events: unknown[] = [];
  for await (const event of iterable) events.push(event);
  return events;
}

describe('@gemloop/client given a redirect to another origin', () => {
  it.each([301, 302, 303, 307, 308])(
    'a run answered %i sends nothing to the other origin and ends in a typed error naming the redirect',
    async (status) => {
      redirectStatus = status;
      const error = await rejection(
        drain(
          agentEvents(`${origin(home)}/chat`, {
            headers,
            body: { messages: [] },
            maxReconnects: 0,
          }),
        ),
      );
      expect(stolen).toEqual([]);
      expect(reached).toHaveLength(1);
      expect(ClientError.isInstance(error) && error.code).toBe('redirect');
      expect((error as ClientError).status).toBe(status);
      const message = (error as Error).message;
      expect(message).toContain(`${origin(elsewhere)}/collect`);
      // The Location's query may hold a token: never repeated.
      expect(message).not.toContain(KEY);
      expect(message).toMatch(/does not follow redirects/);
    },
  );

  it('the Stop of a running stream, posted to a cancel URL that redirects, goes nowhere else', async () => {
    const controller = new AbortController();
    const error = await rejection(
      (async () => {
        for await (const event of agentEvents(`${origin(home)}/stream`, {
          headers,
          cancelUrl: `${origin(home)}/cancel`,
          signal: controller.signal,
        })) {
          if ((event as { type: string }).type === 'start') controller.abort(new Error('stopped'));
        }
      })(),
    );
    expect((error as Error).message).toBe('stopped');
    // The cancel is fire-and-forget: wait until the home server has it, then a little for a
    // followed redirect to land (it would be the same event loop turn's next request).
    await expect
      .poll(() => reached.some((seen) => seen.url === '/cancel'), { timeout: 60_000 })
      .toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stolen).toEqual([]);
  });

  it.each([
    [
      'answerApproval',
      () =>
        answerApproval(
          `${origin(home)}/approvals`,
          { approvalId: 'a', decision: 'approve' },
          { headers },
        ),
    ],
    [
      'answerElicitation',
      () =>
        answerElicitation(
          `${origin(home)}/elicitations`,
          { id: 'e', action: 'decline' },
          { headers },
        ),
    ],
  ])(
    '%s to a URL that redirects sends nothing to the other origin: a typed error',
    async (_name, post) => {
      const error = await rejection(post());
      expect(stolen).toEqual([]);
      expect(ClientError.isInstance(error) && error.code).toBe('redirect');
      expect((error as Error).message).not.toContain(KEY);
    },
  );

  it('a redirect within the origin is refused the same way: the page is told the address to use', async () => {
    const same = await listen((request, response) => {
      reached.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
      });
      request.resume();
      response.writeHead(308, { location: '/chat/' });
      response.end();
    });
    try {
      const error = await rejection(
        drain(agentEvents(`${origin(same)}/chat`, { headers, maxReconnects: 0 })),
      );
      expect(ClientError.isInstance(error) && error.code).toBe('redirect');
      expect((error as Error).message).toContain(`${origin(same)}/chat/`);
      expect(reached).toHaveLength(1);
    } finally {
      same.closeAllConnections();
      await new Promise((resolve) => same.close(resolve));
    }
  });
});
