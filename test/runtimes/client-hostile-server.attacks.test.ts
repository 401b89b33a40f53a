import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserSession,
  openBrowserContext,
} from '../../packages/cli/src/view/__fixtures__/open-browser-context.ts';
import { cachedBundle } from './support/cached-bundle.ts';
import { type LocalServer, listenLocal } from './support/listen-local.ts';

// @gemloop/client in Debian's Chromium, its page's own fetch against a node:http server that
// answers as a broken or hostile one would (attack45b): bytes cut mid-event, one event of 50 MB,
// 100,000 tiny events, types and data it cannot read, an HTML page, errors quoting a key and a
// stack, a redirect to another origin, a stream that never ends. What the page would show is
// `toPageMessage`'s words; the server sees each connection the page gave up close.

// What packages/client/src/__fixtures__/probe-page.ts answers (its types written here: importing
// them would make this project type-check the client's sources, which are its own project's).
type ProbeOptions = {
  maxReconnects?: number;
  reconnectDelayMs?: number;
  maxEventChars?: number;
  abortAfterMs?: number;
  headers?: Record<string, string>;
};
type ProbeResult = {
  ok: boolean;
  events: number;
  types: string[];
  text: string;
  code?: string;
  status?: number;
  name?: string;
  message?: string;
  pageMessage?: string;
  ms: number;
};
declare const probe: (path: string, options?: ProbeOptions) => Promise<ProbeResult>;
type Route = (request: IncomingMessage, response: ServerResponse) => void;

const SECRET = 'AIzaSy-secret-key-0123456789';
const sse = { 'content-type': 'text/event-stream', 'cache-control': 'no-store' };
const frame = (id: number, event: { type: string }): string =>
  `id: ${id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
const start = { type: 'start', path: [], runId: 'run-1', protocol: 1 };
const text = (value: string) => ({ type: 'text-delta', path: [], stepNumber: 1, text: value });
const finish = { type: 'finish', path: [], outcome: 'completed', finishReason: 'stop', cost: null };
/** A whole run in one answer: start, `events` (ids below 999,999), finish. */
const whole =
  (...events: string[]): Route =>
  (_request, response) => {
    response.writeHead(200, sse);
    response.end(frame(0, start) + events.join('') + frame(999_999, finish));
  };

describe('@gemloop/client in Chromium, against a hostile server', () => {
  let chromium: BrowserSession;
  let server: LocalServer;
  let other: LocalServer;
  let page: Page;
  /** Requests per path, and connections closed per path. */
  const seen: Record<string, number> = {};
  const closed: Record<string, number> = {};
  let otherRequests = 0;
  const routes = new Map<string, Route>();

  beforeAll(async () => {
    const bundle = cachedBundle({
      entry: fileURLToPath(
        new URL('../../packages/client/src/__fixtures__/probe-page.ts', import.meta.url),
      ),
      bundle: true,
      format: 'esm',
      platform: 'browser',
      conditions: ['@gemloop/source'],
      logLevel: 'silent',
    });
    let script = '';
    const listener: Route = (request, response) => {
      const path = (request.url ?? '/').split('?')[0] as string;
      seen[path] = (seen[path] ?? 0) + 1;
      response.on('close', () => {
        closed[path] = (closed[path] ?? 0) + 1;
      });
      if (path === '/') {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end(
          '<!doctype html><title>probe</title><script type="module" src="/page.js"></script>',
        );
      } else if (path === '/page.js') {
        response.writeHead(200, { 'content-type': 'text/javascript' });
        response.end(script);
      } else {
        request.resume();
        const route = routes.get(path);
        if (route === undefined) response.writeHead(404).end();
        else route(request, response);
      }
    };
    const [built, ...started] = await Promise.all([
      bundle,
      listenLocal(listener),
      listenLocal((_request, response) => {
        otherRequests += 1;
        whole()(_request, response);
      }),
      openBrowserContext(),
    ]);
    script = built;
    [server, other, chromium] = started;
    page = await chromium.context.newPage();
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => 'probe' in globalThis);
  });
  afterAll(async () => {
    await Promise.all([chromium?.close(), server?.close(), other?.close()]);
  });

  /** `route` served at a fresh path, streamed by the page with `options`. */
  async function run(
    route: Route,
    options: ProbeOptions = {},
  ): Promise<ProbeResult & { path: string }> {
    const path = `/run-${routes.size}`;
    routes.set(path, route);
    const result = await page.evaluate(([at, given]) => probe(at, given), [
      path,
      { reconnectDelayMs: 10, ...options },
    ] as const);
    return { ...result, path };
  }
  /**
   * Until the server saw `path`'s connections close (all `count` of them), under the project's
   * `expect.poll` limit (vitest.config.ts, PROCESS_LIMITS), a hang guard: Chromium's network
   * service closes an aborted stream's socket on its own schedule, and a fresh clone's whole run
   * (dbos workers beside it on two cores) once took past 5 s where alone it takes milliseconds.
   */
  const closedAll = (path: string, count = 1) => expect.poll(() => closed[path] ?? 0).toBe(count);

  it('refuses an event past maxEventChars that arrives whole in one network read', async () => {
    // 5,000 characters against a bound of 1,000: one read of the loopback carries the whole
    // event, and eventsource-parser checks its buffer only for what is left after a read.
    const result = await run(whole(frame(1, text('m'.repeat(5000)))), { maxEventChars: 1000 });
    expect(result).toMatchObject({ ok: false, code: 'limit', text: '' });
    expect(result.message).toMatch(/maxEventChars/);
    expect(result.pageMessage).toBe('The answer was larger than this page takes.');
  });

  it('refuses one event of 50 MB after about 1 MB, the connection closed', async () => {
    let written = 0;
    const result = await run((_request, response) => {
      response.writeHead(200, sse);
      response.write(`${frame(0, start)}id: 1\ndata: {"type":"text-delta","text":"`);
      const piece = 'a'.repeat(1 << 20);
      const more = (): void => {
        while (written < 50 && !response.destroyed) {
          written += 1;
          if (!response.write(piece)) return void response.once('drain', more);
        }
        response.end(`"}\n\n${frame(2, finish)}`);
      };
      more();
    });
    expect(result).toMatchObject({ ok: false, code: 'limit', types: ['start'] });
    await closedAll(result.path);
    // The page stopped reading: the server could not hand the socket the whole 50 MB.
    expect(written).toBeLessThan(50);
  });

  it('takes 100,000 tiny events in one answer, and refuses the 100,001st', async () => {
    const tiny = (count: number) =>
      Array.from({ length: count }, (_, index) => frame(index + 1, text('x'))).join('');
    const within = await run(whole(tiny(99_998)));
    expect(within).toMatchObject({ ok: true, events: 100_000 });
    const over = await run(whole(tiny(100_000)));
    expect(over).toMatchObject({ ok: false, code: 'limit', events: 100_000 });
    await closedAll(over.path);
  });

  it('a connection cut mid-event is resumed from the last whole event, then given up', async () => {
    // The first connection is cut only once the page has shown its start event: Chromium drops
    // what its renderer has not yet read from the network when the connection fails, so a cut
    // 20 ms after the write lost the start on a loaded machine (the runtimes project alone,
    // 2026-11-29: no event, and without a start there is nothing to resume). The resumes are
    // cut at once: what they repeat (event 0) is no progress either way.
    let pageShowedStart: () => void = () => {};
    const shown = new Promise<void>((resolve) => {
      pageShowedStart = resolve;
    });
    let connections = 0;
    // No count left from an earlier probe (the probe sets it to 0 too, but after this test's
    // first read could come).
    await page.evaluate(() => {
      (globalThis as { probeEvents?: number }).probeEvents = 0;
    });
    const probing = run(
      (_request, response) => {
        connections += 1;
        response.writeHead(200, sse);
        response.write(frame(0, start));
        response.write('id: 1\nevent: text-delta\ndata: {"type":"text-de');
        const cut = connections === 1 ? shown : new Promise((wait) => setTimeout(wait, 20));
        void cut.then(() => response.destroy());
      },
      { maxReconnects: 2 },
    );
    await expect
      .poll(() => page.evaluate(() => (globalThis as { probeEvents?: number }).probeEvents ?? 0))
      .toBeGreaterThan(0);
    pageShowedStart();
    const result = await probing;
    expect(result).toMatchObject({ ok: false, code: 'connection-lost', types: ['start'] });
    // The first request and two resumes, each asking after event 0.
    expect(seen[result.path]).toBe(3);
  });

  it('skips unknown types and data of another shape; data that is not JSON is a protocol error', async () => {
    const skipped = await run(
      whole(
        frame(1, { type: 'brand-new' }),
        'id: 2\nevent: text-delta\ndata: 42\n\n',
        'id: 3\ndata: null\n\n',
        frame(4, text('kept')),
      ),
    );
    expect(skipped).toMatchObject({
      ok: true,
      text: 'kept',
      types: ['start', 'text-delta', 'finish'],
    });
    const html = await run(whole(`id: 1\ndata: <html>${SECRET}</html>\n\n`));
    expect(html).toMatchObject({ ok: false, code: 'protocol' });
    expect(html.pageMessage).toBe('The server sent an answer this page cannot read.');
  });

  it('a proxy`s HTML page (200), and 401, 429 and 500 bodies with a key and a stack: the page words hold none of it', async () => {
    const proxy = await run((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(`<html><body>Sign in to the proxy ${SECRET}</body></html>`);
    });
    expect(proxy).toMatchObject({ ok: false, code: 'not-an-event-stream' });
    expect(proxy.pageMessage).toBe('The server did not answer with a run.');
    for (const status of [401, 429, 500]) {
      const result = await run((_request, response) => {
        response.writeHead(status, { 'content-type': 'text/plain' });
        response.end(`Error: key ${SECRET}\n    at handler (/srv/app/server.js:12:3)`);
      });
      expect(result).toMatchObject({ ok: false, code: 'http-status', status });
      // The developer's message quotes the body (the console); the page's words do not.
      expect(result.message).toContain(SECRET);
      expect(result.pageMessage).toBe(`The server answered with an error (HTTP ${status}).`);
    }
  });

  it('a redirect to another origin is not followed (302 and 307): that origin gets nothing', async () => {
    for (const status of [302, 307]) {
      const result = await run(
        (_request, response) => {
          response.writeHead(status, { location: `${other.url}/steal?token=${SECRET}` }).end();
        },
        { headers: { 'x-api-key': SECRET } },
      );
      expect(result).toMatchObject({ ok: false, code: 'redirect', status: 0 });
      expect(result.message).not.toContain(SECRET);
    }
    expect(otherRequests).toBe(0);
  });

  it('a stream that never ends (pings only, or silence) waits for the page; its Stop closes the connection', async () => {
    for (const ping of [true, false]) {
      let timer: ReturnType<typeof setInterval> | undefined;
      const result = await run(
        (_request, response) => {
          response.writeHead(200, sse);
          response.write(frame(0, start));
          if (ping) timer = setInterval(() => response.write(': ping\n\n'), 50);
          response.on('close', () => clearInterval(timer));
        },
        { abortAfterMs: 500 },
      );
      expect(result).toMatchObject({ ok: false, name: 'AbortError', types: ['start'] });
      expect(result.pageMessage).toBe('The run was stopped.');
      await closedAll(result.path);
    }
  });
});
