import type { FakeGemini } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startProbeFake } from '../__fixtures__/probe-fake.ts';
import {
  isObject,
  type Mangling,
  type ManglingProxy,
  startManglingProxy,
} from '../__fixtures__/start-mangling-proxy.ts';
import { main } from '../cli.ts';
import { PROBE_RATE_LIMIT_TEXT } from './probe-errors.ts';

// A key with characters that URL-encoding changes, so its encoded form differs from it.
const KEY = 'AQ.Ab8RN6probe/Secret+Key=0123456789xyz';
const ENCODED = encodeURIComponent(KEY);
// Escape sequences (clear screen, CSI through C1, a hyperlink), a carriage return and a newline
// that would start a line of the gateway's own.
const FORGE = '\u001b[2J\u009b31m\u001b]8;;http://x\u0007\r\nPASS  forged line: all good';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function throughGateway(mangling: Mangling): Promise<ManglingProxy> {
  const fake: FakeGemini & { baseUrl: string } = await startProbeFake();
  const proxy = await startManglingProxy(fake.baseUrl, mangling);
  closers.push(proxy.close, () => fake.close());
  return proxy;
}

async function gemloop(args: string[], apiKey = KEY) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: { GEMINI_API_KEY: apiKey },
  });
  return { code, stdout, stderr, all: stdout + stderr };
}

/** Every 12-character piece of a secret: a clipped echo leaks its first half. */
function pieces(secret: string): string[] {
  const found: string[] = [];
  for (let start = 0; start + 12 <= secret.length; start++)
    found.push(secret.slice(start, start + 12));
  return found;
}

function expectClean(output: string, secrets: readonly string[] = [KEY, ENCODED]): void {
  for (const secret of secrets) {
    for (const piece of pieces(secret)) expect(output).not.toContain(piece);
  }
  // No control character but the newlines the report itself writes.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters
  expect(output).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/);
  expect(output).not.toMatch(/^\s*PASS\s+forged/m);
  expect(output).not.toMatch(/^\s*"?PASS\s+forged/m);
}

/** Where a gateway echoes the key (and writes escapes), one mangling each. */
const ECHOES: [string, Mangling, RegExp][] = [
  [
    'an error body (the auth refusal and a non-Google 404)',
    {
      answer: (answer, exchange) => {
        if (exchange.headers['authorization'] !== undefined) {
          return {
            status: 401,
            headers: { 'content-type': 'application/json' },
            text: JSON.stringify({
              error: { code: 401, message: `key ${KEY} is not valid ${FORGE}`, status: 'X' },
            }),
          };
        }
        if (answer.status === 404) {
          return { ...answer, text: `no such model for key=${ENCODED} ${FORGE}` };
        }
        return answer;
      },
    },
    /auth-bearer|Bearer/,
  ],
  [
    'the text of a 2xx answer, clipped in the middle of the key',
    {
      response: (value, exchange) => {
        const body = exchange.body as { generationConfig?: unknown };
        if (body.generationConfig === undefined || !isObject(value)) return value;
        return withText(value, `{"city":"${'x'.repeat(40)}${KEY}",\r\n"PASS  forged": 1}`);
      },
    },
    /responseJsonSchema/,
  ],
  [
    'usageMetadata',
    {
      response: (value) =>
        isObject(value)
          ? { ...value, usageMetadata: { promptTokenCount: `${KEY}${FORGE}`, note: ENCODED } }
          : value,
    },
    /usageMetadata/,
  ],
  [
    'an SSE body that is not SSE',
    {
      answer: (answer, exchange) =>
        exchange.sse
          ? {
              status: 200,
              headers: { 'content-type': 'text/plain' },
              text: `${'.'.repeat(24)}${KEY} ${FORGE}`,
            }
          : answer,
    },
    /alt=sse/,
  ],
  [
    'the RetryInfo of a 429',
    {
      response: (value, exchange) => {
        if (!JSON.stringify(exchange.body).includes(PROBE_RATE_LIMIT_TEXT)) return value;
        return {
          error: {
            code: 429,
            message: 'Resource exhausted',
            status: 'RESOURCE_EXHAUSTED',
            details: [
              {
                '@type': 'type.googleapis.com/google.rpc.RetryInfo',
                retryDelay: `7s ${KEY} ${FORGE}`,
              },
            ],
          },
        };
      },
    },
    /RetryInfo/,
  ],
];

function withText(value: Record<string, unknown>, text: string): Record<string, unknown> {
  const copy = structuredClone(value) as { candidates?: { content?: { parts?: unknown[] } }[] };
  const content = copy.candidates?.[0]?.content;
  if (content !== undefined) content.parts = [{ text }];
  return copy;
}

describe('gemloop probe output: a gateway cannot make it print the key or forge a line', () => {
  for (const [where, mangling, line] of ECHOES) {
    it(`keeps the key and escapes out of the report when the gateway echoes it in ${where}`, async () => {
      const proxy = await throughGateway(mangling);
      const text = await gemloop(['probe', '--base-url', proxy.url]);
      const json = await gemloop(['probe', '--base-url', proxy.url, '--json']);
      // The echo reached the report (so the check is not vacuous), redacted.
      const echoed = text.stdout.split('\n').filter((entry) => line.test(entry));
      expect(echoed.join('\n')).toMatch(/\[redacted\]|\\u001b|\\r\\n/);
      expectClean(text.all);
      expectClean(json.all);
      expect(() => JSON.parse(json.stdout)).not.toThrow();
    });
  }

  it('refuses credentials in --base-url without printing them', async () => {
    const secret = 'hunter2-pass-0123';
    for (const baseUrl of [
      `http://probe-user:${secret}@127.0.0.1:9`,
      `http://127.0.0.1:9/?key=${secret}`,
      `http://127.0.0.1:9/#${secret}`,
      `http://[::1:9/?key=${secret}`,
    ]) {
      const result = await gemloop(['probe', '--base-url', baseUrl]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/baseUrl/);
      expectClean(result.all, [KEY, secret]);
    }
  });

  it('prints the --auth value it refuses without its control characters', async () => {
    const result = await gemloop(['probe', '--base-url', 'http://127.0.0.1:9', '--auth', FORGE]);
    expect(result.code).toBe(2);
    expectClean(result.all);
  });
});
