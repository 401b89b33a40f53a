import { createGemini } from '@gemloop/core';
import { createFakeGemini, type FakeGemini } from '@gemloop/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatApp, startChatApp } from '../../examples/browser-chat/chat-app.ts';
import { scriptedModel } from '../../examples/browser-chat/scripted-model.ts';
import { REACT_PAGE } from '../../examples/react-chat/react-page.ts';
import {
  type BrowserSession,
  openBrowserContext,
} from '../../packages/cli/src/view/__fixtures__/open-browser-context.ts';

// The react-chat example in Debian's Chromium: a React page on @gemloop/react's useAgentChat
// against a node:http server with @gemloop/core/web and an agent on the fake model. Text streams
// in, a tool call shows as running then done, an approval is answered with the page's button, Stop
// aborts the run on the server, and a connection cut mid-run is resumed by the hook's client.

const STORY =
  'Once upon a time, an agent streamed its answer to a page, one small piece at a time, and the page showed every word as it came.';

type Snapshot = { status: string | undefined; outcome: string | undefined };

describe('react chat in Chromium (@gemloop/react + @gemloop/core/web)', () => {
  let chromium: BrowserSession;
  let app: ChatApp;
  let fake: FakeGemini;
  beforeAll(async () => {
    fake = createFakeGemini({ script: scriptedModel, chunkSize: 8 });
    const gemini = createGemini({ apiKey: 'test-key', fetch: fake.fetch, retry: false });
    [chromium, app] = await Promise.all([
      openBrowserContext(),
      startChatApp({ gemini, model: 'gemini-2.5-flash', page: REACT_PAGE }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([chromium?.close(), app?.close()]);
  });

  const pages: { page: Page; errors: string[] }[] = [];
  async function ask(question: string): Promise<Page> {
    const page = await chromium.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // React reports a render error on the console; a resource that failed to load (the favicon's
    // 404, the stream cut on purpose) is the network's, not the page's.
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        errors.push(message.text());
      }
    });
    pages.push({ page, errors });
    await page.goto(app.url);
    await page.fill('input[name=q]', question);
    await page.click('form#ask button[type=submit]');
    return page;
  }
  async function done(page: Page): Promise<void> {
    expect(pages.find((each) => each.page === page)?.errors).toEqual([]);
    await page.close();
  }
  const answer = (page: Page) => page.locator('li.assistant').last();
  const typesOf = (page: Page) =>
    page.evaluate(() =>
      (globalThis as unknown as { chatEvents: { type: string }[] }).chatEvents.map(
        (event) => event.type,
      ),
    );
  const snapshot = (page: Page): Promise<Snapshot> =>
    page.evaluate(() => ({
      status: document.querySelector('#status')?.getAttribute('data-status') ?? undefined,
      outcome:
        [...document.querySelectorAll('li.assistant')].at(-1)?.getAttribute('data-outcome') ??
        undefined,
    }));

  it('bundles React and the hook, nothing of core', async () => {
    const script = await (await fetch(`${app.url}page.js`)).text();
    expect(script).toContain('useAgentChat');
    expect(script).toContain('eventsource');
    expect(script).not.toContain('createAgent');
    expect(script).not.toContain('GemloopError');
  });

  it('streams the answer into the assistant message, then is idle', async () => {
    const page = await ask('Tell me a story');
    await page.waitForSelector('li.assistant[data-outcome=completed]');
    expect(await page.textContent('li.user')).toBe('Tell me a story');
    expect(await answer(page).locator('p.text').textContent()).toBe(STORY);
    expect(await snapshot(page)).toEqual({ status: 'idle', outcome: 'completed' });
    expect(await answer(page).locator('.usage').textContent()).toMatch(/^\d+ tokens$/);
    const types = await typesOf(page);
    expect(types.filter((type) => type === 'text-delta').length).toBeGreaterThan(3);
    expect(types[0]).toBe('start');
    expect(types.at(-1)).toBe('finish');
    await done(page);
  });

  it('keeps the conversation: a second question in the page is a chat send on the first', async () => {
    const page = await ask('Tell me a story');
    await page.waitForSelector('li.assistant[data-outcome=completed]');
    await page.fill('input[name=q]', 'What is the weather in Paris?');
    await page.click('form#ask button[type=submit]');
    await page.waitForFunction(
      () => document.querySelectorAll('li.assistant[data-outcome=completed]').length === 2,
    );
    expect(await page.locator('li.user').allTextContents()).toEqual([
      'Tell me a story',
      'What is the weather in Paris?',
    ]);
    expect(await answer(page).locator('li.tool').textContent()).toContain(
      'get_weather({"city":"Paris"}): {"city":"Paris","temperatureC":18',
    );
    // The model saw the first question and its answer before the second one.
    const last = fake.requests.at(-1)?.body as { contents: { parts: { text?: string }[] }[] };
    const texts = last.contents.flatMap((content) => content.parts.map((part) => part.text));
    expect(texts.slice(0, 3)).toEqual(['Tell me a story', STORY, 'What is the weather in Paris?']);
    await done(page);
  });

  it('shows a tool call as running, then done with its result', async () => {
    const page = await ask('Any news?');
    // wait_for_news holds until the server releases it: the page shows it running meanwhile.
    const tool = answer(page).locator('li.tool[data-tool=wait_for_news]');
    await tool.and(page.locator('[data-status=running]')).waitFor();
    expect(await tool.textContent()).toBe('wait_for_news({}): running');
    expect((await snapshot(page)).status).toBe('streaming');
    app.releaseNews();
    await tool.and(page.locator('[data-status=done]')).waitFor();
    expect(await tool.textContent()).toBe(
      'wait_for_news({}): {"headline":"The page got every event once."}',
    );
    await page.waitForSelector('li.assistant[data-outcome=completed]');
    expect(await answer(page).locator('p.text').textContent()).toBe(
      'Done: wait_for_news answered {"headline":"The page got every event once."}.',
    );
    await done(page);
  });

  it('answers a pending approval with the page`s button', async () => {
    const page = await ask('Please email me@example.com');
    await page.waitForSelector('.approval button.approve');
    expect(await page.textContent('.approval')).toContain(
      'send_email wants to run with {"to":"me@example.com"',
    );
    expect(await snapshot(page)).toEqual({ status: 'awaiting-approval', outcome: 'running' });
    expect(await answer(page).locator('li.tool').getAttribute('data-status')).toBe('pending');
    await page.click('.approval button.approve');
    await page.waitForSelector('li.assistant[data-outcome=completed]');
    const tool = answer(page).locator('li.tool[data-tool=send_email]');
    expect(await tool.getAttribute('data-status')).toBe('done');
    expect(await tool.textContent()).toContain('{"sent":true,"to":"me@example.com"}');
    expect(await page.locator('.approval').count()).toBe(0);
    expect(await typesOf(page)).toContain('approval-resolved');
    expect((await snapshot(page)).status).toBe('idle');
    await done(page);
  });

  it('a denied approval: the call ends denied, the model is told', async () => {
    const page = await ask('Please email me@example.com');
    await page.click('.approval button.deny');
    await page.waitForSelector('li.assistant[data-outcome=completed]');
    const tool = answer(page).locator('li.tool[data-tool=send_email]');
    expect(await tool.getAttribute('data-status')).toBe('error');
    expect(await tool.textContent()).toContain('denied');
    await done(page);
  });

  it('Stop aborts the run on the server', async () => {
    const before = app.runs.length;
    const cancels = app.cancels;
    const page = await ask('Any news?');
    await answer(page).locator('li.tool[data-tool=wait_for_news][data-status=running]').waitFor();
    await page.click('button#stop');
    await page.waitForSelector('li.assistant[data-outcome=aborted]');
    expect((await snapshot(page)).status).toBe('idle');
    expect(
      await answer(page).locator('li.tool[data-tool=wait_for_news]').getAttribute('data-status'),
    ).toBe('error');
    const runs = await app.runsEnded(before + 1);
    expect(runs[before]).toEqual({ message: 'Any news?', outcome: 'aborted' });
    // Stopped by the page's cancel request, not by the reconnect window running out (issue 52).
    await expect.poll(() => app.cancels, { timeout: 30_000 }).toBe(cancels + 1);
    await done(page);
  });

  it('resumes after the connection is cut mid-run: every event once', async () => {
    const before = app.runs.length;
    const requests = app.chatRequests;
    const page = await ask('Wait for the news');
    await answer(page).locator('li.tool[data-tool=wait_for_news][data-status=running]').waitFor();
    app.dropConnections();
    // The hook's client comes back with Gemloop-Run-Id and Last-Event-ID.
    await expect.poll(() => app.chatRequests, { timeout: 120_000 }).toBe(requests + 2);
    app.releaseNews();
    await page.waitForSelector('li.assistant[data-outcome=completed]');
    const types = await typesOf(page);
    expect(types).toEqual([
      'start',
      'step-start',
      'tool-call',
      'tool-result',
      'step-finish',
      'step-start',
      ...types.filter((type) => type === 'text-delta'),
      'step-finish',
      'finish',
    ]);
    expect(await answer(page).locator('li.tool').count()).toBe(1);
    expect((await app.runsEnded(before + 1))[before]?.outcome).toBe('completed');
    await done(page);
  });
});
