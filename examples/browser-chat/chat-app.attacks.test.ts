import { createGemini } from '@gemloop/core';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startChatApp } from './chat-app.ts';

// attack21: the browser-chat example's server as a hostile client. Each browser's session cookie
// is its owner: its runs and its conversations are its own. A request without the cookie (a
// script, curl, a browser that blocks cookies) had no owner, and its conversation was keyed
// `anonymous:<id>`: every such caller shared one space of conversation ids, which the page makes
// up and a stranger can guess, so one caller's `conversationId: "support"` answered with another's
// earlier turns in the model's history. A request without a session is now refused (401), as an
// app refuses one that is not signed in; a browser gets its session with the page.

/** A fake whose answer names every user turn it was sent, so a test sees the history a run had. */
function historyEcho() {
  return createFakeGemini({
    script: (request) => {
      const said = (
        request.body as { contents: { role: string; parts: { text?: string }[] }[] }
      ).contents
        .filter((content) => content.role === 'user')
        .map((content) => content.parts.map((part) => part.text ?? '').join(''));
      return turn.text(`Heard: ${said.join(' | ')}`);
    },
  });
}

async function start() {
  const fake = historyEcho();
  const gemini = createGemini({ apiKey: 'test-key', fetch: fake.fetch, retry: false });
  const app = await startChatApp({ gemini, model: 'gemini-2.5-flash' });
  onTestFinished(() => app.close());
  const ask = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${app.url}chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  return { app, fake, ask };
}

describe('the browser-chat server and a caller without a session (attack21)', () => {
  it('refuses a question without a session cookie: no run, nobody else’s conversation', async () => {
    const { fake, ask } = await start();
    const first = await ask({ message: 'My code is kiwi-4417.', conversationId: 'support' });
    await first.text();
    const second = await ask({ message: 'What did I say?', conversationId: 'support' });
    const answer = await second.text();
    // Another caller's turn in this caller's answer: the leak itself.
    expect(answer).not.toContain('kiwi-4417');
    expect([first.status, second.status]).toEqual([401, 401]);
    expect(JSON.parse(answer)).toEqual({ error: expect.stringContaining('session') });
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses an approval answer and a Stop without a session cookie', async () => {
    const { ask, app } = await start();
    const approval = await fetch(`${app.url}approvals`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ approvalId: 'a', decision: 'approve' }),
    });
    expect(approval.status).toBe(401);
    await approval.text();
    const stop = await ask({}, { 'gemloop-run-id': 'r', 'gemloop-cancel': '1' });
    expect(stop.status).toBe(401);
    await stop.text();
  });

  // The code is marked with letters no run id (a random UUID, hex) can hold: a bare '4417' was found in
  // one run's id on a fresh clone's CI, failing a test that had kept nothing wrong.
  it('keeps two sessions’ conversations of one id apart (the page’s own path)', async () => {
    const { ask } = await start();
    const alice = { cookie: 'demo-session=alice-0123' };
    const bob = { cookie: 'demo-session=bob-4567' };
    const said = await ask({ message: 'My code is kiwi-4417.', conversationId: 'support' }, alice);
    expect(said.status).toBe(200);
    expect(await said.text()).toContain('Heard: My code is kiwi-4417.');
    const asked = await ask({ message: 'What did I say?', conversationId: 'support' }, bob);
    const text = await asked.text();
    expect(text).toContain('Heard: What did I say?');
    expect(text).not.toContain('kiwi-4417');
  });
});
