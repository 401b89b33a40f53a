import { describe, expect, it } from 'vitest';
import type { GoogleErrorDetail } from '../wire/error-body.ts';
import { ApiCallError, type ApiCallErrorOptions } from './api-call-error.ts';
import { GemloopError } from './gemloop-error.ts';

const base: ApiCallErrorOptions = {
  message: 'generateContent failed with HTTP 429',
  url: 'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent',
  method: 'generateContent',
  status: 429,
  isRetryable: true,
};

const detail = (type: string, fields: Record<string, unknown>): GoogleErrorDetail =>
  ({ '@type': `type.googleapis.com/google.rpc.${type}`, ...fields }) as GoogleErrorDetail;

describe('ApiCallError', () => {
  it('finds each typed detail by its @type, whatever order they came in', () => {
    const details = [
      detail('Help', { links: [{ description: 'docs', url: 'https://ai.google.dev' }] }),
      detail('BadRequest', { fieldViolations: [{ field: 'contents' }] }),
      detail('ErrorInfo', { reason: 'RATE_LIMIT_EXCEEDED', domain: 'googleapis.com' }),
      detail('QuotaFailure', { violations: [{ quotaId: 'PerMinute' }] }),
      detail('RetryInfo', { retryDelay: '7s' }),
    ];
    const error = new ApiCallError({ ...base, details });
    expect(error.retryInfo).toMatchObject({ retryDelay: '7s' });
    expect(error.quotaFailure?.violations?.[0]?.quotaId).toBe('PerMinute');
    expect(error.errorInfo?.reason).toBe('RATE_LIMIT_EXCEEDED');
    expect(error.badRequest?.fieldViolations?.[0]?.field).toBe('contents');
    expect(error.help?.links?.[0]?.url).toBe('https://ai.google.dev');
  });

  it('takes the first detail of a type, and none for unknown or missing @type values', () => {
    const error = new ApiCallError({
      ...base,
      details: [
        { '@type': 42 } as unknown as GoogleErrorDetail,
        {} as GoogleErrorDetail,
        detail('RetryInfo', { retryDelay: '1s' }),
        detail('RetryInfo', { retryDelay: '2s' }),
        { '@type': 'type.googleapis.com/google.rpc.RetryInfoV2' } as GoogleErrorDetail,
      ],
    });
    expect(error.retryInfo).toMatchObject({ retryDelay: '1s' });
    expect(error.help).toBeUndefined();
    expect(new ApiCallError(base).retryInfo).toBeUndefined();
  });

  it('defaults details to a list and isDailyQuota to false, so readers need no undefined checks', () => {
    const error = new ApiCallError(base);
    expect(error.details).toEqual([]);
    expect(error.isDailyQuota).toBe(false);
    expect(error.status).toBe(429);
    expect(error.attempt).toBeUndefined();
  });

  it('is recognised across copies by its code, and a gemloop error of another code is not one', () => {
    const error = new ApiCallError(base);
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect(GemloopError.isInstance(error)).toBe(true);
    expect(ApiCallError.isInstance(new GemloopError({ message: 'x' }))).toBe(false);
    // A look-alike without gemloop's marker (a user's own error with code 'api-call') is not one.
    expect(ApiCallError.isInstance(Object.assign(new Error('x'), { code: 'api-call' }))).toBe(
      false,
    );
    const marked = Object.assign(new Error('x'), { code: 'api-call' });
    Object.defineProperty(marked, Symbol.for('gemloop.error'), { value: true });
    expect(ApiCallError.isInstance(marked)).toBe(true);
  });

  it('serialises its data for a log line, with the cause described, never the cause object', () => {
    const cause = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const error = new ApiCallError({ ...base, status: undefined, isRetryable: true, cause });
    const json = JSON.parse(JSON.stringify(error)) as Record<string, unknown>;
    expect(json).toMatchObject({
      name: 'ApiCallError',
      code: 'api-call',
      method: 'generateContent',
      isRetryable: true,
      cause: { name: 'Error', message: 'socket hang up' },
    });
    expect(json).not.toHaveProperty('status');
  });
});
