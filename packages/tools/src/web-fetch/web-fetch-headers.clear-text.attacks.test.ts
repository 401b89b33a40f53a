import { InvalidArgumentError, type ToolExecuteContext } from '@gemloop/core';
import { silentLogger } from '@gemloop/core/logging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from './__fixtures__/test-server.ts';
import { startTestServer } from './__fixtures__/test-server.ts';
import type { WebFetchToolOptions } from './create-web-fetch-tool.ts';
import { createWebFetchTool } from './create-web-fetch-tool.ts';
import type { LookupFunction } from './resolve-host.ts';
import { WebFetchError } from './web-fetch-error.ts';

// attack17: the web fetch tool's `headers` (an API key for the hosts it is meant for) went to
// the first URL the model asked for, plain http included: `http://intranet.example/...` carried
// the key in clear text. createGemini refuses to send its key so; the tool now does the same,
// with the same opt-in (allowInsecureHttp), and tells the model to use https.

function context(): ToolExecuteContext {
  const signal = new AbortController().signal;
  return { signal, toolCallId: 'call-1', step: 1, logger: silentLogger, contents: [] };
}

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    '/echo-headers': (request, response) => {
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(request.headers));
    },
  });
});

afterAll(async () => {
  await server.close();
});

// Every name below resolves to the test server on 127.0.0.1 (allowed by allowPrivateNetwork):
// what is checked is the URL's host name, as the model wrote it.
const lookup: LookupFunction = async () => [{ address: '127.0.0.1', family: 4 }];
const headers = { 'x-api-key': 'web-secret-key' };

function tool(options: WebFetchToolOptions = {}) {
  return createWebFetchTool({ allowPrivateNetwork: true, lookup, headers, ...options });
}

describe('the web fetch tool with headers, over plain http', () => {
  it('refuses a plain http URL on a host that is not loopback, sends nothing, and tells the model to use https', async () => {
    const before = server.requests.length;
    const error = await Promise.resolve(
      tool().execute({ url: `http://intranet.example:${server.port}/echo-headers` }, context()),
    ).catch((thrown: unknown) => thrown);
    expect(WebFetchError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'invalid-url' });
    const message = (error as Error).message;
    expect(message).toContain('https://');
    expect(message).toContain('allowInsecureHttp: true');
    expect(message).not.toContain('web-secret-key');
    expect(server.requests.length).toBe(before);
  });

  it('fetches loopback over http, and any host with allowInsecureHttp: true, headers included', async () => {
    for (const [options, url] of [
      [{}, `${server.origin}/echo-headers`],
      [{}, `http://localhost:${server.port}/echo-headers`],
      [{ allowInsecureHttp: true }, `http://intranet.example:${server.port}/echo-headers`],
    ] as const) {
      const result = await tool(options).execute({ url }, context());
      expect(JSON.parse(result.content)).toMatchObject(headers);
    }
  });

  it('fetches a plain http URL when no headers are set (nothing secret to send)', async () => {
    const result = await createWebFetchTool({ allowPrivateNetwork: true, lookup }).execute(
      { url: `http://intranet.example:${server.port}/echo-headers` },
      context(),
    );
    expect(JSON.parse(result.content)).not.toHaveProperty('x-api-key');
  });

  it('refuses an allowInsecureHttp that is not a boolean', () => {
    expect(() => tool({ allowInsecureHttp: 'yes' as unknown as boolean })).toThrow(
      expect.objectContaining({ argument: 'allowInsecureHttp' }),
    );
  });

  // Before, these were taken when the tool was made and failed on every call (null as a
  // TypeError from Object.keys, the rest as node:http's errors, the value of a header unchecked).
  it.each([
    ['null', null, 'headers'],
    ['a string', 'x-api-key: web-secret-key', 'headers'],
    ['a number value', { 'x-api-key': 42 }, 'headers.x-api-key'],
    ['a name with a space', { 'x api key': 'web-secret-key' }, 'headers.x'],
    [
      'a value with a line break',
      { 'x-api-key': 'web-secret-key\r\nx-admin: 1' },
      'headers.x-api-key',
    ],
  ])(
    'refuses headers that are %s when the tool is made, without the value',
    (_label, value, argument) => {
      let error: unknown;
      try {
        createWebFetchTool({ headers: value as never });
      } catch (thrown) {
        error = thrown;
      }
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ argument });
      expect((error as Error).message).not.toContain('web-secret-key');
    },
  );
});
