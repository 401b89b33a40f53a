import { describe, expect, it } from 'vitest';
import { rejection } from './__fixtures__/rejection.ts';
import { scriptedServer } from './__fixtures__/scripted-server.ts';
import { agentEvents } from './agent-events.ts';
import { answerApproval } from './answer-approval.ts';
import { ClientError } from './client-error.ts';

// A header fetch cannot send: a token pasted with its line end, one with a character past
// U+00FF (a header value is a byte string), a name with a space. fetch refused it before any
// request, and the page got `connection-lost` ("the network, or the server is not reachable"),
// a failure to retry; in Node the fetch's TypeError, the error's `cause`, quotes the value
// (`Headers.append: "Bearer …" is an invalid header value.`): the page's token in its logs.

const SECRET = 'tok-7d2c91e0aa';

const cases = [
  ['a line end inside a value', { authorization: `Bearer ${SECRET}\r\nx-injected: 1` }],
  ['a value past U+00FF', { authorization: `Bearer ${SECRET}\u0142` }],
  ['a NUL in a value', { 'x-api-key': `${SECRET}\u0000` }],
  ['a name that is no token', { 'x api key': SECRET }],
] as const;

async function refused(run: Promise<unknown>, requests: () => number): Promise<void> {
  const error = await rejection(run);
  if (!ClientError.isInstance(error)) throw error;
  expect([error.code, error.option]).toEqual(['invalid-option', 'headers']);
  expect(`${error.message} ${String(error.cause)}`).not.toContain(SECRET);
  expect(requests()).toBe(0);
}

describe('a header fetch cannot send', () => {
  it.each(cases)('%s: invalid-option naming headers, no request', async (_label, headers) => {
    const server = await scriptedServer((response) => response.writeHead(204).end());
    const requests = () => server.requests.length;
    await refused(
      (async () => {
        for await (const _ of agentEvents(server.url, { headers, maxReconnects: 0 })) {
          // nothing
        }
      })(),
      requests,
    );
    await refused(
      answerApproval(server.url, { approvalId: 'a', decision: 'approve' }, { headers }),
      requests,
    );
  });

  it('a Latin-1 value, and spaces or a line end around one, still go (fetch trims them)', async () => {
    const server = await scriptedServer((response) => response.writeHead(204).end());
    const headers = { 'x-name': ' café ', authorization: `Bearer ${SECRET}\r\n` };
    await expect(
      answerApproval(server.url, { approvalId: 'a', decision: 'approve' }, { headers }),
    ).resolves.toBe(true);
    expect(server.requests[0]?.authorization).toBe(`Bearer ${SECRET}`);
  });
});
