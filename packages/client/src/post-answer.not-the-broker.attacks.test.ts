import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { rejection } from './__fixtures__/rejection.ts';
import { scriptedServer } from './__fixtures__/scripted-server.ts';
import { answerApproval } from './answer-approval.ts';
import { answerElicitation } from './answer-elicitation.ts';
import { ClientError } from './client-error.ts';

// The brokers answer a page's answer `204` (core's approvals, @gemloop/tools' elicitations). Any
// 2xx was read as taken: a sign-in page of the site's SSO proxy (200 text/html, the session ran
// out), or an app's route answering `200 {"error": ...}`, made `approve` resolve `true` while no
// broker had the answer. useAgentChat then kept the buttons disabled (`answering`), and its guard
// against a double click handed every later click that same `true`: the run waited for an
// answer the person could no longer give, until its approval timed out.

const TOKEN = 'pagetoken-6d1e9b0c';

type Answer = (response: ServerResponse) => void;

const html: Answer = (response) => {
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  response.end('<!doctype html><title>Sign in</title><form action="/login">…</form>');
};
const jsonError: Answer = (response) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ error: `session expired for Bearer ${TOKEN}` }));
};
const jsonNotOk: Answer = (response) => {
  response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify({ ok: false, reason: 'nope' }));
};

async function refusal(answer: Answer, post: (url: string) => Promise<boolean>) {
  const server = await scriptedServer(answer);
  const error = await rejection(post(server.url));
  if (!ClientError.isInstance(error)) throw error;
  return error;
}

const approve = (url: string) =>
  answerApproval(
    url,
    { approvalId: 'ap1', decision: 'approve' },
    { headers: { authorization: `Bearer ${TOKEN}` } },
  );
const accept = (url: string) =>
  answerElicitation(url, { id: 'q1', action: 'accept', content: { name: 'x' } });

describe('an answer taken by no broker: a 2xx that is an HTML page or a JSON error', () => {
  it.each([
    ['a sign-in page (200 text/html)', html, /HTML page/],
    ['200 {"error": ...}', jsonError, /session expired for \[redacted\]/],
    ['200 {"ok": false}', jsonNotOk, /"ok":false/],
  ])('%s: approve rejects with http-status, never resolves true', async (_label, answer, words) => {
    const error = await refusal(answer, approve);
    expect(error.code).toBe('http-status');
    expect(error.status).toBe(200);
    expect(error.message).toMatch(words);
    expect(error.message).not.toContain(TOKEN);
  });

  it('an elicitation answer answered by a sign-in page rejects too', async () => {
    const error = await refusal(html, accept);
    expect(error.code).toBe('http-status');
  });

  it.each([
    ['204, no body (the brokers)', (response: ServerResponse) => response.writeHead(204).end()],
    [
      '200 {"ok": true}',
      (response: ServerResponse) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"ok":true}');
      },
    ],
    ['200, empty', (response: ServerResponse) => response.writeHead(200).end()],
    [
      '202 text/plain',
      (response: ServerResponse) => {
        response.writeHead(202, { 'content-type': 'text/plain' });
        response.end('accepted');
      },
    ],
  ])('%s: still taken', async (_label, answer) => {
    const server = await scriptedServer(answer);
    await expect(approve(server.url)).resolves.toBe(true);
  });
});
