import { describe, expect, it } from 'vitest';
import { rejection } from './__fixtures__/rejection.ts';
import { rejectionAtBound, silentServer, within3s } from './__fixtures__/silent-server.ts';
import { answerApproval } from './answer-approval.ts';
import { answerElicitation } from './answer-elicitation.ts';
import { ClientError } from './client-error.ts';

// An answer (an approval, an MCP server's question) waited for its response headers with the
// page's signal only: a server that accepts the POST and never answers held the answer's promise,
// and one of the browser's six connections to that host, until the page's Stop (leftovers58;
// viewer57 bounded the run's own requests). `idleTimeoutMs` bounds it as it bounds the run's.
// Real loopback server, Node's own fetch.

const answers = {
  approval: (url: string, options: object) =>
    answerApproval(url, { approvalId: 'a', decision: 'approve' }, options),
  'elicitation answer': (url: string, options: object) =>
    answerElicitation(url, { id: 'e', action: 'decline' }, options),
};

describe('idleTimeoutMs on an answer to a server that never answers', () => {
  for (const [what, answer] of Object.entries(answers)) {
    it(`${what}: ends with idle-timeout after the bound, the connection closed`, async () => {
      const { url, closed, requests } = await silentServer({ path: '/answers' });
      const error = await rejectionAtBound(
        () => answer(url, { idleTimeoutMs: 200 }),
        requests,
        200,
      );
      expect(ClientError.isInstance(error) && error.code).toBe('idle-timeout');
      expect((error as Error).message).toContain('200 ms');
      expect(await within3s(closed)).toBe('closed');
    });
  }

  it('leaves the Stop to the page: aborted before the bound, the reason is the page’s', async () => {
    const { url, closed, received } = await silentServer({ path: '/answers' });
    const controller = new AbortController();
    // The Stop once the server holds the request: 50 ms on the wall clock came before the request
    // reached the server at load 25 (15 of 41 runs), and `closed` never came (flake58).
    void received.then(() => controller.abort(new Error('user left')));
    const error = await rejection(
      answers.approval(url, { idleTimeoutMs: 30_000, signal: controller.signal }),
    );
    expect((error as Error).message).toBe('user left');
    expect(await within3s(closed)).toBe('closed');
  });

  it('is off by default: 400 ms of silence waits for the Stop', async () => {
    const { url, closed, received } = await silentServer({ path: '/answers' });
    const controller = new AbortController();
    // 400 ms of silence from the request's arrival (not from the call: see the test above).
    void received.then(() => setTimeout(() => controller.abort(new Error('stopped')), 400));
    const error = await rejection(answers.approval(url, { signal: controller.signal }));
    expect((error as Error).message).toBe('stopped');
    expect(await within3s(closed)).toBe('closed');
  });

  it.each([0, -1, 1.5, Number.NaN, '200'])(
    'refuses idleTimeoutMs %j before any request, naming it',
    async (idleTimeoutMs) => {
      const { url, requests } = await silentServer({ path: '/answers' });
      const error = await rejection(answers.approval(url, { idleTimeoutMs }));
      expect(ClientError.isInstance(error) && error.code).toBe('invalid-option');
      expect((error as Error).message).toContain('idleTimeoutMs');
      expect(requests()).toBe(0);
    },
  );
});
