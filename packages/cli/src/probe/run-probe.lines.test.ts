// Every probe line's verdicts beyond the one FAIL per mangling of run-probe.gateways.test.ts:
// each other branch of a line (another cause of FAIL, a SKIP, a PASS by another route) through
// the same gateway double in front of the probe's fake, with the exact detail the line prints.

import type { FakeGemini } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startProbeFake } from '../__fixtures__/probe-fake.ts';
import {
  isObject,
  type Mangling,
  type ProxyExchange,
  startManglingProxy,
} from '../__fixtures__/start-mangling-proxy.ts';
import { PROBE_RATE_LIMIT_TEXT } from './probe-errors.ts';
import type { ProbePropertyId, ProbeReport } from './probe-types.ts';
import { PROBE_ADVICE_VARIANTS, PROBE_WORKAROUNDS } from './probe-workarounds.ts';
import { runProbe } from './run-probe.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function probeThrough(mangling: Mangling): Promise<ProbeReport> {
  const fake: FakeGemini & { baseUrl: string } = await startProbeFake();
  const proxy = await startManglingProxy(fake.baseUrl, mangling);
  closers.push(proxy.close, () => fake.close());
  return runProbe({ baseUrl: proxy.url, apiKey: 'probe-key-0002' });
}

/** The user text of the exchange's first message: which of the probe's checks it is. */
function askedFor(exchange: ProxyExchange): string {
  const body = exchange.body;
  if (!isObject(body) || !Array.isArray(body['contents'])) return '';
  return JSON.stringify(body['contents'][0] ?? '');
}

const isParallel = (exchange: ProxyExchange) => askedFor(exchange).includes('Paris and in Oslo');
const isSingleCall = (exchange: ProxyExchange) =>
  askedFor(exchange).includes('Use the get_weather tool') &&
  !JSON.stringify(exchange.body).includes('functionResponse');
const isSignedReturn = (exchange: ProxyExchange) =>
  JSON.stringify(exchange.body).includes('functionResponse');
const isRateLimit = (exchange: ProxyExchange) =>
  JSON.stringify(exchange.body).includes(PROBE_RATE_LIMIT_TEXT);

const googleError = (code: number, status: string, message: string) =>
  JSON.stringify({ error: { code, message, status } });

/** Each candidate's parts, changed by `change` (a copy). */
function mapParts(value: unknown, change: (parts: Record<string, unknown>[]) => unknown[]) {
  if (!isObject(value) || !Array.isArray(value['candidates'])) return value;
  const copy = structuredClone(value) as {
    candidates: { content?: { parts?: Record<string, unknown>[] } }[];
  };
  for (const candidate of copy.candidates) {
    if (candidate.content?.parts !== undefined)
      candidate.content.parts = change(candidate.content.parts) as Record<string, unknown>[];
  }
  return copy;
}

type Case = {
  name: string;
  mangling: Mangling;
  /** The exact lines that FAIL. */
  fails: ProbePropertyId[];
  /** `status: detail` of some lines. */
  lines: Partial<Record<ProbePropertyId, RegExp>>;
  /** The advice printed under a failing line, when it is not the line's default. */
  advice?: [ProbePropertyId, string];
};

const CASES: Case[] = [
  {
    name: 'parallel calls collapsed into one call',
    mangling: {
      response: (value, exchange) =>
        isParallel(exchange)
          ? mapParts(value, (parts) => parts.filter((part) => 'functionCall' in part).slice(0, 1))
          : value,
    },
    fails: ['parallel-calls'],
    lines: { 'parallel-calls': /^fail: 1 call\(s\) in the turn, expected 2$/ },
  },
  {
    name: 'parallel calls given one shared id',
    mangling: {
      response: (value, exchange) =>
        isParallel(exchange)
          ? mapParts(value, (parts) =>
              parts.map((part) =>
                isObject(part['functionCall'])
                  ? { ...part, functionCall: { ...part['functionCall'], id: 'same' } }
                  : part,
              ),
            )
          : value,
    },
    fails: ['parallel-calls'],
    lines: { 'parallel-calls': /^fail: two calls share an id: same, same$/ },
  },
  {
    name: 'the parallel request refused',
    mangling: {
      answer: (answer, exchange) =>
        isParallel(exchange)
          ? { ...answer, status: 500, text: googleError(500, 'INTERNAL', 'gateway broke') }
          : answer,
    },
    fails: ['parallel-calls'],
    lines: { 'parallel-calls': /^fail: 500 gateway broke$/ },
  },
  {
    name: 'the forced function call answered with text',
    mangling: {
      response: (value, exchange) =>
        isSingleCall(exchange) ? mapParts(value, () => [{ text: 'Sunny, I think.' }]) : value,
    },
    fails: ['function-call-ids'],
    lines: {
      'function-call-ids': /^fail: no function call came back: 200$/,
      'thought-signature-round-trip': /^skip: no function call to send back/,
    },
  },
  {
    name: 'the signed turn refused when sent back',
    mangling: {
      answer: (answer, exchange) =>
        isSignedReturn(exchange)
          ? {
              ...answer,
              status: 400,
              text: googleError(400, 'INVALID_ARGUMENT', 'Function call is missing a signature.'),
            }
          : answer,
    },
    fails: ['thought-signature-round-trip'],
    lines: {
      'thought-signature-round-trip':
        /^fail: the call came back signed, but sending the signed turn back failed: 400 Function call is missing a signature\.$/,
    },
    advice: [
      'thought-signature-round-trip',
      PROBE_ADVICE_VARIANTS['thought-signature-round-trip/refused-on-return'],
    ],
  },
  {
    name: 'the 429 with Retry-After instead of RetryInfo',
    mangling: {
      answer: (answer, exchange) =>
        isRateLimit(exchange)
          ? {
              status: 429,
              headers: { 'content-type': 'application/json', 'retry-after': '9' },
              text: googleError(429, 'RESOURCE_EXHAUSTED', 'Slow down.'),
            }
          : answer,
    },
    fails: [],
    lines: { 'retry-info': /^pass: no RetryInfo, but Retry-After: 9 \(gemloop honours it\)$/ },
  },
  {
    name: 'the rate-limit request answered normally',
    mangling: {
      // The gateway rewrites the prompt, so the fake has no reason to answer 429.
      request: (body, exchange) =>
        isRateLimit(exchange)
          ? JSON.parse(JSON.stringify(body).replace(PROBE_RATE_LIMIT_TEXT, 'Reply with OK.'))
          : body,
    },
    fails: [],
    lines: {
      'retry-info': /^skip: the server did not answer 429 \(got 200\); RetryInfo not checked$/,
    },
  },
  {
    name: 'the 429 in plain text',
    mangling: {
      answer: (answer, exchange) =>
        isRateLimit(exchange)
          ? { status: 429, headers: { 'content-type': 'text/plain' }, text: 'Too many requests' }
          : answer,
    },
    fails: [],
    lines: { 'retry-info': /^skip: the 429 body is not a Google error body \(see error-body\)$/ },
  },
  {
    name: "an unknown model's 404 without Google's error object",
    mangling: {
      answer: (answer) =>
        answer.status === 404 ? { ...answer, text: '{"message":"model not found"}' } : answer,
    },
    fails: ['error-body'],
    lines: {
      'error-body': /^fail: 404 without an "error" object: \{"message":"model not found"\}$/,
    },
  },
  {
    name: "an unknown model's 404 as HTML",
    mangling: {
      answer: (answer) =>
        answer.status === 404
          ? { status: 404, headers: { 'content-type': 'text/html' }, text: '<h1>Not Found</h1>' }
          : answer,
    },
    fails: ['error-body'],
    lines: { 'error-body': /^fail: 404 with a body that is not JSON: "<h1>Not Found<\/h1>"$/ },
  },
  {
    name: 'the JSON-schema and instruction requests refused',
    mangling: {
      answer: (answer, exchange) => {
        const body = JSON.stringify(exchange.body);
        return body.includes('responseJsonSchema') || body.includes('systemInstruction')
          ? { ...answer, status: 400, text: googleError(400, 'INVALID_ARGUMENT', 'Unknown field.') }
          : answer;
      },
    },
    fails: ['json-schema', 'system-instruction'],
    lines: {
      'json-schema': /^fail: 400 Unknown field\.$/,
      'system-instruction': /^fail: 400 Unknown field\.$/,
    },
  },
  {
    name: 'the search request refused',
    mangling: {
      answer: (answer, exchange) =>
        JSON.stringify(exchange.body).includes('googleSearch')
          ? { ...answer, status: 400, text: googleError(400, 'INVALID_ARGUMENT', 'No search.') }
          : answer,
    },
    fails: ['search-with-functions'],
    lines: { 'search-with-functions': /^fail: 400 No search\.$/ },
  },
  {
    name: 'every finishReason removed',
    mangling: {
      response: (value) => {
        if (!isObject(value) || !Array.isArray(value['candidates'])) return value;
        const copy = structuredClone(value) as { candidates: Record<string, unknown>[] };
        for (const candidate of copy.candidates) delete candidate['finishReason'];
        return copy;
      },
    },
    fails: [],
    lines: { 'finish-reasons': /^skip: no answer carried a finishReason$/ },
  },
  {
    name: 'the connection dropped on the x-goog-api-key request',
    mangling: {
      raw: (response, exchange) => {
        if (exchange.headers['x-goog-api-key'] === undefined) return false;
        response.destroy();
        return true;
      },
    },
    // Every later check goes with Bearer, the header that works.
    fails: ['auth-x-goog-api-key'],
    lines: { 'auth-x-goog-api-key': /^fail: no answer \(/, 'auth-bearer': /^pass: accepted$/ },
  },
  {
    name: 'both auth headers refused',
    mangling: {
      answer: (answer) => ({
        ...answer,
        status: 401,
        text: googleError(401, 'UNAUTHENTICATED', 'API key not valid.'),
      }),
    },
    fails: [
      'auth-x-goog-api-key',
      'auth-bearer',
      'alt-sse',
      'function-call-ids',
      'parallel-calls',
      'search-with-functions',
      'json-schema',
      'system-instruction',
    ],
    lines: {
      'auth-x-goog-api-key': /^fail: refused: 401 API key not valid\.$/,
      'auth-bearer': /^fail: refused: 401 API key not valid\.$/,
      'usage-fields': /^skip: no accepted call to read usage from/,
      'sse-framing': /^skip: no SSE stream to check/,
      'retry-info': /^skip: the server did not answer 429 \(got 401\)/,
      // A 401 in Google's shape is a well-formed error body.
      'error-body': /^pass: 401 UNAUTHENTICATED$/,
    },
  },
];

describe('every branch of every probe line, behind a gateway double', () => {
  for (const entry of CASES) {
    it(`${entry.name}: fails ${entry.fails.join(', ') || 'nothing'}`, async () => {
      const report = await probeThrough(entry.mangling);
      const failed = report.records.filter((record) => record.status === 'fail');
      expect(failed.map((record) => record.id)).toEqual(entry.fails);
      expect(report.ok).toBe(entry.fails.length === 0);
      for (const [id, verdict] of Object.entries(entry.lines)) {
        const line = report.records.find((record) => record.id === id);
        expect(`${line?.status}: ${line?.detail}`).toMatch(verdict);
      }
      for (const line of failed) {
        const expected =
          entry.advice?.[0] === line.id ? entry.advice[1] : PROBE_WORKAROUNDS[line.id];
        expect(line.workaround).toBe(expected);
      }
      // Only a failing line carries advice.
      for (const line of report.records.filter((record) => record.status !== 'fail'))
        expect(line.workaround).toBeUndefined();
    });
  }
});
