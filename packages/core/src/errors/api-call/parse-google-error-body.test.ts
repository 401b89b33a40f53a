import { describe, expect, it } from 'vitest';
import { parseGoogleErrorBody, tryParseJson } from './parse-google-error-body.ts';

describe('parseGoogleErrorBody', () => {
  it('reads the Google error shape, keeping only the details that are objects', () => {
    const body = {
      error: {
        code: 429,
        message: 'Resource has been exhausted (e.g. check quota).',
        status: 'RESOURCE_EXHAUSTED',
        details: [
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '58s' },
          'a string',
          null,
          [1],
        ],
      },
    };
    expect(parseGoogleErrorBody(body)).toEqual({
      code: 429,
      googleStatus: 'RESOURCE_EXHAUSTED',
      apiMessage: 'Resource has been exhausted (e.g. check quota).',
      details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '58s' }],
      isGoogleError: true,
    });
  });

  it('reads the array-wrapped form (streamGenerateContent without alt=sse)', () => {
    expect(parseGoogleErrorBody([{ error: { code: 400, message: 'bad' } }])).toMatchObject({
      code: 400,
      apiMessage: 'bad',
      isGoogleError: true,
    });
    expect(parseGoogleErrorBody([])).toEqual({ details: [], isGoogleError: false });
  });

  it('skips fields of the wrong type instead of throwing (the error path must not fail twice)', () => {
    expect(
      parseGoogleErrorBody({
        error: { code: 'rate_limit', message: 42, status: null, details: { 0: {} } },
      }),
    ).toEqual({
      code: undefined,
      googleStatus: undefined,
      apiMessage: undefined,
      details: [],
      isGoogleError: true,
    });
    expect(parseGoogleErrorBody({ error: { code: 429.5 } }).code).toBeUndefined();
    // A code written as three digits is the code (attack60b: a gateway's `"429"` was no code, and
    // its error was not retried); this test pinned it as a wrong type before.
    expect(parseGoogleErrorBody({ error: { code: '429' } }).code).toBe(429);
    expect(parseGoogleErrorBody({ error: { message: '' } }).apiMessage).toBeUndefined();
  });

  it("keeps a gateway's own message from {message} or {error: 'text'}", () => {
    expect(parseGoogleErrorBody({ message: 'quota exceeded' })).toEqual({
      apiMessage: 'quota exceeded',
      details: [],
      isGoogleError: false,
    });
    expect(parseGoogleErrorBody({ error: 'invalid key' }).apiMessage).toBe('invalid key');
    expect(parseGoogleErrorBody({ error: ['x'] }).isGoogleError).toBe(false);
  });

  it('is no Google error for anything else', () => {
    for (const body of [undefined, null, 'text', 42, true, '<html>']) {
      expect(parseGoogleErrorBody(body)).toEqual({ details: [], isGoogleError: false });
    }
  });

  it('does not read an error planted on the prototype through a __proto__ key', () => {
    const body = JSON.parse('{"__proto__":{"error":{"code":500,"message":"planted"}}}');
    expect(parseGoogleErrorBody(body).isGoogleError).toBe(false);
  });
});

describe('tryParseJson', () => {
  it('parses an object or array body and is undefined for anything else, without throwing', () => {
    expect(tryParseJson('  {"a":1}')).toEqual({ a: 1 });
    expect(tryParseJson('[1]')).toEqual([1]);
    for (const text of ['', '<html>', 'null', '42', '"x"', '{"a":', '[', '{\u0000}']) {
      expect(tryParseJson(text), JSON.stringify(text)).toBeUndefined();
    }
  });

  it('parses a deeply nested body (5,000 levels) without a stack overflow', () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    expect(Array.isArray(tryParseJson(deep))).toBe(true);
  });

  it('drops a detail nested deeper than 32 levels, keeping the rest (attack60b)', () => {
    let deep: unknown = 'bottom';
    for (let level = 0; level < 40; level++) deep = { next: deep };
    let fine: unknown = 'bottom';
    for (let level = 0; level < 30; level++) fine = [fine];
    const parsed = parseGoogleErrorBody({
      error: {
        code: 400,
        details: [
          { '@type': 'deep', deep },
          { '@type': 'fine', fine },
        ],
      },
    });
    expect(parsed.details.map((detail) => detail['@type'])).toEqual(['fine']);
    expect(parsed.code).toBe(400);
  });
});

describe('parseGoogleErrorBody on a gateway writing the proto field names (attack60b)', () => {
  it("reads a detail's snake_case fields in camelCase, keeping ErrorInfo metadata as spelled", () => {
    const parsed = parseGoogleErrorBody({
      error: {
        code: 429,
        details: [
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retry_delay: '30s' },
          {
            '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
            violations: [{ quota_id: 'PerDay', quota_metric: 'm' }],
          },
          { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', metadata: { quota_limit: 'x' } },
        ],
      },
    });
    expect(parsed.details).toEqual([
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '30s' },
      {
        '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
        violations: [{ quotaId: 'PerDay', quotaMetric: 'm' }],
      },
      { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', metadata: { quota_limit: 'x' } },
    ]);
  });
});
