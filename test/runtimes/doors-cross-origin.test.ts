import { createAgent, createGemini } from '@gemloop/core';
import { mountDoors } from '@gemloop/serve/doors';
import { toNodeListener } from '@gemloop/serve/node';
import { createFakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserSession,
  openBrowserContext,
} from '../../packages/cli/src/view/__fixtures__/open-browser-context.ts';
import { type LocalServer, listenLocal } from './support/listen-local.ts';

// The doors' Origin policy in Debian's Chromium (doors-policy): a page of another origin calls
// the AG-UI door with a bearer token (so the browser sends a CORS preflight first). A listed page
// reads the run; an unlisted one is refused by the browser and reaches no `authorize` and no
// model; a page of the door's own host is served by default; the OpenAI door serves no page.

const TOKEN = 'page-token-0123456789';
const RUN_INPUT = {
  threadId: 't1',
  runId: 'r1',
  messages: [{ id: 'm1', role: 'user', content: 'Hi' }],
  tools: [],
  context: [],
  state: {},
  forwardedProps: {},
};
const PAGE = '<!doctype html><title>page</title><p>page</p>';

describe('the doors and pages of other origins, in Chromium', () => {
  let chromium: BrowserSession;
  let listed: LocalServer;
  let unlisted: LocalServer;
  let door: LocalServer;
  let fake: ReturnType<typeof createFakeGemini>;
  let authorized = 0;
  beforeAll(async () => {
    const page = (_request: unknown, response: import('node:http').ServerResponse) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(PAGE);
    };
    [listed, unlisted, chromium] = await Promise.all([
      listenLocal(page),
      listenLocal(page),
      openBrowserContext(),
    ]);
    fake = createFakeGemini({
      script: [turn.text('Hello from the listed page.'), turn.text('Hello, same host.')],
    });
    const gemini = createGemini({ apiKey: 'gemini-secret-key', retry: false, fetch: fake.fetch });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
    const doors = mountDoors({
      authorize: (request) => {
        authorized += 1;
        return request.headers.get('authorization') === `Bearer ${TOKEN}` ? 'page-user' : null;
      },
      agUi: { agent, allowedOrigins: ['self', listed.url] },
      openai: { agents: { support: agent } },
      handlers: {
        '/page': async () => new Response(PAGE, { headers: { 'content-type': 'text/html' } }),
      },
    });
    door = await listenLocal(toNodeListener(doors.handler));
  });
  afterAll(async () => {
    await Promise.all([chromium?.close(), listed?.close(), unlisted?.close(), door?.close()]);
  });

  /** From a page at `pageUrl`: POSTs `path` of the door with the token; the text or the error. */
  async function callFrom(pageUrl: string, path: string, body: unknown) {
    const page = await chromium.context.newPage();
    try {
      await page.goto(pageUrl);
      return await page.evaluate(
        async ({ url, token, json }) => {
          try {
            const response = await fetch(url, {
              method: 'POST',
              headers: {
                authorization: `Bearer ${token}`,
                'content-type': 'application/json',
                accept: 'text/event-stream',
              },
              body: json,
            });
            return { status: response.status, text: await response.text() };
          } catch (error) {
            return { error: String(error) };
          }
        },
        { url: `${door.url}${path}`, token: TOKEN, json: JSON.stringify(body) },
      );
    } finally {
      await page.close();
    }
  }

  it('a listed page of another origin runs the agent and reads its events', async () => {
    const answer = await callFrom(listed.url, '/ag-ui', RUN_INPUT);
    expect(answer).toMatchObject({ status: 200 });
    expect((answer as { text: string }).text).toContain('Hello from the listed page.');
  });

  it('an unlisted page is refused: the browser reports a network error, no authorize, no model call', async () => {
    const before = { authorized, calls: fake.requests.length };
    const answer = await callFrom(unlisted.url, '/ag-ui', { ...RUN_INPUT, threadId: 't2' });
    expect(answer).toEqual({ error: expect.stringContaining('Failed to fetch') });
    expect(authorized).toBe(before.authorized);
    expect(fake.requests).toHaveLength(before.calls);
  });

  it('a page of the door’s own host is served by default', async () => {
    const answer = await callFrom(`${door.url}/page`, '/ag-ui', { ...RUN_INPUT, threadId: 't3' });
    expect(answer).toMatchObject({ status: 200 });
    expect((answer as { text: string }).text).toContain('Hello, same host.');
  });

  it('the OpenAI door serves no page, not even of its own host', async () => {
    const before = { authorized, calls: fake.requests.length };
    const answer = await callFrom(`${door.url}/page`, '/v1/chat/completions', {
      model: 'support',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(answer).toMatchObject({ status: 403 });
    expect((answer as { text: string }).text).toContain('origin_not_allowed');
    expect(authorized).toBe(before.authorized);
    expect(fake.requests).toHaveLength(before.calls);
  });
});
