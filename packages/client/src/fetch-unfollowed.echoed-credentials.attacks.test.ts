import { describe, expect, it } from 'vitest';
import { rejection } from './__fixtures__/rejection.ts';
import { scriptedServer } from './__fixtures__/scripted-server.ts';
import { agentEvents } from './agent-events.ts';
import { answerApproval } from './answer-approval.ts';
import { ClientError } from './client-error.ts';

// A redirect is refused, its error naming where it pointed (origin and path, the query left out:
// it may hold tokens). A gateway that puts the request's credential in the Location's path (an SSO
// layer redirecting to `/sso/continue/<the token it was given>`) still put the page's key into
// the error a page logs: the path was quoted as it came.

const KEY = 'pagekey-2c5e9a17f0';
const TOKEN = 'bearer-0d4b8e61aa';
const headers = { 'x-api-key': KEY, authorization: `Bearer ${TOKEN}` };

async function echoingRedirect(): Promise<string> {
  const server = await scriptedServer((response) => {
    response.writeHead(302, { location: `/sso/continue/${KEY}/${TOKEN}?next=%2Fchat` });
    response.end();
  });
  return server.url;
}

async function refused(run: Promise<unknown>): Promise<ClientError> {
  const error = await rejection(run);
  if (!ClientError.isInstance(error)) throw error;
  expect(error.code).toBe('redirect');
  expect(error.message).toContain('/sso/continue/[redacted]/[redacted]');
  expect(error.message).not.toContain(KEY);
  expect(error.message).not.toContain(TOKEN);
  return error;
}

describe('a redirect whose Location path echoes the page credential headers', () => {
  it('the run: the redirect error names the path with them redacted', async () => {
    const url = await echoingRedirect();
    await refused(
      (async () => {
        for await (const _ of agentEvents(url, { headers })) {
          // nothing
        }
      })(),
    );
  });

  it('an answer: the same', async () => {
    const url = await echoingRedirect();
    await refused(answerApproval(url, { approvalId: 'a', decision: 'approve' }, { headers }));
  });
});
