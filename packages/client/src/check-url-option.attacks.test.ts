import { describe, expect, it } from 'vitest';
import { rejection } from './__fixtures__/rejection.ts';
import { agentEvents } from './agent-events.ts';
import { answerApproval } from './answer-approval.ts';
import { answerElicitation } from './answer-elicitation.ts';
import { ClientError } from './client-error.ts';
import { streamAgent } from './stream-agent.ts';
import { toPageMessage } from './to-page-message.ts';

// A page that put its credential in the URL (`https://user:token@api.example/chat`, as curl takes
// it) got `connection-lost`, "the network, or the server is not reachable", a network failure to
// retry, while fetch had refused the URL before any request: the fetch standard's Request
// constructor throws a TypeError for a URL that includes credentials, and Node's and Chromium's
// message quotes the whole URL, so the `cause` a page logs held the password.

const PASSWORD = 's3cret-pass-9921';

/** A fetch that counts its calls and answers nothing a test would read. */
function countingFetch(): { fetch: typeof globalThis.fetch; calls: () => number } {
  let calls = 0;
  const fetch = async () => {
    calls += 1;
    return new Response('', { status: 500 });
  };
  return { fetch: fetch as typeof globalThis.fetch, calls: () => calls };
}

async function refused(run: () => Promise<unknown>): Promise<ClientError> {
  const error = await rejection(run());
  if (!ClientError.isInstance(error)) throw error;
  expect(error.code).toBe('invalid-option');
  expect(error.message).toMatch(/user name or password/);
  expect(error.message).toMatch(/headers/);
  expect(`${error.message} ${String(error.cause)}`).not.toContain(PASSWORD);
  expect(toPageMessage(error)).not.toContain(PASSWORD);
  return error;
}

const drain = async (iterable: AsyncIterable<unknown>) => {
  for await (const _ of iterable) {
    // nothing
  }
};

describe('a URL that holds a user name or password', () => {
  it.each([
    ['a string', `https://alice:${PASSWORD}@api.example/chat`],
    ['a URL', new URL(`https://alice:${PASSWORD}@api.example/chat`)],
    ['a user name alone', `https://${PASSWORD}@api.example/chat`],
  ])(
    'agentEvents and streamAgent: invalid-option naming url (%s), no request',
    async (_label, url) => {
      const { fetch, calls } = countingFetch();
      expect((await refused(() => drain(agentEvents(url, { fetch })))).option).toBe('url');
      expect((await refused(() => streamAgent(url, { fetch }))).option).toBe('url');
      expect(calls()).toBe(0);
    },
  );

  it('cancelUrl: invalid-option naming cancelUrl, no request', async () => {
    const { fetch, calls } = countingFetch();
    const error = await refused(() =>
      drain(
        agentEvents('https://api.example/chat', {
          fetch,
          cancelUrl: `https://alice:${PASSWORD}@api.example/cancel`,
        }),
      ),
    );
    expect(error.option).toBe('cancelUrl');
    expect(calls()).toBe(0);
  });

  it('answerApproval and answerElicitation: invalid-option naming url, no request', async () => {
    const { fetch, calls } = countingFetch();
    const url = `https://alice:${PASSWORD}@api.example/approvals`;
    expect(
      (
        await refused(() =>
          answerApproval(url, { approvalId: 'a', decision: 'approve' }, { fetch }),
        )
      ).option,
    ).toBe('url');
    expect(
      (await refused(() => answerElicitation(url, { id: 'q', action: 'decline' }, { fetch })))
        .option,
    ).toBe('url');
    expect(calls()).toBe(0);
  });

  it('an @ in the path or the query is no credential: the request is made', async () => {
    for (const url of ['https://api.example/chat?by=a@b.example', '/users/@me/chat']) {
      const { fetch, calls } = countingFetch();
      const error = await rejection(drain(agentEvents(url, { fetch })));
      expect(ClientError.isInstance(error) && error.code).toBe('http-status');
      expect(calls()).toBe(1);
    }
  });
});
