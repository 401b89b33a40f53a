import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { listFixtures, readFixtureText } from '../../__fixtures__/recorded-gemini.ts';
import { ApiCallError } from '../api-call-error.ts';
import { GemloopError } from '../gemloop-error.ts';
import { createApiCallError } from './create-api-call-error.ts';

const url =
  'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent';

function fixture(name: string): string {
  return readFixtureText(`errors/${name}`);
}

/** Which status each fixture is served with, and what the error must say and carry. */
type Expectation = {
  status: number;
  googleStatus: string;
  isRetryable: boolean;
  retryDelayMs?: number;
  isDailyQuota?: boolean;
  detailTypes?: string[];
  /** Fragments the message must contain. */
  says: (string | RegExp)[];
};

const expectations: Record<string, Expectation> = {
  '400-INVALID_ARGUMENT-API_KEY_INVALID.DOCS-EXAMPLE.json': {
    status: 400,
    googleStatus: 'INVALID_ARGUMENT',
    isRetryable: false,
    detailTypes: ['ErrorInfo', 'LocalizedMessage'],
    says: [
      'API key not valid',
      'x-goog-api-key header',
      "createGemini({ auth: 'bearer' })",
      'https://aistudio.google.com/apikey',
    ],
  },
  '400-INVALID_ARGUMENT-functionResponse-count-mismatch.cloudcode-array.json': {
    status: 400,
    googleStatus: 'INVALID_ARGUMENT',
    isRetryable: false,
    says: ['number of function response parts', 'retrying will not help'],
  },
  '400-INVALID_ARGUMENT-missing-thought_signature.no-alt-sse-array.json': {
    status: 400,
    googleStatus: 'INVALID_ARGUMENT',
    isRetryable: false,
    says: ['missing a thought_signature', 'verbatim', 'thoughtSignature'],
  },
  '400-INVALID_ARGUMENT-tool-call-context-circulation-not-enabled.json': {
    status: 400,
    googleStatus: 'INVALID_ARGUMENT',
    isRetryable: false,
    says: ['Tool call context circulation is not enabled', 'retrying will not help'],
  },
  '400-INVALID_ARGUMENT-tool-use-with-function-calling-unsupported.RECONSTRUCTED.json': {
    status: 400,
    googleStatus: 'INVALID_ARGUMENT',
    isRetryable: false,
    says: ['Tool use with function calling is unsupported', 'retrying will not help'],
  },
  '400-INVALID_ARGUMENT-unknown-name-additionalProperties-in-parameters.RECONSTRUCTED.json': {
    status: 400,
    googleStatus: 'INVALID_ARGUMENT',
    isRetryable: false,
    detailTypes: ['BadRequest'],
    says: [
      '- tools[10].function_declarations[0].parameters.properties[0].value.items: Invalid JSON payload received. Unknown name "additionalProperties"',
      '- tools[15].function_declarations[0].parameters.properties[2].value.any_of[0]: Invalid JSON payload',
      'retrying will not help',
    ],
  },
  '400-INVALID_ARGUMENT-vertex-url-roboted.json': {
    status: 400,
    googleStatus: 'INVALID_ARGUMENT',
    isRetryable: false,
    says: ['URL_ROBOTED', 'retrying will not help'],
  },
  '404-NOT_FOUND-on-streamGenerateContent-alt-sse-with-DebugInfo.json': {
    status: 404,
    googleStatus: 'NOT_FOUND',
    isRetryable: false,
    detailTypes: ['DebugInfo'],
    says: ['models/custom-gemini-2.0-flash is not found', 'gemini.listModels()'],
  },
  '404-NOT_FOUND-unknown-model.json': {
    status: 404,
    googleStatus: 'NOT_FOUND',
    isRetryable: false,
    says: ['models/gemini-3.6-flahs is not found', 'gemini.listModels()'],
  },
  '429-RESOURCE_EXHAUSTED-Help-QuotaFailure-RetryInfo.json': {
    status: 429,
    googleStatus: 'RESOURCE_EXHAUSTED',
    isRetryable: true,
    retryDelayMs: 58_000,
    isDailyQuota: false,
    detailTypes: ['Help', 'QuotaFailure', 'RetryInfo'],
    says: ['Rate limit hit', 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier', 'wait 58 s'],
  },
  '429-RESOURCE_EXHAUSTED-retryinfo.HANDWRITTEN-vercel.json': {
    status: 429,
    googleStatus: 'RESOURCE_EXHAUSTED',
    isRetryable: true,
    retryDelayMs: 34_400,
    isDailyQuota: false,
    detailTypes: ['QuotaFailure', 'RetryInfo'],
    says: ['Rate limit hit', 'wait 34.4 s', 'retryable'],
  },
  '503-UNAVAILABLE-overloaded.no-alt-sse-array.json': {
    status: 503,
    googleStatus: 'UNAVAILABLE',
    isRetryable: true,
    says: ['The model is overloaded', 'retryable'],
  },
};

describe('createApiCallError', () => {
  const files = listFixtures('errors').filter((name) => name.endsWith('.json'));

  it('has an expectation for every recorded error fixture', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(Object.keys(expectations).sort()).toEqual([...files].sort());
  });

  for (const file of files) {
    it(`turns ${file} into a typed ApiCallError with its fields and guidance`, () => {
      const expected = expectations[file];
      if (expected === undefined) throw new Error(`no expectation for ${file}`);
      const body = fixture(file);
      const error = createApiCallError({
        url,
        method: 'generateContent',
        status: expected.status,
        body,
        responseHeaders: new Headers({ 'content-type': 'application/json; charset=UTF-8' }),
        auth: 'x-goog-api-key',
      });
      expect(ApiCallError.isInstance(error)).toBe(true);
      expect(GemloopError.isInstance(error)).toBe(true);
      expect(error.name).toBe('ApiCallError');
      expect(error.status).toBe(expected.status);
      expect(error.googleStatus).toBe(expected.googleStatus);
      expect(error.isRetryable).toBe(expected.isRetryable);
      expect(error.retryDelayMs).toBe(expected.retryDelayMs);
      expect(error.isDailyQuota).toBe(expected.isDailyQuota ?? false);
      expect(error.responseBody).toBe(body);
      expect(error.url).toBe(url);
      expect(error.method).toBe('generateContent');
      const parsed = JSON.parse(body);
      const inner = (Array.isArray(parsed) ? parsed[0] : parsed).error;
      expect(error.apiMessage).toBe(inner.message);
      expect(error.details.map((detail) => String(detail['@type']).split('.').pop())).toEqual(
        expected.detailTypes ?? [],
      );
      expect(error.message.startsWith(`generateContent failed with HTTP ${expected.status}`)).toBe(
        true,
      );
      for (const fragment of expected.says) {
        if (typeof fragment === 'string') expect(error.message).toContain(fragment);
        else expect(error.message).toMatch(fragment);
      }
    });
  }

  it('takes the status from error.code when an error object arrives inside a 200 stream', () => {
    const error = createApiCallError({
      url,
      method: 'streamGenerateContent',
      parsedBody: JSON.parse(fixture('503-UNAVAILABLE-overloaded.no-alt-sse-array.json')),
    });
    expect(error.status).toBe(503);
    expect(error.isRetryable).toBe(true);
    expect(error.responseBody).toContain('overloaded');
  });

  it('treats a per-day quota as spent: not retryable, and says it resets daily', () => {
    const body = JSON.stringify({
      error: {
        code: 429,
        message: 'You exceeded your current quota.',
        status: 'RESOURCE_EXHAUSTED',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
            violations: [
              {
                quotaMetric:
                  'generativelanguage.googleapis.com/generate_content_free_tier_requests',
                quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier',
              },
            ],
          },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '13s' },
        ],
      },
    });
    const error = createApiCallError({ url, method: 'generateContent', status: 429, body });
    expect(error.isDailyQuota).toBe(true);
    expect(error.isRetryable).toBe(false);
    expect(error.retryDelayMs).toBe(13_000);
    expect(error.message).toContain('Daily quota spent');
    expect(error.message).toContain('GenerateRequestsPerDayPerProjectPerModel-FreeTier');
    expect(error.message).toContain('will not recover with retries');
  });

  it('recognises a per-day quota from the metric name alone', () => {
    const error = createApiCallError({
      url,
      method: 'generateContent',
      status: 429,
      parsedBody: {
        error: {
          code: 429,
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
              violations: [{ quotaMetric: 'generativelanguage.googleapis.com/requests_per_day' }],
            },
          ],
        },
      },
    });
    expect(error.isDailyQuota).toBe(true);
    expect(error.isRetryable).toBe(false);
  });

  it('reads Retry-After as seconds, as an HTTP date, and retry-after-ms', () => {
    const seconds = createApiCallError({
      url,
      method: 'generateContent',
      status: 503,
      body: '',
      responseHeaders: { 'Retry-After': '7' },
    });
    expect(seconds.retryDelayMs).toBe(7000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    const date = createApiCallError({
      url,
      method: 'generateContent',
      status: 429,
      body: '',
      responseHeaders: { 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' },
      now: () => now,
    });
    expect(date.retryDelayMs).toBe(30_000);
    const milliseconds = createApiCallError({
      url,
      method: 'generateContent',
      status: 429,
      body: '',
      responseHeaders: { 'retry-after-ms': '250', 'retry-after': '9' },
    });
    expect(milliseconds.retryDelayMs).toBe(250);
  });

  it('prefers RetryInfo over Retry-After', () => {
    const error = createApiCallError({
      url,
      method: 'generateContent',
      status: 429,
      body: fixture('429-RESOURCE_EXHAUSTED-retryinfo.HANDWRITTEN-vercel.json'),
      responseHeaders: { 'retry-after': '3' },
    });
    expect(error.retryDelayMs).toBe(34_400);
  });

  it('keeps a non-JSON body raw and quotes an excerpt of it', () => {
    const html =
      '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>';
    const error = createApiCallError({
      url,
      method: 'generateContent',
      status: 502,
      body: html,
      responseHeaders: { 'content-type': 'text/html' },
    });
    expect(error.responseBody).toBe(html);
    expect(error.googleStatus).toBeUndefined();
    expect(error.apiMessage).toBeUndefined();
    expect(error.details).toEqual([]);
    expect(error.isRetryable).toBe(true);
    expect(error.message).toContain('HTTP 502');
    expect(error.message).toContain('not a Gemini error body (text/html)');
    expect(error.message).toContain('502 Bad Gateway 502 Bad Gateway nginx');
  });

  it('says the body was empty when it was', () => {
    const error = createApiCallError({ url, method: 'countTokens', status: 500, body: '' });
    expect(error.message).toContain('countTokens failed with HTTP 500');
    expect(error.message).toContain('empty');
    expect(error.isRetryable).toBe(true);
  });

  it('names the bearer header and how to switch back for a 401 sent with auth bearer', () => {
    const error = createApiCallError({
      url: 'https://api.cometapi.com/v1beta/models/gemini-2.5-flash:generateContent',
      method: 'generateContent',
      status: 401,
      body: JSON.stringify({
        error: { code: 401, message: 'Invalid token', status: 'UNAUTHENTICATED' },
      }),
      auth: 'bearer',
    });
    expect(error.isRetryable).toBe(false);
    expect(error.message).toContain('Authorization: Bearer header');
    expect(error.message).toContain("createGemini({ auth: 'x-goog-api-key' })");
    expect(error.message).toContain('https://aistudio.google.com/apikey');
  });

  it('gives bad-key guidance for a 403 and mentions model or API access', () => {
    const error = createApiCallError({
      url,
      method: 'generateContent',
      status: 403,
      body: JSON.stringify({
        error: { code: 403, message: 'Permission denied', status: 'PERMISSION_DENIED' },
      }),
      auth: 'x-goog-api-key',
    });
    expect(error.message).toContain('x-goog-api-key header');
    expect(error.message).toContain('403 can also mean');
  });

  it('says a cache is gone, not that the key was rejected, for the 403 of an expired cache', () => {
    const body = JSON.stringify({
      error: {
        code: 403,
        message: 'CachedContent not found (or permission denied)',
        status: 'PERMISSION_DENIED',
      },
    });
    for (const method of ['generateContent', 'caches.get', 'caches.update']) {
      const error = createApiCallError({ url, method, status: 403, body, auth: 'x-goog-api-key' });
      expect(error.isRetryable).toBe(false);
      expect(error.message).toContain('expired or was deleted');
      expect(error.message).toContain('gemini.caches.create');
      expect(error.message).not.toContain('API key');
    }
  });

  it('says a cache is gone for a 404 of caches.get, not to check the model name', () => {
    for (const body of [
      '',
      JSON.stringify({
        error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' },
      }),
    ]) {
      const error = createApiCallError({
        url: 'https://generativelanguage.googleapis.com/v1beta/cachedContents/abc',
        method: 'caches.get',
        status: 404,
        body,
      });
      expect(error.message).toContain('expired or was deleted');
      expect(error.message).not.toContain('model name');
    }
  });

  it('says a retryable error was retried, and how often', () => {
    const error = createApiCallError({
      url,
      method: 'generateContent',
      status: 503,
      body: fixture('503-UNAVAILABLE-overloaded.no-alt-sse-array.json'),
      attempt: 4,
    });
    expect(error.attempt).toBe(4);
    expect(error.message).toContain('Failed after 4 attempts (retried 3 times)');
  });

  it('scrubs a secret a gateway echoes, from the body, the message and the headers', () => {
    const secret = 'sk-test-SECRET-123';
    const body = JSON.stringify({
      error: { code: 401, message: `Invalid key ${secret}`, status: 'UNAUTHENTICATED' },
    });
    const error = createApiCallError({
      url,
      method: 'generateContent',
      status: 401,
      body,
      responseHeaders: { 'x-echo': secret, authorization: `Bearer ${secret}`, 'set-cookie': 'a=b' },
      redact: [secret],
    });
    expect(error.apiMessage).toBe('Invalid key [redacted]');
    expect(error.responseHeaders).toEqual({ 'x-echo': '[redacted]' });
    for (const text of [error.message, JSON.stringify(error), String(error), inspect(error)]) {
      expect(text).not.toContain(secret);
    }
  });

  it('keeps unknown detail types and unknown top-level fields as data', () => {
    const error = createApiCallError({
      url,
      method: 'generateContent',
      status: 400,
      body: JSON.stringify({
        error: {
          code: 400,
          message: 'x',
          status: 'INVALID_ARGUMENT',
          details: [{ '@type': 'type.googleapis.com/example.New', extra: 1 }, 'not-an-object'],
        },
      }),
    });
    expect(error.details).toEqual([{ '@type': 'type.googleapis.com/example.New', extra: 1 }]);
  });
});

describe('a real FAILED_PRECONDITION (beside the fake’s own errors, see @gemloop/testing)', () => {
  it('keeps the billing and region advice for a real FAILED_PRECONDITION from Google', () => {
    // The text Google sends where the free tier is not offered (public reports).
    const error = createApiCallError({
      url: 'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent',
      method: 'generateContent',
      status: 400,
      body: JSON.stringify({
        error: {
          code: 400,
          message: 'User location is not supported for the API use.',
          status: 'FAILED_PRECONDITION',
        },
      }),
    });
    expect(error.message).toContain('User location is not supported');
    expect(error.message).toMatch(/free tier may be unavailable in your region/);
    expect(error.message).toMatch(/billing/);
  });
});

describe('createApiCallError on an error object a 2xx answer carried in a gateway dialect (attack60b)', () => {
  const carriedBy = { kind: 'stream', httpStatus: 200, chunksDelivered: 0 } as const;
  const made = (error: Record<string, unknown>, http?: number) =>
    createApiCallError({
      url,
      method: 'streamGenerateContent',
      parsedBody: { error },
      ...(http === undefined ? { carriedBy } : { status: http }),
    });

  it('reads a code written as three digits as that code', () => {
    const error = made({ code: '503', message: 'busy' });
    expect(error).toMatchObject({ status: 503, isRetryable: true });
    expect(error.message).toContain('with code 503');
    // Not a number of any other form: as before, no code.
    for (const code of ['5e2', ' 503', '0503', '99', '600', 'rate_limit']) {
      expect(made({ code, message: 'x' }).status, code).toBeUndefined();
    }
  });

  it('takes the HTTP status of the status name when the object has no code, and says it had none', () => {
    const cases: [string, number, boolean][] = [
      ['UNAVAILABLE', 503, true],
      ['RESOURCE_EXHAUSTED', 429, true],
      ['INTERNAL', 500, true],
      ['DEADLINE_EXCEEDED', 504, true],
      ['INVALID_ARGUMENT', 400, false],
      ['PERMISSION_DENIED', 403, false],
    ];
    for (const [name, status, isRetryable] of cases) {
      const error = made({ status: name, message: 'm' });
      expect(error, name).toMatchObject({ status, googleStatus: name, isRetryable });
      expect(error.message, name).toContain(`with no code ${name}: m.`);
    }
    expect(made({ status: 'SOMETHING_ELSE', message: 'm' }).status).toBeUndefined();
  });

  it('keeps a per-day quota named only by its status not retryable', () => {
    const error = made({
      status: 'RESOURCE_EXHAUSTED',
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
          violations: [{ quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier' }],
        },
      ],
    });
    expect(error).toMatchObject({ status: 429, isDailyQuota: true, isRetryable: false });
  });

  it('leaves an HTTP error status as it came, whatever the body names', () => {
    expect(made({ status: 'UNAVAILABLE', message: 'm' }, 400)).toMatchObject({
      status: 400,
      isRetryable: false,
    });
  });
});
