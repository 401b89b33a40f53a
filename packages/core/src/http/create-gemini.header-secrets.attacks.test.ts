import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ApiCallError } from '../errors/api-call-error.ts';
import { createLogger } from '../logging/create-logger.ts';
import type { AuthStyle } from '../shared/credential-style.ts';
import { TEST_KEY, textResponse } from './__fixtures__/test-server.ts';
import { createGemini } from './create-gemini.ts';

// Credentials can reach the client through the `headers` option as well as `apiKey`: the other
// auth header (Authorization in key mode, x-goog-api-key in bearer mode), a gateway's x-api-key,
// a cookie, a token. They must be kept out of errors and logs like the key is. And at trace level
// a gateway that echoes a credential in a 2xx body must not get it written to the log.

const request = { model: 'gemini-2.5-flash', contents: 'Hi' };

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'trace', destination }) };
}

function renderings(error: unknown): Record<string, string> {
  return {
    'util.inspect': inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    'JSON.stringify': JSON.stringify(error),
    message: String((error as Error).message),
    stack: String((error as Error).stack),
  };
}

const GATEWAY_TOKEN = 'gw-9f8e7d6c5b4a-credential';
const OTHER_KEY = 'AIzaOTHER-header-key-000111222';
const COOKIE_VALUE = 'session-7c1d2e3f4a5b6c7d';

/** Per auth style: extra headers that carry credentials, and the secret values among them. */
const cases: [AuthStyle, Record<string, string>, string[]][] = [
  ['x-goog-api-key', { authorization: `Bearer ${GATEWAY_TOKEN}` }, [GATEWAY_TOKEN]],
  ['bearer', { 'x-goog-api-key': OTHER_KEY }, [OTHER_KEY]],
  [
    'x-goog-api-key',
    { 'x-api-key': GATEWAY_TOKEN, cookie: `sid=${COOKIE_VALUE}`, 'x-auth-token': OTHER_KEY },
    [GATEWAY_TOKEN, COOKIE_VALUE, OTHER_KEY],
  ],
];

describe('credentials passed in the headers option', () => {
  for (const [auth, headers, secrets] of cases) {
    const names = Object.keys(headers).join(', ');
    it(`stay out of errors and logs when fetch quotes the request headers (${auth}; ${names})`, async () => {
      const { lines, logger } = capture();
      const gemini = createGemini({
        apiKey: TEST_KEY,
        auth,
        headers,
        logger,
        retry: false,
        fetch: ((_url: string, init: RequestInit) =>
          Promise.reject(
            new TypeError(`fetch failed; sent ${JSON.stringify(init.headers)}`, {
              cause: { sent: JSON.stringify(init.headers) },
            }),
          )) as never,
      });
      const error = await gemini.generateContent(request).catch((caught: unknown) => caught);
      expect(ApiCallError.isInstance(error)).toBe(true);
      for (const secret of [TEST_KEY, ...secrets]) {
        for (const [how, text] of Object.entries(renderings(error))) {
          expect(text, how).not.toContain(secret);
        }
        expect(lines.join('\n'), 'log').not.toContain(secret);
      }
      expect((error as Error).message).toContain('[redacted]');
    });
  }

  it('stay out of errors when passed per call', async () => {
    const gemini = createGemini({
      apiKey: TEST_KEY,
      retry: false,
      fetch: ((_url: string, init: RequestInit) =>
        Promise.reject(
          new TypeError(`fetch failed; sent ${JSON.stringify(init.headers)}`),
        )) as never,
    });
    const error = await gemini
      .generateContent(request, { headers: { 'x-api-key': GATEWAY_TOKEN } })
      .catch((caught: unknown) => caught);
    for (const text of Object.values(renderings(error))) expect(text).not.toContain(GATEWAY_TOKEN);
  });

  it('are still sent as given', async () => {
    const sent: Record<string, string>[] = [];
    const gemini = createGemini({
      apiKey: TEST_KEY,
      headers: { 'x-api-key': GATEWAY_TOKEN },
      fetch: ((_url: string, init: RequestInit) => {
        sent.push(init.headers as Record<string, string>);
        return Promise.resolve(Response.json(textResponse('ok')));
      }) as never,
    });
    await gemini.generateContent(request);
    expect(sent[0]?.['x-api-key']).toBe(GATEWAY_TOKEN);
    expect(sent[0]?.['x-goog-api-key']).toBe(TEST_KEY);
  });
});

describe('bodies logged at trace level', () => {
  it('have an echoed key and header credential redacted, unary and streamed', async () => {
    const { lines, logger } = capture();
    const echo = `echo ${TEST_KEY} ${GATEWAY_TOKEN}`;
    const gemini = createGemini({
      apiKey: TEST_KEY,
      headers: { 'x-api-key': GATEWAY_TOKEN },
      logger,
      fetch: ((url: string) => {
        if (url.includes('alt=sse')) {
          const event = `data: ${JSON.stringify(textResponse(echo))}\r\n\r\n`;
          return Promise.resolve(
            new Response(event, { headers: { 'content-type': 'text/event-stream' } }),
          );
        }
        return Promise.resolve(Response.json(textResponse(echo)));
      }) as never,
    });
    const unary = await gemini.generateContent({ model: 'gemini-2.5-flash', contents: echo });
    // What the caller gets is the server's answer, untouched: only the log is redacted.
    expect(JSON.stringify(unary)).toContain(TEST_KEY);
    for await (const _ of gemini.streamGenerateContent(request)) {
      // read to the end
    }
    const bodies = lines.filter((line) => line.includes('body'));
    expect(bodies.length).toBeGreaterThanOrEqual(4);
    for (const line of lines) {
      expect(line).not.toContain(TEST_KEY);
      expect(line).not.toContain(GATEWAY_TOKEN);
    }
    expect(bodies.join('\n')).toContain('echo [redacted] [redacted]');
  });
});
