import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { ToolExecuteContext } from '@gemloop/core';
import { silentLogger } from '@gemloop/core/logging';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestServer } from './__fixtures__/test-server.ts';
import { startTestServer } from './__fixtures__/test-server.ts';
import { createHtmlConverter } from './create-html-converter.ts';
import type { WebFetchToolOptions } from './create-web-fetch-tool.ts';
import { createWebFetchTool } from './create-web-fetch-tool.ts';
import type { LookupFunction } from './resolve-host.ts';
import { runWebFetch } from './run-web-fetch.ts';
import { WebFetchError } from './web-fetch-error.ts';
import type { WebFetchArgs, WebFetchSettings } from './web-fetch-types.ts';

function context(signal: AbortSignal = new AbortController().signal): ToolExecuteContext {
  return { signal, toolCallId: 'call-1', step: 1, logger: silentLogger, contents: [] };
}

const PAGE = `<!doctype html>
<html><head><title>  Moon   facts </title><style>body { color: red }</style>
<script>window.secret = "do not show"</script></head>
<body>
<nav><a href="/">Home</a> <a href="/about">About</a></nav>
<main>
<h1>The Moon</h1>
<p>The Moon orbits <a href="/earth">Earth</a> every <b>27.3 days</b>.</p>
<p hidden>hidden text</p>
<table><tr><th>Body</th><th>Radius (km)</th></tr><tr><td>Moon</td><td>1737</td></tr></table>
<p><img src="/moon.png" alt="The full Moon"> <img src="data:image/png;base64,AAAA" alt="inline"></p>
<p><a href="javascript:alert(1)">click</a></p>
</main>
<footer>Copyright</footer>
</body></html>`;

/** Writes `total` bytes in 64 KB chunks, honouring back-pressure, until the client goes away. */
function stream(response: ServerResponse, total: number, chunk: Buffer): void {
  let sent = 0;
  const pump = (): void => {
    while (sent < total) {
      if (response.destroyed) return;
      sent += chunk.length;
      if (!response.write(chunk)) {
        response.once('drain', pump);
        return;
      }
    }
    response.end();
  };
  pump();
}

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    '/page': (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    },
    '/gzip-page': (_request, response) => {
      response
        .writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' })
        .end(gzipSync(PAGE));
    },
    '/json': (_request, response) => {
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end('{"answer": 42, "list": [1, 2]}');
    },
    '/ld-json': (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/ld+json' }).end('{"@type":"Thing"}');
    },
    '/latin1': (_request, response) => {
      response
        .writeHead(200, { 'content-type': 'text/plain; charset=ISO-8859-1' })
        .end(Buffer.from('caf\xe9', 'latin1'));
    },
    '/meta-charset': (_request, response) => {
      response
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          Buffer.concat([
            Buffer.from(
              '<html><head><meta charset="windows-1252"><title>Price</title></head><body><p>5 ',
            ),
            Buffer.from([0x80]),
            Buffer.from('</p></body></html>'),
          ]),
        );
    },
    '/no-type': (_request, response) => {
      response.writeHead(200).end('plain words');
    },
    '/image': (_request, response) => {
      response
        .writeHead(200, { 'content-type': 'image/png' })
        .end(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    },
    '/binary-as-text': (_request, response) => {
      response
        .writeHead(200, { 'content-type': 'text/plain' })
        .end(Buffer.from([0x41, 0x00, 0x42, 0xff]));
    },
    '/big': (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      stream(response, 50_000_000, Buffer.alloc(65_536, 'a'));
    },
    '/bomb': (_request, response) => {
      response
        .writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' })
        .end(gzipSync(Buffer.alloc(30_000_000, 'a')));
    },
    '/exact': (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(1000));
    },
    '/slow-body': (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('first bytes');
    },
    '/hang': () => {},
    '/nested': (_request, response) => {
      response
        .writeHead(200, { 'content-type': 'text/html' })
        .end(`${'<div>'.repeat(200_000)}deep`);
    },
    '/r1': (_request, response) => {
      response.writeHead(301, { location: '/r2' }).end();
    },
    '/r2': (_request, response) => {
      response.writeHead(302, { location: `${server.origin}/r3` }).end();
    },
    '/r3': (_request, response) => {
      response.writeHead(307, { location: '/json' }).end();
    },
    '/loop': (_request, response) => {
      response.writeHead(302, { location: '/loop' }).end();
    },
    '/no-location': (_request, response) => {
      response.writeHead(302).end();
    },
    '/cross-origin': (_request, response) => {
      response.writeHead(302, { location: `http://other.test:${server.port}/echo-headers` }).end();
    },
    '/to-denied': (_request, response) => {
      response.writeHead(302, { location: `http://blocked.test:${server.port}/json` }).end();
    },
    '/echo-headers': (request, response) => {
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(request.headers));
    },
    '/long': (_request, response) => {
      response
        .writeHead(200, { 'content-type': 'text/plain; charset=utf-8' })
        .end(`${'0123456789'.repeat(30)}😀end`);
    },
    '/gone': (_request, response) => {
      response.writeHead(410, 'Gone', { 'content-type': 'text/plain' }).end('gone');
    },
    '/boom': (_request, response) => {
      response.writeHead(503, { 'content-type': 'text/plain' }).end('down');
    },
    // Node's server refuses control characters in a reason phrase; a hostile one writes it raw,
    // and Node's client takes it (up to the 16 KiB header limit).
    '/escape': (_request, response) => {
      response.socket?.end(
        `HTTP/1.1 404 \u001b]52;c;ZXZpbA==\u0007\u001b[2JNot Found${'!'.repeat(5000)}\r\ncontent-length: 0\r\n\r\n`,
      );
    },
  });
});

afterAll(async () => {
  await server.close();
});

// The test server lives on 127.0.0.1; the names below all point there.
const localLookup: LookupFunction = async () => [{ address: '127.0.0.1', family: 4 }];

function localTool(options: WebFetchToolOptions = {}): ReturnType<typeof createWebFetchTool> {
  return createWebFetchTool({ allowPrivateNetwork: true, lookup: localLookup, ...options });
}

async function failure(
  tool: ReturnType<typeof createWebFetchTool>,
  args: WebFetchArgs,
  signal?: AbortSignal,
): Promise<unknown> {
  try {
    await tool.execute(args, context(signal));
  } catch (error) {
    return error;
  }
  throw new Error(`expected ${args.url} to fail`);
}

describe('web fetch against a real server', () => {
  const tool = localTool();

  afterAll(async () => {
    await tool.close?.();
  });

  it('turns HTML into markdown with the title, absolute links and a table', async () => {
    const result = await tool.execute({ url: `${server.origin}/page` }, context());
    expect(result).toMatchObject({
      url: `${server.origin}/page`,
      status: 200,
      contentType: 'text/html',
      title: 'Moon facts',
      startIndex: 0,
    });
    expect(result.content).toBe(
      [
        '# The Moon',
        '',
        `The Moon orbits [Earth](${server.origin}/earth) every **27.3 days**.`,
        '',
        '| Body | Radius (km) |',
        '| --- | --- |',
        '| Moon | 1737 |',
        '',
        `![The full Moon](${server.origin}/moon.png) inline`,
        '',
        'click',
      ].join('\n'),
    );
    expect(result.totalChars).toBe(result.content.length);
    expect(result.nextStartIndex).toBeUndefined();
  });

  it('converts concurrent pages through a one-worker pool, each whole', async () => {
    const pooled = localTool({ maxConversionWorkers: 1 });
    try {
      const results = await Promise.all(
        [1, 2, 3, 4].map(() => pooled.execute({ url: `${server.origin}/page` }, context())),
      );
      expect(results.map((result) => result.title)).toEqual(Array(4).fill('Moon facts'));
    } finally {
      await pooled.close?.();
    }
  });

  it('returns the HTML source with format raw', async () => {
    const result = await tool.execute({ url: `${server.origin}/page`, format: 'raw' }, context());
    expect(result.content).toBe(PAGE);
    expect(result.title).toBeUndefined();
  });

  it('decompresses gzip', async () => {
    const result = await tool.execute({ url: `${server.origin}/gzip-page` }, context());
    expect(result.title).toBe('Moon facts');
    expect(result.content).toContain('# The Moon');
  });

  it('passes JSON and JSON-based types through unchanged', async () => {
    const json = await tool.execute({ url: `${server.origin}/json` }, context());
    expect(json).toEqual({
      url: `${server.origin}/json`,
      status: 200,
      contentType: 'application/json',
      content: '{"answer": 42, "list": [1, 2]}',
      startIndex: 0,
      totalChars: 30,
    });
    const ld = await tool.execute({ url: `${server.origin}/ld-json` }, context());
    expect(ld.content).toBe('{"@type":"Thing"}');
  });

  it('decodes the charset from the header or from a meta tag', async () => {
    expect((await tool.execute({ url: `${server.origin}/latin1` }, context())).content).toBe(
      'café',
    );
    const meta = await tool.execute({ url: `${server.origin}/meta-charset` }, context());
    expect(meta.content).toBe('5 €');
  });

  it('reads a body without a content type as text', async () => {
    const result = await tool.execute({ url: `${server.origin}/no-type` }, context());
    expect(result).toMatchObject({ contentType: 'text/plain', content: 'plain words' });
  });

  it('refuses a disallowed content type without reading it', async () => {
    const error = (await failure(tool, { url: `${server.origin}/image` })) as WebFetchError;
    expect(WebFetchError.isInstance(error)).toBe(true);
    expect(error.reason).toBe('content-type');
    expect(error.message).toMatch(
      /\/image is image\/png, which this tool does not read\. It reads: text\/html, /,
    );
  });

  it('refuses binary data labelled as text', async () => {
    const error = (await failure(tool, {
      url: `${server.origin}/binary-as-text`,
    })) as WebFetchError;
    expect(error.message).toBe(
      `${server.origin}/binary-as-text is labelled text/plain but holds binary data, which this tool cannot show.`,
    );
  });

  it('honours a custom content type list', async () => {
    const jsonOnly = localTool({ allowedContentTypes: ['application/json'] });
    expect(
      ((await failure(jsonOnly, { url: `${server.origin}/page` })) as WebFetchError).reason,
    ).toBe('content-type');
    expect((await jsonOnly.execute({ url: `${server.origin}/json` }, context())).status).toBe(200);
  });

  it('stops reading an oversize body at the byte limit and closes the connection', async () => {
    const small = localTool({ maxBytes: 100_000, maxChars: 200_000 });
    const result = await small.execute({ url: `${server.origin}/big` }, context());
    expect(result.content).toHaveLength(100_000);
    expect(result.note).toBe(
      'The response was larger than 100000 bytes; only the first 100000 bytes were read, so the text ends early.',
    );
    const outcome = await server.closed('/big');
    expect(outcome.finished).toBe(false);
    expect(server.bytesWritten.get('/big')).toBeLessThan(10_000_000);
  });

  it('does not call a body of exactly maxBytes cut', async () => {
    const exact = localTool({ maxBytes: 1000 });
    const result = await exact.execute({ url: `${server.origin}/exact` }, context());
    expect(result.content).toHaveLength(1000);
    expect(result.note).toBeUndefined();
  });

  it('caps a decompression bomb at the byte limit', async () => {
    const small = localTool({ maxBytes: 1_000_000, maxChars: 2_000_000 });
    const result = await small.execute({ url: `${server.origin}/bomb` }, context());
    expect(result.totalChars).toBe(1_000_000);
    expect(result.note).toContain('only the first 1000000 bytes were read');
  });

  it('pages long text without splitting a character', async () => {
    const first = await tool.execute({ url: `${server.origin}/long`, maxChars: 301 }, context());
    // Character 300 starts a surrogate pair, so the page ends before it.
    expect(first.content).toHaveLength(300);
    expect(first.nextStartIndex).toBe(300);
    expect(first.note).toBe(
      'Showing characters 0 to 300 of 305; call again with startIndex 300 to read on.',
    );
    const second = await tool.execute(
      { url: `${server.origin}/long`, startIndex: 300, maxChars: 301 },
      context(),
    );
    expect(second.content).toBe('😀end');
    expect(second.nextStartIndex).toBeUndefined();
    const past = await tool.execute({ url: `${server.origin}/long`, startIndex: 999 }, context());
    expect(past.content).toBe('');
    expect(past.note).toBe('startIndex 999 is past the end of the text (305 characters).');
  });

  it('starts at the next character when startIndex falls inside one', async () => {
    // Character 301 is the second half of "😀": on its own it is not text (a lone surrogate).
    const inside = await tool.execute({ url: `${server.origin}/long`, startIndex: 301 }, context());
    expect(inside).toMatchObject({ content: 'end', startIndex: 302 });
  });

  it('follows redirects and reports the final URL and the chain', async () => {
    const result = await tool.execute({ url: `${server.origin}/r1` }, context());
    expect(result.url).toBe(`${server.origin}/json`);
    expect(result.redirects).toEqual([
      `${server.origin}/r2`,
      `${server.origin}/r3`,
      `${server.origin}/json`,
    ]);
  });

  it('stops after maxRedirects', async () => {
    const strict = localTool({ maxRedirects: 2 });
    const error = (await failure(strict, { url: `${server.origin}/r1` })) as WebFetchError;
    expect(error.reason).toBe('redirect');
    expect(error.message).toBe(
      `Stopped after 2 redirects (${server.origin}/r1 -> ${server.origin}/r2 -> ${server.origin}/r3). The site may be redirecting in a loop; try the final URL directly or another source.`,
    );
    const before = server.requests.filter((request) => request.path === '/loop').length;
    const loop = (await failure(tool, { url: `${server.origin}/loop` })) as WebFetchError;
    expect(loop.reason).toBe('redirect');
    expect(server.requests.filter((request) => request.path === '/loop').length - before).toBe(6);
  });

  it('reports a redirect without a Location', async () => {
    const error = (await failure(tool, { url: `${server.origin}/no-location` })) as WebFetchError;
    expect(error.message).toBe(
      `${server.origin}/no-location answered 302 (a redirect) without a Location header, so there is nothing to follow.`,
    );
  });

  it('applies the host lists to redirects', async () => {
    const guarded = localTool({ deniedHosts: ['blocked.test'] });
    const error = (await failure(guarded, { url: `${server.origin}/to-denied` })) as WebFetchError;
    expect(error.reason).toBe('host-not-allowed');
    expect(error.message).toBe(
      'Fetching from blocked.test is not allowed. Use a different source.',
    );
    const allowList = localTool({ allowedHosts: ['127.0.0.1'] });
    expect(
      ((await failure(allowList, { url: `${server.origin}/to-denied` })) as WebFetchError).reason,
    ).toBe('host-not-allowed');
  });

  it('sends extra headers to the first origin only', async () => {
    const withHeaders = localTool({ headers: { 'x-api-key': 'secret-value' } });
    const direct = await withHeaders.execute({ url: `${server.origin}/echo-headers` }, context());
    expect(JSON.parse(direct.content)).toMatchObject({ 'x-api-key': 'secret-value' });
    const redirected = await withHeaders.execute(
      { url: `${server.origin}/cross-origin` },
      context(),
    );
    expect(redirected.url).toBe(`http://other.test:${server.port}/echo-headers`);
    const seen = JSON.parse(redirected.content) as Record<string, string>;
    expect(seen['x-api-key']).toBeUndefined();
    expect(seen['host']).toBe(`other.test:${server.port}`);
    expect(seen['user-agent']).toBe('Mozilla/5.0 (compatible; gemloop-web-fetch/0.1)');
  });

  it('connects to the address it checked and resolves each host once', async () => {
    let calls = 0;
    // A rebinding resolver: public-safe first, internal afterwards. Only the first answer counts.
    const rebinding: LookupFunction = async () => {
      calls++;
      return calls === 1
        ? [{ address: '127.0.0.1', family: 4 }]
        : [{ address: '10.9.9.9', family: 4 }];
    };
    const pinned = createWebFetchTool({ allowedAddressRanges: ['127.0.0.1'], lookup: rebinding });
    const result = await pinned.execute(
      { url: `http://rebind.test:${server.port}/json` },
      context(),
    );
    expect(result.content).toContain('"answer": 42');
    expect(calls).toBe(1);
  });

  it('reports HTTP errors with the status', async () => {
    const gone = (await failure(tool, { url: `${server.origin}/gone` })) as WebFetchError;
    expect(gone).toMatchObject({ reason: 'http-status', status: 410 });
    expect(gone.message).toBe(
      `${server.origin}/gone answered HTTP 410 Gone. The page does not exist; check the URL or search for the current address.`,
    );
    const down = (await failure(tool, { url: `${server.origin}/boom` })) as WebFetchError;
    expect(down.message).toContain('answered HTTP 503 Service Unavailable. The server failed');
  });

  it("shows a server's reason phrase without its control characters, and cut short", async () => {
    // The message reaches logs and terminals: an escape sequence there could clear the screen or
    // set the clipboard (OSC 52), and 16 KiB of text would bury the advice after it.
    const error = (await failure(tool, { url: `${server.origin}/escape` })) as WebFetchError;
    expect(error.status).toBe(404);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters
    expect(error.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(error.message).toContain(
      'answered HTTP 404 \\u001b]52;c;ZXZpbA==\\u0007\\u001b[2JNot Found!!',
    );
    expect(error.message).toMatch(/!…\. The page does not exist/);
    expect(error.message.length).toBeLessThan(400);
  });

  it('reports a refused connection', async () => {
    const closed = await startTestServer({});
    const origin = closed.origin;
    await closed.close();
    const error = (await failure(tool, { url: `${origin}/x` })) as WebFetchError;
    expect(error.reason).toBe('network');
    expect(error.message).toMatch(
      /^Could not get a response from 127\.0\.0\.1:\d+: the connection was refused\./,
    );
  });

  it('times out a server that never answers', async () => {
    // The 300 ms in fake time, moved once the server has the request, where a real stopwatch
    // (`< 3000` ms) judged a real limit: exactly 300 ms ends the call, 299 do not.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const quick = localTool({ timeoutMs: 300 });
      const hung = () => server.requests.filter((request) => request.path === '/hang').length;
      const before = hung();
      let settled = false;
      const call = failure(quick, { url: `${server.origin}/hang` }).finally(() => {
        settled = true;
      });
      // Turn by turn (setImmediate is real): vi.waitFor would move the fake clock as it polls.
      while (hung() === before) await new Promise((resolve) => setImmediate(resolve));
      await vi.advanceTimersByTimeAsync(299);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      const error = (await call) as WebFetchError;
      expect(error.reason).toBe('timeout');
      expect(error.message).toBe(
        `Fetching ${server.origin}/hang took longer than 300 ms and was stopped. The site may be slow; try again later or use another source.`,
      );
    } finally {
      vi.useRealTimers();
    }
  });

  it('times out a body that stalls', async () => {
    // The 300 ms in fake time, moved once the server has the request (its headers and first bytes
    // are written as it comes): in real time they also covered the connect and the request, which
    // at load 20 can take that long, and the limit then never reached the stalled body.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let error: WebFetchError;
    try {
      const quick = localTool({ timeoutMs: 300 });
      const stalled = () => server.requests.filter((request) => request.path === '/slow-body');
      const before = stalled().length;
      const call = failure(quick, { url: `${server.origin}/slow-body` });
      // Turn by turn (setImmediate is real): vi.waitFor would move the fake clock as it polls.
      while (stalled().length === before) await new Promise((resolve) => setImmediate(resolve));
      await vi.advanceTimersByTimeAsync(300);
      error = (await call) as WebFetchError;
    } finally {
      vi.useRealTimers();
    }
    expect(error.reason).toBe('timeout');
    expect((await server.closed('/slow-body')).finished).toBe(false);
  });

  it('blames the conversion, not the site, when the HTML is what ran out of time', async () => {
    // The 300 ms run in fake time, moved once the conversion has begun: in real time they also
    // covered the fetch, which at load 20 took longer and was blamed instead. One worker: a
    // conversion after the time-out gets a thread only once the stopped one has exited, which
    // proves the conversion (minutes long for this page) was stopped, where a stopwatch
    // (`< 5000` ms, in a test of its own) judged it before.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const converter = createHtmlConverter({ maxMemoryMb: 512, maxWorkers: 1 });
    let begin = () => {};
    const begun = new Promise<void>((resolve) => (begin = resolve));
    try {
      const settings: WebFetchSettings = {
        allowedHosts: undefined,
        deniedHosts: undefined,
        addressPolicy: { allowPrivateNetwork: true, allowedRanges: [] },
        maxRedirects: 5,
        timeoutMs: 300,
        maxBytes: 2_000_000,
        maxChars: 20_000,
        allowedContentTypes: ['text/html'],
        userAgent: 'test',
        headers: {},
        allowInsecureHttp: false,
        lookup: localLookup,
        converter: async () => ({
          ...converter,
          convert: (options) => {
            begin();
            return converter.convert(options);
          },
        }),
      };
      const args = { url: `${server.origin}/nested` };
      const signal = new AbortController().signal;
      const call = runWebFetch({ args, settings, signal }).catch((caught: unknown) => caught);
      await begun;
      await vi.advanceTimersByTimeAsync(300);
      const error = (await call) as WebFetchError;
      expect(error).toMatchObject({ reason: 'timeout', url: `${server.origin}/nested` });
      expect(error.message).toBe(
        `The page ${server.origin}/nested arrived, but turning its HTML into text took longer than 300 ms (it may be huge or deeply nested) and was stopped. Call again with format "raw" to get the HTML source, or use another source.`,
      );
      const next = await converter.convert({ html: '<p>next</p>', url: server.origin, signal });
      expect(next.markdown).toBe('next');
    } finally {
      vi.useRealTimers();
      await converter.close();
    }
  });

  it('aborts a pending fetch when the agent aborts', async () => {
    const controller = new AbortController();
    const reason = new Error('run aborted');
    setTimeout(() => controller.abort(reason), 50);
    const error = await failure(tool, { url: `${server.origin}/hang` }, controller.signal);
    expect(error).toBe(reason);
    expect((await server.closed('/hang')).finished).toBe(false);
  });

  it('fails at once when already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('already'));
    const before = server.requests.length;
    expect(await failure(tool, { url: `${server.origin}/json` }, controller.signal)).toMatchObject({
      message: 'already',
    });
    expect(server.requests.length).toBe(before);
  });
});
