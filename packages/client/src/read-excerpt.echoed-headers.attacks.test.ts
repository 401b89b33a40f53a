import { describe, expect, it } from 'vitest';
import { agentEvents, answerApproval, answerElicitation, ClientError } from './index.ts';

// attack58b: an HTTP error's body is quoted in the ClientError's message (its first 300
// characters), for the developer. A server or proxy that echoes the request's headers in its error
// page (a debug proxy, an auth gateway's "invalid token <token>") put the page's own credential into
// that message, which a page logs and sends to its error tracker. The guide: secrets never reach
// errors. The credential headers the page gave are now redacted from every quoted body.

const TOKEN = 'pagetoken-4f9a8c7e1d2b';
const API_KEY = 'sk-live-0123456789abcdef';
const headers = {
  authorization: `Bearer ${TOKEN}`,
  'x-api-key': API_KEY,
  'x-conversation': 'conversation-1234',
};
const echoing = (status: number, body: string) => async () => new Response(body, { status });

async function failure(run: () => Promise<unknown>): Promise<ClientError> {
  try {
    await run();
  } catch (error) {
    if (ClientError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ClientError');
}

describe('an error body that echoes the page`s credential headers', () => {
  const body = `Unauthorized. Request headers: authorization: Bearer ${TOKEN}; x-api-key: ${API_KEY}; x-conversation: conversation-1234`;

  it('agentEvents: the http-status error quotes the body without the credentials', async () => {
    const error = await failure(async () => {
      for await (const _ of agentEvents('http://x/chat', {
        headers,
        fetch: echoing(401, body),
      })) {
        // nothing
      }
    });
    expect(error.code).toBe('http-status');
    expect(error.message).not.toContain(TOKEN);
    expect(error.message).not.toContain(API_KEY);
    // The rest of the body is still quoted, other headers' values included.
    expect(error.message).toContain('Unauthorized. Request headers: authorization: [redacted];');
    expect(error.message).toContain('x-conversation: conversation-1234');
  });

  it('answerApproval and answerElicitation: the same', async () => {
    for (const answer of [
      () =>
        answerApproval(
          'http://x/approvals',
          { approvalId: 'a', decision: 'approve' },
          { headers, fetch: echoing(500, body) },
        ),
      () =>
        answerElicitation(
          'http://x/elicitations',
          { id: 'e', action: 'decline' },
          { headers, fetch: echoing(400, JSON.stringify({ error: body })) },
        ),
    ]) {
      const error = await failure(answer);
      expect(error.message).not.toContain(TOKEN);
      expect(error.message).not.toContain(API_KEY);
      expect(error.message).toContain('[redacted]');
    }
  });

  it('a credential cut by the 300-character excerpt leaves no piece of it', async () => {
    // The token starts 10 characters before the cut: its first 10 characters would be quoted.
    const cut = `${'x'.repeat(290)}${TOKEN} and more after it`;
    const error = await failure(async () => {
      for await (const _ of agentEvents('http://x/chat', { headers, fetch: echoing(502, cut) })) {
        // nothing
      }
    });
    expect(error.message).not.toContain(TOKEN.slice(0, 10));
    expect(error.message).toContain('x'.repeat(290));
  });
});
