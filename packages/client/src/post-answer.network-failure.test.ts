import { describe, expect, it } from 'vitest';
import { rejection } from './__fixtures__/rejection.ts';
import { answerApproval } from './answer-approval.ts';
import { answerElicitation } from './answer-elicitation.ts';
import { ClientError } from './client-error.ts';

// An answer whose request fails before any response (offline, a refused connection, CORS): the
// browser's fetch rejects with `TypeError: Failed to fetch`, which `postAnswer` passed on as it
// was, where its TSDoc names only ClientError codes (attack58b). It is `connection-lost`, the
// code the run's own requests give a failed request, with the fetch's error as `cause`.

const offline = async (): Promise<Response> => {
  throw new TypeError('Failed to fetch');
};

describe('an answer whose request fails before any response', () => {
  it('answerApproval rejects with ClientError connection-lost, the fetch error as cause', async () => {
    const error = await rejection(
      answerApproval(
        'http://x/approvals',
        { approvalId: 'a', decision: 'approve' },
        { fetch: offline },
      ),
    );
    expect(ClientError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'connection-lost', status: undefined });
    expect((error as Error).message).toMatch(/^The approval could not be sent: the request failed/);
    expect((error as Error).cause).toBeInstanceOf(TypeError);
    expect(((error as Error).cause as Error).message).toBe('Failed to fetch');
  });

  it('answerElicitation too, whatever the fetch rejects with', async () => {
    const thrown = { reason: 'not an Error' };
    const error = await rejection(
      answerElicitation(
        'http://x/elicitations',
        { id: 'e', action: 'decline' },
        {
          fetch: async () => {
            throw thrown;
          },
        },
      ),
    );
    expect(error).toMatchObject({ code: 'connection-lost' });
    expect((error as Error).message).toMatch(/^The elicitation answer could not be sent/);
    expect((error as Error).cause).toBe(thrown);
  });

  it("the page's Stop still rejects with its reason, and the package's own errors pass as they were", async () => {
    const controller = new AbortController();
    const pending = answerApproval(
      'http://x/approvals',
      { approvalId: 'a', decision: 'deny' },
      {
        signal: controller.signal,
        // As a browser's fetch does: rejects with an AbortError once the signal aborts.
        fetch: (_url, init) =>
          new Promise((_resolve, reject) => {
            init?.signal?.addEventListener('abort', () =>
              reject(new DOMException('aborted', 'AbortError')),
            );
          }),
      },
    );
    controller.abort('stopped by the page');
    expect(await rejection(pending)).toBe('stopped by the page');
    const redirected = await rejection(
      answerApproval(
        'http://x/approvals',
        { approvalId: 'a', decision: 'deny' },
        {
          fetch: async () =>
            new Response(null, { status: 302, headers: { location: 'http://y/approvals' } }),
        },
      ),
    );
    expect(redirected).toMatchObject({ code: 'redirect', status: 302 });
  });
});
