import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserSession,
  openBrowserContext,
} from '../../packages/cli/src/view/__fixtures__/open-browser-context.ts';
import { type LocalServer, listenLocal } from './support/listen-local.ts';
import { reactPageBundle } from './support/react-page-bundle.ts';

// useAgentChat in Debian's Chromium on the browser's own fetch (packages/react/src/__fixtures__/
// real-fetch-page.tsx) against a node:http server (attack45b): unmount mid-stream, 100,000 tiny
// events, two hooks on one conversation, Stop on a run the server cannot cancel.

type HookState = {
  status: string;
  error?: string;
  messages: { role: string; length: number; outcome?: string }[];
};
declare const harness: {
  errors: string[];
  renders(): number;
  mount(count: number, url?: string): void;
  send(index: number, text: string): void;
  stop(index: number): void;
  unmount(): void;
  state(index: number): HookState;
};
type Seen = { path: string; headers: IncomingMessage['headers']; body: string; closedAt?: number };
type Route = (request: IncomingMessage, response: ServerResponse, seen: Seen) => void;

const sse = { 'content-type': 'text/event-stream', 'cache-control': 'no-store' };
const frame = (id: number, event: { type: string }): string =>
  `id: ${id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
const start = (runId: string, cancellable = false) => ({
  type: 'start',
  path: [],
  runId,
  protocol: 1,
  cancellable,
});
const text = (value: string) => ({ type: 'text-delta', path: [], stepNumber: 1, text: value });
const finish = { type: 'finish', path: [], outcome: 'completed', finishReason: 'stop', cost: null };
/** Keeps the stream open with a comment every 50 ms until the page closes it. */
const holdOpen = (response: ServerResponse): void => {
  const timer = setInterval(() => response.write(': ping\n\n'), 50);
  response.on('close', () => clearInterval(timer));
};

describe('useAgentChat in Chromium, on its own fetch, against a hostile server', () => {
  let chromium: BrowserSession;
  let server: LocalServer;
  let route: Route = (_request, response) => response.writeHead(404).end();
  let seen: Seen[] = [];

  beforeAll(async () => {
    const bundle = reactPageBundle('real-fetch-page.tsx');
    let script = '';
    const listener = (request: IncomingMessage, response: ServerResponse): void => {
      if (request.url === '/') {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end(
          '<!doctype html><div id="root"></div><script type="module" src="/page.js"></script>',
        );
        return;
      }
      if (request.url === '/page.js') {
        response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
        return;
      }
      if (request.url !== '/chat') {
        response.writeHead(404).end();
        return;
      }
      const entry: Seen = { path: request.url ?? '', headers: request.headers, body: '' };
      seen.push(entry);
      response.on('close', () => {
        entry.closedAt = Date.now();
      });
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        entry.body = Buffer.concat(chunks).toString();
        route(request, response, entry);
      });
    };
    const [built, listening, browser] = await Promise.all([
      bundle,
      listenLocal(listener),
      openBrowserContext(),
    ]);
    script = built;
    server = listening;
    chromium = browser;
  });
  afterAll(async () => {
    await Promise.all([chromium?.close(), server?.close()]);
  });

  /** A page with `count` hooks, `route` answering its requests. */
  async function mount(count: number, answer: Route): Promise<{ page: Page; console: string[] }> {
    route = answer;
    seen = [];
    const page = await chromium.context.newPage();
    const messages: string[] = [];
    page.on('pageerror', (error) => messages.push(error.message));
    page.on('console', (message) => {
      // The favicon's 404 is the network's, not the page's.
      if (message.text().startsWith('Failed to load resource')) return;
      if (message.type() === 'error' || message.type() === 'warning') messages.push(message.text());
    });
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => 'harness' in globalThis);
    await page.evaluate((hooks) => harness.mount(hooks), count);
    await page.waitForSelector('.status');
    return { page, console: messages };
  }
  const chatRequests = () => seen.filter((each) => each.headers['gemloop-cancel'] === undefined);
  const cancels = () => seen.filter((each) => each.headers['gemloop-cancel'] === '1');

  it('unmount mid-stream: the stream`s connection closes, a cancellable run gets its cancel, nothing after', async () => {
    const { page, console } = await mount(1, (_request, response, entry) => {
      if (entry.headers['gemloop-cancel'] === '1') return void response.writeHead(204).end();
      response.writeHead(200, sse);
      response.write(frame(0, start('run-u', true)) + frame(1, text('Hel')));
      holdOpen(response);
    });
    await page.evaluate(() => harness.send(0, 'Hi'));
    await page.waitForFunction(() => harness.state(0).messages[1]?.length === 3);
    await page.evaluate(() => harness.unmount());
    await expect.poll(() => chatRequests()[0]?.closedAt).toBeDefined();
    await expect.poll(() => cancels().length).toBe(1);
    expect(cancels()[0]?.headers['gemloop-run-id']).toBe('run-u');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen).toHaveLength(2);
    expect(console).toEqual([]);
    await page.close();
  });

  it('Stop on a run the server cannot cancel: the connection closes, no cancel request', async () => {
    const { page, console } = await mount(1, (_request, response) => {
      response.writeHead(200, sse);
      response.write(frame(0, start('run-s')) + frame(1, text('Hel')));
      holdOpen(response);
    });
    await page.evaluate(() => harness.send(0, 'Hi'));
    await page.waitForFunction(() => harness.state(0).messages[1]?.length === 3);
    await page.evaluate(() => harness.stop(0));
    await expect.poll(() => chatRequests()[0]?.closedAt).toBeDefined();
    expect((await page.evaluate(() => harness.state(0))).messages[1]?.outcome).toBe('aborted');
    expect(cancels()).toEqual([]);
    expect(console).toEqual([]);
    await page.close();
  });

  it('100,000 tiny events: the answer whole, in bounded renders', async () => {
    const { page, console } = await mount(1, (_request, response) => {
      response.writeHead(200, sse);
      let body = frame(0, start('run-t'));
      for (let id = 1; id <= 99_998; id++) body += frame(id, text('x'));
      response.end(body + frame(99_999, finish));
    });
    await page.evaluate(() => harness.send(0, 'Hi'));
    // The browser context's wait limit (openBrowserContext) is the hang guard: how long the page
    // took is a speed, for bench/, never judged here (a 30 s bound fired at load 50-90).
    await page.waitForFunction(() => harness.state(0).status !== 'streaming');
    const state = await page.evaluate(() => harness.state(0));
    expect(state.status).toBe('idle');
    expect(state.messages[1]).toMatchObject({ length: 99_998, outcome: 'completed' });
    // Bounded work, whatever the load: one render per batch of events that came together, not
    // one per event.
    expect(await page.evaluate(() => harness.renders())).toBeLessThan(2000);
    expect(console).toEqual([]);
    await page.close();
  });

  it('two hooks on one conversation: two runs, each answer in its own hook', async () => {
    const { page, console } = await mount(2, (_request, response, entry) => {
      const asked = (JSON.parse(entry.body) as { message: string }).message;
      response.writeHead(200, sse);
      response.end(
        frame(0, start(`run-${asked}`)) + frame(1, text(asked.repeat(3))) + frame(2, finish),
      );
    });
    await page.evaluate(() => {
      harness.send(0, 'a');
      harness.send(1, 'bb');
    });
    await page.waitForFunction(() =>
      [0, 1].every(
        (index) =>
          harness.state(index).status === 'idle' && harness.state(index).messages.length === 2,
      ),
    );
    const states = await page.evaluate(() => [harness.state(0), harness.state(1)]);
    expect(states.map((state) => state.messages[1]?.length)).toEqual([3, 6]);
    expect(chatRequests().map((each) => JSON.parse(each.body))).toEqual(
      expect.arrayContaining([
        { conversationId: 'shared', message: 'a' },
        { conversationId: 'shared', message: 'bb' },
      ]),
    );
    expect(console).toEqual([]);
    await page.close();
  });
});
