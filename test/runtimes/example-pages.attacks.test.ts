import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatPage, CLIENT_PAGE } from '../../examples/browser-chat/chat-app.ts';
import { REACT_PAGE } from '../../examples/react-chat/react-page.ts';
import {
  type BrowserSession,
  openBrowserContext,
} from '../../packages/cli/src/view/__fixtures__/open-browser-context.ts';
import { cachedBundle } from './support/cached-bundle.ts';

// The two example pages (browser-chat's on @gemloop/client, react-chat's on @gemloop/react) in
// Debian's Chromium, served as their app serves them but with a `/chat` of the test's (attack45b).
// A broken proxy or framework in front of the agent: a 502 page, a 500 with a stack trace and a
// key, an event that is not JSON; a page copied from these shows its user what they show, so the
// words must be `toPageMessage`'s, never the server's body. And a hostile model's words: markup
// and script in every field a page shows, an approval whose arguments hold a bidi override or a
// 20,000-character word.

const SECRET = 'AIzaSy-secret-key-0123456789';
const STACK = `Error: upstream refused key ${SECRET}\n    at handler (/srv/app/server.js:12:3)`;
type Failure = { name: string; answer: (response: ServerResponse) => void; words: string };
const FAILURES: Failure[] = [
  {
    name: 'a 500 with a stack trace and a key',
    answer: (response) => response.writeHead(500, { 'content-type': 'text/plain' }).end(STACK),
    words: 'The server answered with an error (HTTP 500).',
  },
  {
    name: 'a proxy`s 502 page',
    answer: (response) =>
      response
        .writeHead(502, { 'content-type': 'text/html' })
        .end(`<html><body><h1>502</h1>upstream 10.0.3.7:8080 key=${SECRET}</body></html>`),
    words: 'The server answered with an error (HTTP 502).',
  },
  {
    name: 'an event that is not JSON',
    answer: (response) =>
      response
        .writeHead(200, { 'content-type': 'text/event-stream' })
        .end(`id: 0\ndata: ${STACK.replace('\n', ' ')}\n\n`),
    words: 'The server sent an answer this page cannot read.',
  },
];

/** The page's HTML and bundled script at `/` and `/page.js`; `/chat` answers with `answer`. */
async function servePage(page: ChatPage): Promise<{
  url: string;
  answer(with_: (response: ServerResponse) => void): void;
  close(): Promise<void>;
}> {
  const script = await cachedBundle({
    entry: page.entry,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['@gemloop/source'],
    define: { 'process.env.NODE_ENV': '"production"' },
    jsx: 'automatic',
    logLevel: 'silent',
  });
  let answer: ((response: ServerResponse) => void) | undefined;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    if (request.url === '/')
      response.writeHead(200, { 'content-type': 'text/html' }).end(page.html);
    else if (request.url === '/page.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    } else if (request.url === '/chat' && answer !== undefined) {
      request.resume();
      answer(response);
    } else if (request.url === '/approvals') {
      // A broken approvals route: the answer refused with what a framework's 500 says.
      request.resume();
      response.writeHead(500, { 'content-type': 'text/plain' }).end(STACK);
    } else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    answer: (next) => {
      answer = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe.each([
  ['browser-chat (@gemloop/client)', CLIENT_PAGE],
  ['react-chat (@gemloop/react)', REACT_PAGE],
])('the %s example page behind a broken server', (_, chatPage) => {
  let chromium: BrowserSession;
  let served: Awaited<ReturnType<typeof servePage>>;
  beforeAll(async () => {
    [chromium, served] = await Promise.all([openBrowserContext(), servePage(chatPage)]);
  });
  afterAll(async () => {
    await Promise.all([chromium?.close(), served?.close()]);
  });

  it.each(FAILURES)('$name: the page shows fixed words, not the body', async (failure) => {
    served.answer(failure.answer);
    const page = await chromium.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(served.url);
    await page.fill('input[name=q]', 'Hi');
    await page.click('form#ask button:not([type=button])');
    await page.waitForFunction(() => {
      const status = document.querySelector('#status');
      return status !== null && /error|answered|cannot|server/i.test(status.textContent ?? '');
    });
    const shown = (await page.textContent('body')) ?? '';
    expect(shown).not.toContain(SECRET);
    expect(shown).not.toContain('/srv/app');
    expect(shown).not.toContain('10.0.3.7');
    expect(shown).toContain(failure.words);
    expect(errors).toEqual([]);
    await page.close();
  });
});

// Bidi overrides, embeddings, isolates and marks: what makes a line show other than it reads.
const BIDI = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const MARKUP = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>';
const frame = (id: number, event: { type: string }): string =>
  `id: ${id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
const base = { path: [], stepNumber: 1 };
/** A run whose model wrote markup everywhere, then asked to send an email the page must approve. */
const HOSTILE_RUN = [
  { type: 'start', path: [], runId: 'run-h', protocol: 1 },
  { type: 'thought-delta', ...base, text: MARKUP },
  { type: 'tool-call', ...base, toolCallId: 'c1', toolName: 'lookup', args: { q: MARKUP } },
  {
    type: 'tool-result',
    ...base,
    toolCallId: 'c1',
    toolName: 'lookup',
    outcome: 'execution-error',
    error: MARKUP,
  },
  { type: 'text-delta', ...base, text: `${MARKUP} [open](javascript:window.pwned=3)` },
  {
    type: 'approval-pending',
    ...base,
    approvalId: 'ap-1',
    toolCallId: 'c2',
    toolName: 'send_email',
    // Shows as `me@example.com` then the attacker's address backwards, which reads as another.
    args: { to: 'me@example.com\u202e\u2066moc.live@kcam\u2069', note: 'w'.repeat(20_000) },
  },
]
  .map((event, index) => frame(index, event))
  .join('');

describe.each([
  ['browser-chat (@gemloop/client)', CLIENT_PAGE, '#approvals li', 'button.approve'],
  ['react-chat (@gemloop/react)', REACT_PAGE, '.approval', '.approval button.approve'],
])('the %s example page and a hostile model', (_, chatPage, prompt, approve) => {
  let chromium: BrowserSession;
  let served: Awaited<ReturnType<typeof servePage>>;
  beforeAll(async () => {
    [chromium, served] = await Promise.all([openBrowserContext(), servePage(chatPage)]);
    served.answer((response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' }).write(HOSTILE_RUN);
      // The approval waits: the stream stays open until the page leaves.
      const timer = setInterval(() => response.write(': ping\n\n'), 100);
      response.on('close', () => clearInterval(timer));
    });
  });
  afterAll(async () => {
    await Promise.all([chromium?.close(), served?.close()]);
  });

  it('markup runs nowhere; the approval shows its arguments as they read, its buttons in reach', async () => {
    const page = await chromium.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(served.url);
    await page.fill('input[name=q]', 'Hi');
    await page.click('form#ask button:not([type=button])');
    await page.waitForSelector(approve);
    const seen = await page.evaluate(
      ([promptSelector, buttonSelector]) => {
        const button = document.querySelector(buttonSelector as string) as HTMLElement;
        const box = button.getBoundingClientRect();
        return {
          pwned: (globalThis as { pwned?: unknown }).pwned,
          injected: document.querySelectorAll('img, script:not([src]), a[href]').length,
          prompt: document.querySelector(promptSelector as string)?.textContent ?? '',
          buttonRight: box.right,
          width: document.documentElement.clientWidth,
          scrollWidth: document.documentElement.scrollWidth,
        };
      },
      [prompt, approve],
    );
    expect(seen.pwned).toBeUndefined();
    expect(seen.injected).toBe(0);
    expect(seen.prompt).toContain('send_email');
    // The override shown as what it is, not applied to the address after it.
    expect(seen.prompt).not.toMatch(BIDI);
    expect(seen.prompt).toContain('\\u202e');
    // The 20,000-character word wraps: Approve is on the screen, not 150,000 pixels to the right.
    expect(seen.buttonRight).toBeLessThanOrEqual(seen.width);
    expect(seen.scrollWidth).toBeLessThanOrEqual(seen.width);
    expect(errors).toEqual([]);
    await page.close();
  });
  it('an approval the server refuses with a stack trace: page words, no unhandled rejection', async () => {
    const page = await chromium.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(served.url);
    await page.fill('input[name=q]', 'Hi');
    await page.click('form#ask button:not([type=button])');
    await page.waitForSelector(approve);
    await page.click(approve);
    const refused = chatPage === CLIENT_PAGE;
    if (refused) {
      await page.waitForFunction(() =>
        /HTTP 500/.test(document.querySelector('#status')?.textContent ?? ''),
      );
    } else {
      // The hook gives the buttons back for another try (and the error to onError).
      await page.waitForFunction(
        (selector) => !(document.querySelector(selector) as HTMLButtonElement).disabled,
        approve,
      );
    }
    const shown = (await page.textContent('body')) ?? '';
    expect(shown).not.toContain(SECRET);
    expect(errors).toEqual([]);
    await page.close();
  });
});
