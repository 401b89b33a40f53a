import type { AddressInfo } from 'node:net';
import { createAgent, createGemini } from '@gemloop/core';
import { InvalidArgumentError } from '@gemloop/core/errors';
import { createApprovalBroker, RunAccessDeniedError } from '@gemloop/core/web';
import type { ApprovalDecision, DurableRuns } from '@gemloop/dbos';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createDurableEventsApp } from './durable-events-app.ts';
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

describe('the guide’s Express and Hono servers and a hostile body (attack21, attack22)', () => {
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

  it('Hono: 415 for a coded body, 400 for bytes that are not UTF-8, 413 past 64 KB; no model call (attack44a)', async () => {
    const { fake, agent } = agentOnFake();
    const app = createHonoApp(agent);
    const post = (body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) =>
      app.request('/chat', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
    const question = JSON.stringify({ message: 'Hi' });
    // Before: c.req.json() read the bytes whatever their label (a `br` body of plain JSON ran the
    // model), made a byte that is not UTF-8 a U+FFFD, and read a body of any size.
    for (const coding of ['br', 'gzip', 'identity, deflate']) {
      const answer = await post(question, { 'content-encoding': coding });
      expect(answer.status, coding).toBe(415);
      expectNothingThrown(await answer.text());
    }
    const bad = await post(
      Uint8Array.from([...Buffer.from('{"message":"Hi '), 0xff, ...Buffer.from('"}')]),
    );
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('message');
    const large = await post(JSON.stringify({ message: 'x'.repeat(100_000) }));
    expect(large.status).toBe(413);
    await large.text();
    expect(fake.requests).toHaveLength(0);
    const identity = await post(question, { 'content-encoding': 'identity' });
    expect(await identity.text()).toContain('Hello.');
  });

  it('Hono with resumes: 415 for a coded message, 400 for bytes that are not UTF-8 (attack44a)', async () => {
    const { fake, agent } = agentOnFake();
    const app = createResumableApp(agent, createApprovalBroker(), () => 'alice');
    const post = (body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) =>
      app.request('/chat', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
    const coded = await post(JSON.stringify({ message: 'Hi' }), { 'content-encoding': 'br' });
    expect(coded.status).toBe(415);
    expectNothingThrown(await coded.text());
    const bad = await post(
      Uint8Array.from([...Buffer.from('{"message":"Hi '), 0xff, ...Buffer.from('"}')]),
    );
    expect(bad.status).toBe(400);
    await bad.text();
    expect(fake.requests).toHaveLength(0);
  });

  it('the durable app’s approval route (attack22): 400 for a body that is no decision, 413 past 64 KB; then approves', async () => {
    // The runs API as @gemloop/dbos's approve() answers (check-runs-arguments.ts refuses a
    // malformed decision with an InvalidArgumentError before any statement; dbos's own tests
    // run it against Postgres); what is tried here is the route's answer to each.
    const approved: ApprovalDecision[] = [];
    const runs = {
      approve: async (runId: string, _approvalId: string, decision: ApprovalDecision) => {
        if (runId !== 'run-1') throw new RunAccessDeniedError({ runId, door: 'approve' });
        const type = (decision as { type?: unknown } | undefined)?.type;
        if (type !== 'approve' && type !== 'reject' && type !== 'edit') {
          throw new InvalidArgumentError({ argument: 'decision', message: 'approve: bad.' });
        }
        approved.push(decision);
      },
    } as unknown as DurableRuns;
    const app = createDurableEventsApp(runs, [], () => 'alice');
    const post = (body: string, type = 'application/json', run = 'run-1', coding?: string) =>
      app.request(`/runs/${run}/approvals/call-1`, {
        method: 'POST',
        headers: { 'content-type': type, ...(coding ? { 'content-encoding': coding } : {}) },
        body,
      });
    // attack44a: a decision labelled `br` whose bytes are plain JSON was approved (c.req.json()
    // reads the bytes whatever their label); core's own approval broker answers it 415.
    const coded = await post('{"type":"approve"}', 'application/json', 'run-1', 'br');
    expect(coded.status).toBe(415);
    expectNothingThrown(await coded.text());
    for (const [body, type] of [...BAD, ['{"type":"maybe"}', 'application/json']] as const) {
      const answer = await post(body, type);
      const text = await answer.text();
      expect(answer.status, body).toBe(400);
      expect((JSON.parse(text) as { error: string }).error, body).toContain('{"type":"approve"}');
      expect(text, body).not.toContain('approve: bad.');
      expectNothingThrown(text);
    }
    const huge = await post(JSON.stringify({ type: 'reject', reason: 'x'.repeat(100_000) }));
    expect(huge.status).toBe(413);
    expect(await huge.text()).toContain('64 KB');
    expect(approved).toEqual([]);
    expect((await post('{"type":"approve"}', 'application/json', 'run-2')).status).toBe(404);
    expect((await post('{"type":"approve"}')).status).toBe(204);
    expect(approved).toEqual([{ type: 'approve' }]);
  });
});
