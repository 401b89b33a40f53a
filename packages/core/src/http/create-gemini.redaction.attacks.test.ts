import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ApiCallError } from '../errors/api-call-error.ts';
import { createLogger } from '../logging/create-logger.ts';
import { TEST_KEY } from './__fixtures__/test-server.ts';
import { createGemini } from './create-gemini.ts';

// Redaction must fail closed: whatever shape a custom fetch's error takes, the key may not show
// in any rendering of what the call throws, nor in the log line of the failed attempt. Before,
// the walk skipped symbol keys, Map, Set, URL and Request objects, and passed through anything
// past 12 levels or 10,000 nodes as it was.

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

/** Every way an error is turned into text, each named for the failure message. */
function renderings(error: unknown): Record<string, string> {
  let json: string;
  try {
    json = JSON.stringify(error);
  } catch (cause) {
    json = `JSON.stringify threw: ${String(cause)}`;
  }
  return {
    'util.inspect': inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    'util.inspect (defaults)': inspect(error),
    'JSON.stringify': json,
    message: String((error as Error).message),
    stack: String((error as Error).stack),
  };
}

function deepChain(depth: number, innermost: unknown): Error {
  let error: unknown = innermost;
  for (let level = 0; level < depth; level++) {
    error = new Error(`level ${level}`, { cause: error });
  }
  return error as Error;
}

type Init = RequestInit & { headers: Record<string, string> };

/** Each way a fetch implementation's rejection may hold the request headers (and so the key). */
const shapes: [string, (url: string, init: Init) => unknown][] = [
  [
    'under a symbol key',
    (_url, init) =>
      Object.assign(new TypeError('fetch failed'), { [Symbol('request')]: init.headers }),
  ],
  [
    'under a non-enumerable symbol key of its cause',
    (_url, init) => {
      const cause = new Error('socket hang up');
      Object.defineProperty(cause, Symbol.for('undici.request'), { value: { ...init.headers } });
      return new TypeError('fetch failed', { cause });
    },
  ],
  [
    'inside a Request object',
    (url, init) =>
      new TypeError('fetch failed', {
        cause: { request: new Request(url, { method: 'POST', headers: init.headers }) },
      }),
  ],
  ['15 causes deep', (_url, init) => deepChain(15, new Error(JSON.stringify(init.headers)))],
  ['40 causes deep', (_url, init) => deepChain(40, { headers: init.headers })],
  [
    'after 10,000 other nodes',
    (_url, init) =>
      new TypeError('fetch failed', {
        cause: {
          filler: Array.from({ length: 10_001 }, (_, index) => ({ index })),
          headers: init.headers,
        },
      }),
  ],
  [
    'in a Map',
    (_url, init) =>
      new TypeError('fetch failed', { cause: new Map([['headers', { ...init.headers }]]) }),
  ],
  [
    'as a Map key and in a Set',
    (_url, init) =>
      new TypeError('fetch failed', {
        cause: {
          map: new Map([[JSON.stringify(init.headers), 1]]),
          set: new Set([JSON.stringify(init.headers)]),
        },
      }),
  ],
  [
    'in a URL',
    (_url, init) =>
      new TypeError('fetch failed', {
        cause: {
          url: new URL(
            `https://proxy.test/?h=${encodeURIComponent(JSON.stringify(init.headers))}&k=${TEST_KEY}`,
          ),
        },
      }),
  ],
  [
    'in a Headers object',
    (_url, init) => new TypeError('fetch failed', { cause: new Headers(init.headers) }),
  ],
  [
    'behind getters',
    (_url, init) => {
      const cause: Record<string, unknown> = {};
      Object.defineProperty(cause, 'visible', {
        get: () => ({ ...init.headers }),
        enumerable: true,
      });
      Object.defineProperty(cause, 'hidden', { get: () => JSON.stringify(init.headers) });
      return new TypeError('fetch failed', { cause });
    },
  ],
  [
    'in a cyclic structure',
    (_url, init) => {
      const a: Record<string, unknown> = { name: 'a' };
      const b: Record<string, unknown> = { name: 'b', a, headers: { ...init.headers } };
      a['b'] = b;
      a['self'] = a;
      const error = new TypeError('fetch failed', { cause: a });
      b['error'] = error;
      return error;
    },
  ],
];

describe('the key stays out of what a hostile fetch rejection holds', () => {
  for (const auth of ['x-goog-api-key', 'bearer'] as const) {
    for (const [shape, make] of shapes) {
      it(`holds for the key ${shape} (${auth})`, async () => {
        const { lines, logger } = capture();
        const gemini = createGemini({
          apiKey: TEST_KEY,
          auth,
          retry: false,
          logger,
          fetch: ((url: string, init: Init) => Promise.reject(make(url, init))) as never,
        });
        const error = await gemini.generateContent(request).catch((caught: unknown) => caught);
        expect(ApiCallError.isInstance(error)).toBe(true);
        for (const [how, text] of Object.entries(renderings(error))) {
          expect(text, how).not.toContain(TEST_KEY);
        }
        const failed = lines.filter((line) => line.includes('attempt 1 failed'));
        expect(failed).toHaveLength(1);
        for (const line of lines) expect(line, 'log line').not.toContain(TEST_KEY);
      });
    }
  }
});
