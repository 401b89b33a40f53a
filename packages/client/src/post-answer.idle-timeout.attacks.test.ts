import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { rejection } from './__fixtures__/rejection.ts';
import { answerApproval } from './answer-approval.ts';
import { answerElicitation } from './answer-elicitation.ts';
import { ClientError } from './client-error.ts';

// An answer (an approval, an MCP server's question) waited for its response headers with the
// page's signal only: a server that accepts the POST and never answers held the answer's promise,
// and one of the browser's six connections to that host, until the page's Stop (leftovers58;
// viewer57 bounded the run's own requests). `idleTimeoutMs` bounds it as it bounds the run's.
// Real loopback server, Node's own fetch.

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** A server that takes every request and never answers; `closed` when the client lets go. */
async function silentServer(): Promise<{ url: string; closed: Promise<void>; requests(): number }> {
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  let requests = 0;
  server = createServer((request, response) => {
    requests += 1;
    request.resume();
    response.on('close', () => resolveClosed());
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/answers`, closed, requests: () => requests };
}

/** Hang guard only: `closed`, or `'held'` after 3 s. */
const within3s = (closed: Promise<void>) =>
  Promise.race([
    closed.then(() => 'closed' as const),
    new Promise<'held'>((resolve) => setTimeout(() => resolve('held'), 3000)),
  ]);

const answers = {
  approval: (url: string, options: object) =>
    answerApproval(url, { approvalId: 'a', decision: 'approve' }, options),
  'elicitation answer': (url: string, options: object) =>
    answerElicitation(url, { id: 'e', action: 'decline' }, options),
};

describe('idleTimeoutMs on an answer to a server that never answers', () => {
  for (const [what, answer] of Object.entries(answers)) {
    it(`${what}: ends with idle-timeout after the bound, the connection closed`, async () => {
      const { url, closed } = await silentServer();
      const started = Date.now();
      const error = await rejection(answer(url, { idleTimeoutMs: 200 }));
      expect(ClientError.isInstance(error) && error.code).toBe('idle-timeout');
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      expect((error as Error).message).toContain('200 ms');
      expect(await within3s(closed)).toBe('closed');
    });
  }

  it('leaves the Stop to the page: aborted before the bound, the reason is the page’s', async () => {
    const { url, closed } = await silentServer();
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user left')), 50);
    const error = await rejection(
      answers.approval(url, { idleTimeoutMs: 2000, signal: controller.signal }),
    );
    expect((error as Error).message).toBe('user left');
    expect(await within3s(closed)).toBe('closed');
  });

  it('is off by default: 400 ms of silence waits for the Stop', async () => {
    const { url, closed } = await silentServer();
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stopped')), 400);
    const error = await rejection(answers.approval(url, { signal: controller.signal }));
    expect((error as Error).message).toBe('stopped');
    expect(await within3s(closed)).toBe('closed');
  });

  it.each([0, -1, 1.5, Number.NaN, '200'])(
    'refuses idleTimeoutMs %j before any request, naming it',
    async (idleTimeoutMs) => {
      const { url, requests } = await silentServer();
      const error = await rejection(answers.approval(url, { idleTimeoutMs }));
      expect(ClientError.isInstance(error) && error.code).toBe('invalid-option');
      expect((error as Error).message).toContain('idleTimeoutMs');
      expect(requests()).toBe(0);
    },
  );
});
