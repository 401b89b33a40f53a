import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserSession,
  openBrowserContext,
} from '../../packages/cli/src/view/__fixtures__/open-browser-context.ts';
import { REACT_PAGE } from '../react-chat/react-page.ts';
import { type ChatPage, CLIENT_PAGE } from './chat-app.ts';

// The two example pages (browser-chat's on @gemloop/client, react-chat's on @gemloop/react) in
// Debian's Chromium, served as their app serves them but with a `/chat` that answers as a broken
// proxy or framework in front of the agent would (attack45b): a 502 page, a 500 with a stack
// trace and a key, a 401, an event that is not JSON. A page copied from these shows its user what
// they show: the words must be `toPageMessage`'s, never the server's body.

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

/** The page's HTML and bundled script at `/` and `/page.js`; `/chat` answers with `failure`. */
async function servePage(page: ChatPage): Promise<{
  url: string;
  fail(failure: Failure): void;
  close(): Promise<void>;
}> {
  const bundle = await build({
    entryPoints: [page.entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    conditions: ['@gemloop/source'],
    define: { 'process.env.NODE_ENV': '"production"' },
    jsx: 'automatic',
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]?.text ?? '';
  let failure: Failure | undefined;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    if (request.url === '/')
      response.writeHead(200, { 'content-type': 'text/html' }).end(page.html);
    else if (request.url === '/page.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    } else if (request.url === '/chat' && failure !== undefined) {
      request.resume();
      failure.answer(response);
    } else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    fail: (next) => {
      failure = next;
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
    served.fail(failure);
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
