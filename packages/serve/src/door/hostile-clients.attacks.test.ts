import { turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { serveA2A, TOKENS } from '../a2a/__fixtures__/serve-a2a.ts';
import { serveAgUi } from '../ag-ui/__fixtures__/serve-ag-ui.ts';

// Hostile protocol clients (attack-doors8): sizes and shapes a client picks that its SDK never
// sends. Each answer is bounded by the request, typed, and carries nothing internal.

const GEMINI_KEY = 'gemini-secret-key';
function expectNothingForbidden(text: string): void {
  expect(text).not.toContain(GEMINI_KEY);
  expect(text).not.toContain(TOKENS.alice);
  expect(text).not.toMatch(/\n\s+at /);
  expect(text).not.toMatch(/node:internal|\/work\//);
  expect(text).not.toMatch(/TypeError|SyntaxError|RangeError|Cannot read properties/);
}

const a2aSend = (parts: unknown[]) =>
  JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'SendMessage',
    params: { message: { messageId: 'm-parts', role: 'ROLE_USER', parts } },
  });

describe('an A2A message of 10,000 parts', () => {
  it('text parts: one run, the parts joined, the answer bounded', async () => {
    const { post, fake } = await serveA2A([turn.text('Read them all.')]);
    const parts = Array.from({ length: 10_000 }, (_, index) => ({ text: `p${index}` }));
    const body = a2aSend(parts);
    const reply = await post(body);
    const text = await reply.text();
    expect(reply.status).toBe(200);
    expectNothingForbidden(text);
    expect(fake.requests).toHaveLength(1);
    expect(text).toContain('Read them all.');
    // The task echoes the user's message in its history at most once.
    expect(text.length).toBeLessThan(body.length * 2 + 10_000);
  });

  it('file parts only: refused as not text, no run', async () => {
    const { post, fake } = await serveA2A([turn.text('never')]);
    const parts = Array.from({ length: 10_000 }, () => ({
      url: 'http://169.254.169.254/latest/meta-data',
      mediaType: 'text/plain',
    }));
    const reply = await post(a2aSend(parts));
    const text = await reply.text();
    expect(reply.status).toBeLessThan(500);
    expectNothingForbidden(text);
    expect(fake.requests).toHaveLength(0);
  });
});

const runInput = (threadId: string, more: Record<string, unknown>) =>
  JSON.stringify({
    threadId,
    runId: crypto.randomUUID(),
    state: {},
    messages: [{ id: crypto.randomUUID(), role: 'user', content: 'hi' }],
    tools: [],
    context: [],
    forwardedProps: {},
    ...more,
  });

describe('AG-UI RunAgentInput of hostile sizes and shapes', () => {
  it('a state of ~1 MB: under the body limit it runs, the state never reaches the model; past it, 413', async () => {
    // The limit set to 1 MiB, the default before media-size56 (now 32 MiB, for media).
    const { post, fake } = await serveAgUi([turn.text('Fine.')], {
      handler: { maxBodyBytes: 1024 * 1024 },
    });
    const state = { blob: 'x'.repeat(1_000_000) };
    const reply = await post(runInput('t-state', { state }), { accept: 'text/event-stream' });
    const text = await reply.text();
    expect(reply.status).toBe(200);
    expectNothingForbidden(text);
    expect(JSON.stringify(fake.requests.at(-1)?.body ?? '')).not.toContain('xxxxxxxxxx');
    const over = await post(runInput('t-state2', { state: { blob: 'x'.repeat(1_100_000) } }));
    expect(over.status).toBe(413);
    expectNothingForbidden(await over.text());
  });

  it('cyclic-looking forwardedProps ($ref, __proto__, 10,000 levels) are data: a run or a 400, never a crash', async () => {
    const { post, fake } = await serveAgUi([turn.text('One.'), turn.text('Two.')]);
    const cyclic =
      '{"$ref":"#","self":{"$ref":"#/self"},"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}';
    const body = runInput('t-props', {}).replace(
      '"forwardedProps":{}',
      `"forwardedProps":${cyclic}`,
    );
    const reply = await post(body, { accept: 'text/event-stream' });
    expect(reply.status).toBe(200);
    expectNothingForbidden(await reply.text());
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const deep = runInput('t-deep', {}).replace(
      '"forwardedProps":{}',
      `"forwardedProps":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`,
    );
    const deepReply = await post(deep, { accept: 'text/event-stream' });
    expect(deepReply.status).toBeLessThan(500);
    expectNothingForbidden(await deepReply.text());
    expect(fake.requests.length).toBeLessThanOrEqual(2);
  });
});
