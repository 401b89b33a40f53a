import { createGemini } from '@gemloop/core';
import { createFakeGemini } from '@gemloop/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatApp, startChatApp } from '../../examples/browser-chat/chat-app.ts';
import { scriptedModel } from '../../examples/browser-chat/scripted-model.ts';
import {
  type BrowserSession,
  openBrowserContext,
} from '../../packages/cli/src/view/__fixtures__/open-browser-context.ts';

// The browser-chat example in Debian's Chromium: a page on @gemloop/client against a node:http
// server with @gemloop/core/web and the fake model. Text, a tool, an approval answered from the
// page, Stop (the run ends aborted on the server) and a connection cut mid-run (resumed, every
// event once).

type PageEvent = { id: number; event: { type: string; text?: string } };

const STORY =
  'Once upon a time, an agent streamed its answer to a page, one small piece at a time, and the page showed every word as it came.';

describe('browser chat in Chromium (@gemloop/client + @gemloop/core/web)', () => {
  let chromium: BrowserSession;
  let app: ChatApp;
  beforeAll(async () => {
    const fake = createFakeGemini({ script: scriptedModel, chunkSize: 8 });
    const gemini = createGemini({ apiKey: 'test-key', fetch: fake.fetch, retry: false });
    [chromium, app] = await Promise.all([
      openBrowserContext(),
      startChatApp({ gemini, model: 'gemini-2.5-flash' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([chromium?.close(), app?.close()]);
  });

  async function ask(question: string): Promise<Page> {
    const page = await chromium.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(app.url);
    await page.fill('input[name=q]', question);
    await page.click('form#ask button:not([type])');
    expect(errors).toEqual([]);
    return page;
  }
  const eventsOf = (page: Page) =>
    page.evaluate(() => (globalThis as unknown as { chatEvents: PageEvent[] }).chatEvents);
  const typesOf = async (page: Page) => (await eventsOf(page)).map(({ event }) => event.type);

  it('bundles the client without core', async () => {
    const script = await (await fetch(`${app.url}page.js`)).text();
    expect(script).toContain('eventsource');
    expect(script).not.toContain('createAgent');
    expect(script).not.toContain('GemloopError');
  });

  it('streams the answer into the page', async () => {
    const page = await ask('Tell me a story');
    await page.waitForFunction(() =>
      document.querySelector('#status')?.textContent?.startsWith('completed'),
    );
    expect(await page.textContent('#answer')).toBe(STORY);
    const types = await typesOf(page);
    expect(types.filter((type) => type === 'text-delta').length).toBeGreaterThan(3);
    expect(types[0]).toBe('start');
    expect(types.at(-1)).toBe('finish');
    await page.close();
  });

  it('shows a tool call and its result', async () => {
    const page = await ask('What is the weather in Paris?');
    await page.waitForFunction(() =>
      document.querySelector('#status')?.textContent?.startsWith('completed'),
    );
    expect(await page.textContent('#tools')).toContain(
      'get_weather: {"city":"Paris","temperatureC":18',
    );
    await page.close();
  });

  it('answers a pending approval from the page', async () => {
    const page = await ask('Please email me@example.com');
    await page.waitForSelector('#approvals button.approve');
    expect(await page.textContent('#approvals')).toContain('send_email wants to run with');
    await page.click('#approvals button.approve');
    await page.waitForFunction(() =>
      document.querySelector('#status')?.textContent?.startsWith('completed'),
    );
    const types = await typesOf(page);
    expect(types).toContain('approval-resolved');
    expect(await page.textContent('#tools')).toContain('send_email: {"sent":true');
    expect(await page.textContent('#approvals')).toBe('');
    await page.close();
  });

  it('keeps a run its browser`s own: another session with its ids can neither read, stop nor approve it', async () => {
    const page = await ask('Please email me@example.com');
    await page.waitForSelector('#approvals button.approve');
    const events = (await eventsOf(page)).map(({ event }) => event) as {
      type: string;
      runId?: string;
      approvalId?: string;
    }[];
    const runId = events.find((event) => event.type === 'start')?.runId as string;
    const approvalId = events.find((event) => event.type === 'approval-pending')?.approvalId;
    // Another browser (its own session cookie) that learned both ids from a log or a link.
    const stranger = { cookie: 'demo-session=someone-else' };
    const post = (path: string, headers: Record<string, string>, body = '') =>
      fetch(`${app.url}${path}`, { method: 'POST', headers: { ...stranger, ...headers }, body });
    const approved = await post(
      'approvals',
      {},
      JSON.stringify({ approvalId, decision: 'approve' }),
    );
    expect(approved.status).toBe(404);
    const resumed = await post('chat', { 'gemloop-run-id': runId, 'last-event-id': '0' });
    expect(resumed.status).toBe(410);
    const stopped = await post('chat', { 'gemloop-run-id': runId, 'gemloop-cancel': '1' });
    expect(stopped.status).toBe(404);
    // The run still waits for its own page, which approves it.
    await page.click('#approvals button.approve');
    await page.waitForFunction(() =>
      document.querySelector('#status')?.textContent?.startsWith('completed'),
    );
    expect(await page.textContent('#tools')).toContain('send_email: {"sent":true');
    await page.close();
  });

  it('Stop aborts the run on the server', async () => {
    const before = app.runs.length;
    const cancels = app.cancels;
    const page = await ask('Any news?');
    await page.waitForFunction(() =>
      document.querySelector('#tools')?.textContent?.includes('wait_for_news'),
    );
    await page.click('button#stop');
    await page.waitForFunction(() => document.querySelector('#status')?.textContent === 'stopped');
    const runs = await app.runsEnded(before + 1);
    expect(runs[before]).toEqual({ message: 'Any news?', outcome: 'aborted' });
    // Stopped by the page's cancel request, not by the reconnect window running out (issue 52).
    await expect.poll(() => app.cancels, { timeout: 30_000 }).toBe(cancels + 1);
    await page.close();
  });

  it('resumes after the connection is cut mid-run: no event twice, none missing', async () => {
    const before = app.runs.length;
    const requests = app.chatRequests;
    const page = await ask('Wait for the news');
    await page.waitForFunction(() =>
      document.querySelector('#tools')?.textContent?.includes('wait_for_news'),
    );
    app.dropConnections();
    // The client comes back with Gemloop-Run-Id and Last-Event-ID.
    await expect.poll(() => app.chatRequests, { timeout: 120_000 }).toBe(requests + 2);
    app.releaseNews();
    await page.waitForFunction(() =>
      document.querySelector('#status')?.textContent?.startsWith('completed'),
    );
    expect(await typesOf(page)).toEqual([
      'start',
      'step-start',
      'tool-call',
      'tool-result',
      'step-finish',
      'step-start',
      ...(await typesOf(page)).filter((type) => type === 'text-delta'),
      'step-finish',
      'finish',
    ]);
    expect(await page.textContent('#answer')).toBe(
      'Done: wait_for_news answered {"headline":"The page got every event once."}.',
    );
    expect((await app.runsEnded(before + 1))[before]?.outcome).toBe('completed');
    await page.close();
  });
});
