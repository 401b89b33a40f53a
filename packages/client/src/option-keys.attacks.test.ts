import { describe, expect, it } from 'vitest';
import { agentEvents } from './agent-events.ts';
import { answerApproval } from './answer-approval.ts';
import { answerElicitation } from './answer-elicitation.ts';
import { ClientError } from './client-error.ts';
import { streamAgent } from './stream-agent.ts';

// Outside attacks on the client's options (attack13): a page's options are written by hand, often
// in plain JavaScript. A misspelt one was ignored without a word: `cancelURL` left the Stop
// button closing the connection only, while the run went on spending on the server; `header`
// sent an answer without the page's credentials. Each is refused before any request, naming the
// option meant.

async function firstError(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('the client refuses a misspelt option before any request', () => {
  let requests = 0;
  const fetch = async () => {
    requests++;
    return new Response(null, { status: 204 });
  };

  it.each([
    ['agentEvents', { cancelURL: '/cancel' }, /cancelUrl/],
    ['agentEvents', { header: { authorization: 'Bearer t' } }, /headers/],
    ['agentEvents', { max_events: 10 }, /maxEvents/],
    ['streamAgent', { onevent: () => {} }, /onEvent/],
    ['answerApproval', { header: { authorization: 'Bearer t' } }, /headers/],
    ['answerElicitation', { signl: new AbortController().signal }, /signal/],
  ] as const)('%s(%j): a ClientError naming the option meant', async (fn, options, meant) => {
    requests = 0;
    const given = { ...options, fetch } as never;
    const run = {
      agentEvents: async () => {
        for await (const _ of agentEvents('http://app.test/chat', given)) break;
      },
      streamAgent: () => streamAgent('http://app.test/chat', given),
      answerApproval: () =>
        answerApproval(
          'http://app.test/approvals',
          { approvalId: 'a', decision: 'approve' },
          given,
        ),
      answerElicitation: () =>
        answerElicitation('http://app.test/elicitations', { id: 'e', action: 'decline' }, given),
    }[fn];
    const error = await firstError(run);
    expect(ClientError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'invalid-option' });
    expect((error as Error).message).toMatch(meant);
    expect(requests).toBe(0);
  });

  it('takes options that are all known', async () => {
    requests = 0;
    expect(
      await answerApproval(
        'http://app.test/approvals',
        { approvalId: 'a', decision: 'approve' },
        { fetch, headers: {} },
      ),
    ).toBe(true);
    expect(requests).toBe(1);
  });
});
