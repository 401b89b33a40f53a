import type { AddressInfo } from 'node:net';
import { createAgent, createGemini } from '@gemloop/core';
import { createApprovalBroker } from '@gemloop/core/web';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createExpressApp } from './express-app.ts';
import { createHonoApp } from './hono-app.ts';
import { createResumableApp } from './hono-resume-app.ts';

// attack21: the Express and Hono servers of the guide "Streaming a run to a browser", sent what a
// hostile client sends. Express's `express.json()` hands a body that is not JSON to Express's own
// error handler, which (outside NODE_ENV=production, as apps often run) answered 400 with an HTML
// page holding the SyntaxError's stack: the server's file paths and its dependencies' versions; a
// body of another content type left `request.body` undefined, and the destructuring's TypeError
// came back as a 500 page with the app's own path and line. Hono answered a body that is not JSON
// 500, the server's fault by its status. Both now answer 400 in their own words.

function agentOnFake() {
  const fake = createFakeGemini({ script: [turn.text('Hello.'), turn.text('Hello.')] });
  const agent = createAgent({
    gemini: createGemini({ apiKey: 'docs-test-key', fetch: fake.fetch, retry: false }),
    model: 'gemini-2.5-flash',
  });
  return { fake, agent };
}

const BAD: readonly [string, string][] = [
  ['not json', 'application/json'],
  ['{"message":', 'application/json'],
  ['{}', 'application/json'],
  ['{"message":42}', 'application/json'],
  ['hi', 'text/plain'],
];

/** What no answer may hold: a stack, a path of the server, an error class of the runtime. */
function expectNothingThrown(text: string): void {
  expect(text).not.toMatch(
    /\bat (JSON\.parse|Layer|\/)|node_modules|\/work\/|SyntaxError|TypeError|<pre>/,
  );
}

describe('the guide’s Express and Hono chat servers and a hostile body (attack21)', () => {
  it('Express: 400 in its own words, no stack, for every body that is not a question; then serves', async () => {
    const { fake, agent } = agentOnFake();
    const server = createExpressApp(agent).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    onTestFinished(() => {
      server.closeAllConnections();
      server.close();
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/chat`;
    for (const [body, type] of BAD) {
      const answer = await fetch(url, { method: 'POST', headers: { 'content-type': type }, body });
      const text = await answer.text();
      expect(answer.status, body).toBe(400);
      expect(text, body).toContain('message');
      expectNothingThrown(text);
    }
    expect(fake.requests).toHaveLength(0);
    const good = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'Hi' }),
    });
    expect(await good.text()).toContain('Hello.');
  });

  it.each([
    ['Hono', createHonoApp],
    [
      'Hono with resumes (the browser protocol guide)',
      (agent: Parameters<typeof createHonoApp>[0]) =>
        createResumableApp(agent, createApprovalBroker(), () => 'alice'),
    ],
  ] as const)('%s: 400 for every body that is not a question; then serves', async (_, make) => {
    const { fake, agent } = agentOnFake();
    const app = make(agent);
    for (const [body, type] of BAD) {
      const answer = await app.request('/chat', {
        method: 'POST',
        headers: { 'content-type': type },
        body,
      });
      const text = await answer.text();
      expect(answer.status, body).toBe(400);
      expect(text, body).toContain('message');
      expectNothingThrown(text);
    }
    expect(fake.requests).toHaveLength(0);
    const good = await app.request('/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'Hi' }),
    });
    expect(await good.text()).toContain('Hello.');
  });
});
