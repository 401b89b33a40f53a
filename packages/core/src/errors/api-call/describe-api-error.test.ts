import { describe, expect, it } from 'vitest';
import type { GoogleErrorDetail } from '../../wire/error-body.ts';
import {
  type DescribeApiErrorOptions,
  describeApiError,
  FAKE_GEMINI_ERROR_DOMAIN,
} from './describe-api-error.ts';
import { formatDelay } from './format-delay.ts';

function describeWith(overrides: Partial<DescribeApiErrorOptions>): string {
  return describeApiError({
    method: 'generateContent',
    status: 500,
    googleStatus: undefined,
    apiMessage: undefined,
    details: [],
    body: undefined,
    contentType: undefined,
    isRetryable: true,
    isDailyQuota: false,
    dailyQuotaId: undefined,
    retryDelayMs: undefined,
    attempt: undefined,
    auth: undefined,
    ...overrides,
  });
}

const badRequest = (violations: { field?: string; description?: string }[]): GoogleErrorDetail =>
  ({
    '@type': 'type.googleapis.com/google.rpc.BadRequest',
    fieldViolations: violations,
  }) as GoogleErrorDetail;

describe('describeApiError: the head', () => {
  it('names the method, the HTTP status and the Google status, then quotes the server', () => {
    expect(
      describeWith({
        status: 503,
        googleStatus: 'UNAVAILABLE',
        apiMessage: 'The model is overloaded',
      }),
    ).toMatch(/^generateContent failed with HTTP 503 UNAVAILABLE: The model is overloaded\. /);
  });

  it('says "(no status)" rather than "undefined" when no status came', () => {
    expect(describeWith({ status: undefined, apiMessage: 'x' })).toMatch(
      /^generateContent failed with HTTP \(no status\): x\./,
    );
  });

  it('does not add a full stop after a message that already ends a sentence', () => {
    for (const end of ['.', '!', '?', ':']) {
      expect(describeWith({ apiMessage: `Stop here${end}` })).toContain(`: Stop here${end} `);
    }
  });

  it("says a 200 answer carried the error, with the object's code, not an HTTP error", () => {
    expect(
      describeWith({
        method: 'streamGenerateContent',
        status: 429,
        googleStatus: 'RESOURCE_EXHAUSTED',
        carriedBy: { kind: 'stream', httpStatus: 200 },
        apiMessage: 'quota',
      }),
    ).toMatch(
      /^streamGenerateContent failed: the HTTP 200 stream carried an error event with code 429 RESOURCE_EXHAUSTED: quota\./,
    );
    expect(
      describeWith({ status: undefined, carriedBy: { kind: 'response', httpStatus: undefined } }),
    ).toMatch(/^generateContent failed: the response carried an error with no code: /);
  });
});

describe('describeApiError: what to do', () => {
  it("points a fake Gemini's own error at the test's script, never at Google keys", () => {
    const message = describeWith({
      status: 401,
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          domain: FAKE_GEMINI_ERROR_DOMAIN,
          reason: 'SCRIPT_EXHAUSTED',
        } as GoogleErrorDetail,
      ],
    });
    expect(message).toContain(
      "fake Gemini server (@gemloop/testing), not from Google: fix the test's script",
    );
    expect(message).not.toContain('aistudio');
  });

  it('treats an API_KEY_ reason as a bad key whatever the status', () => {
    const message = describeWith({
      status: 400,
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'API_KEY_INVALID',
        } as GoogleErrorDetail,
      ],
    });
    expect(message).toContain('The API key was rejected.');
    expect(message).toContain(
      "createGemini({ auth: 'x-goog-api-key' }) or createGemini({ auth: 'bearer' })",
    );
  });

  it('tells a key sent as x-goog-api-key how to switch to bearer, and not the other way round', () => {
    const message = describeWith({ status: 401, auth: 'x-goog-api-key' });
    expect(message).toContain('The API key sent in the x-goog-api-key header was rejected.');
    expect(message).toContain("use createGemini({ auth: 'bearer' })");
    expect(message).not.toContain("createGemini({ auth: 'x-goog-api-key' })");
  });

  it('sends Vertex AI credentials to roles and ADC, not to an API key page', () => {
    const rejected = describeWith({ status: 401, auth: 'vertex-oauth' });
    expect(rejected).toContain('The Vertex AI access token was rejected');
    expect(rejected).toContain('gcloud auth application-default login');
    expect(rejected).not.toContain('aistudio');
    const denied = describeWith({ status: 403, auth: 'vertex-oauth' });
    expect(denied).toContain('roles/aiplatform.user');
  });

  it('reads a "CachedContent not found" 403 as a gone cache on any method', () => {
    const message = describeWith({
      status: 403,
      googleStatus: 'PERMISSION_DENIED',
      apiMessage: 'CachedContent not found (or permission denied)',
    });
    expect(message).toContain('The cache expired or was deleted');
    expect(message).not.toContain('API key');
  });

  it('says a 429 is a retryable rate limit, naming the quota and the delay asked for', () => {
    const message = describeWith({
      status: 429,
      retryDelayMs: 34_400,
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
          violations: [{ quotaMetric: 'm' }, { quotaId: 'GenerateRequestsPerMinutePerProject' }],
        } as GoogleErrorDetail,
      ],
    });
    expect(message).toContain(
      'Rate limit hit (GenerateRequestsPerMinutePerProject); this is retryable. The server asked to wait 34.4 s.',
    );
  });

  it('says a daily quota resets at midnight Pacific and names it, and is not retried', () => {
    const message = describeWith({ status: 429, isDailyQuota: true, dailyQuotaId: 'PerDay' });
    expect(message).toContain('Daily quota spent (PerDay)');
    expect(message).toContain('midnight Pacific');
    expect(message).not.toContain('this is retryable');
  });

  it('lists each field violation and drops a message that only repeats them', () => {
    const message = describeWith({
      status: 400,
      googleStatus: 'INVALID_ARGUMENT',
      apiMessage: 'contents.parts must not be empty',
      details: [
        badRequest([
          { field: 'contents[0].parts', description: 'contents.parts must not be empty' },
        ]),
      ],
    });
    expect(message).toBe(
      'generateContent failed with HTTP 400 INVALID_ARGUMENT. Fix these request fields (retrying will not help):\n  - contents[0].parts: contents.parts must not be empty',
    );
  });

  it('keeps a message that says more than the violations, and names a violation without a field', () => {
    const message = describeWith({
      status: 400,
      apiMessage: 'Request had 2 problems',
      details: [badRequest([{ description: 'one' }, { field: 'tools', description: 'two' }])],
    });
    expect(message).toContain(': Request had 2 problems. Fix these request fields');
    expect(message).toContain('\n  - (request): one\n  - tools: two');
  });

  it('tells a thought-signature 400 to send the model turns back verbatim', () => {
    const message = describeWith({
      status: 400,
      apiMessage: 'Function call is missing a thought_signature in functionCall parts.',
    });
    expect(message).toContain("Send each of the model's Content turns back verbatim");
  });

  it('explains FAILED_PRECONDITION as region or billing, and other 400s as not retryable', () => {
    expect(describeWith({ status: 400, googleStatus: 'FAILED_PRECONDITION' })).toContain(
      'billing must be enabled',
    );
    expect(describeWith({ status: 422 })).toContain(
      'The request was rejected; fix it (retrying will not help).',
    );
  });

  it('gives the server-error advice that fits 500, 503 and 504, and a plain note otherwise', () => {
    expect(describeWith({ status: 500 })).toContain('shorten the context or switch models');
    expect(describeWith({ status: 503 })).toContain('the model is overloaded');
    expect(describeWith({ status: 504 })).toContain('a larger timeoutMs');
    expect(describeWith({ status: 502 })).toContain('This is retryable.');
    expect(describeWith({ status: 501, isRetryable: false })).toContain('Not retryable.');
  });

  it('says a transient stream error after chunks was not retried, and why, with the delay asked for', () => {
    const one = describeWith({ status: 503, notRetriedAfterChunks: 1 });
    expect(one).toContain('after the stream had delivered 1 chunk, so it was not retried');
    const many = describeWith({ status: 429, notRetriedAfterChunks: 12, retryDelayMs: 500 });
    expect(many).toContain('delivered 12 chunks');
    expect(many).toContain(
      'Send the request again (the server asked to wait 500 ms) for a whole answer.',
    );
  });

  it('counts the attempts a retried call made', () => {
    expect(describeWith({ status: 503, attempt: 2 })).toMatch(
      /Failed after 2 attempts \(retried 1 time\)\.$/,
    );
    expect(describeWith({ status: 503, attempt: 4 })).toMatch(/\(retried 3 times\)\.$/);
    expect(describeWith({ status: 503, attempt: 1 })).not.toContain('Failed after');
  });
});

describe('describeApiError: a body that is not a Google error', () => {
  it('says what was missing when the body was empty or did not arrive', () => {
    expect(describeWith({ body: '  \n' })).toContain(': the response body was empty.');
    expect(
      describeWith({ body: undefined, bodyProblem: 'did not arrive within 1000 ms' }),
    ).toContain(': the response body did not arrive within 1000 ms.');
  });

  it('quotes the text of a proxy page, names its content type, and says what was cut', () => {
    const message = describeWith({
      status: 502,
      body: '<html><body><h1>Bad Gateway</h1></body></html>',
      contentType: 'text/html; charset=utf-8',
      bodyProblem: 'could not be read: reset',
    });
    expect(message).toContain(
      'not a Gemini error body (text/html), perhaps from a proxy or gateway',
    );
    expect(message).toContain('Bad Gateway');
    expect(message).toContain('(the rest of the body could not be read: reset)');
    expect(message).not.toContain('<h1>');
  });

  it('says "unknown type" for a body without a content type', () => {
    expect(describeWith({ body: 'oops' })).toContain('(unknown type)');
  });

  it('cuts a gateway message of a megabyte to one glance and points at error.apiMessage', () => {
    const message = describeWith({ apiMessage: 'a'.repeat(1_000_000) });
    expect(message.length).toBeLessThan(2_500);
    expect(message).toContain('... (cut; the whole text is on error.apiMessage).');
  });
});

describe('formatDelay', () => {
  it('writes milliseconds under a second and seconds to one decimal above', () => {
    expect(formatDelay(0)).toBe('0 ms');
    expect(formatDelay(999)).toBe('999 ms');
    expect(formatDelay(1000)).toBe('1 s');
    expect(formatDelay(34_449)).toBe('34.4 s');
    expect(formatDelay(59_999)).toBe('60 s');
  });

  it('writes the largest delay a server can ask for in years, not a 16-digit second count', () => {
    expect(formatDelay(Number.MAX_SAFE_INTEGER)).toBe('285,000 years or more');
    expect(formatDelay(Number.POSITIVE_INFINITY)).toBe('285,000 years or more');
  });
});
