import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ApiCallError } from './api-call-error.ts';
import { createNetworkError } from './create-network-error.ts';

const url =
  'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent';

/** The shape Node's fetch rejects with: `TypeError('fetch failed')` with the socket error as cause. */
function fetchFailed(code: string, message = `connect ${code} 127.0.0.1:443`): TypeError {
  const cause = Object.assign(new Error(message), { code });
  return new TypeError('fetch failed', { cause });
}

describe('createNetworkError', () => {
  for (const [code, words] of [
    ['ECONNREFUSED', 'connection refused'],
    ['ECONNRESET', 'connection reset'],
    ['ENOTFOUND', 'host not found'],
    ['EAI_AGAIN', 'DNS lookup failed'],
    ['ETIMEDOUT', 'connection timed out'],
    ['UND_ERR_SOCKET', 'socket closed'],
  ] as const) {
    it(`makes a retryable ApiCallError without status for ${code}, naming host and code`, () => {
      const error = createNetworkError({
        url,
        method: 'generateContent',
        cause: fetchFailed(code),
      });
      expect(ApiCallError.isInstance(error)).toBe(true);
      expect(error.status).toBeUndefined();
      expect(error.isRetryable).toBe(true);
      expect(error.message).toContain('generativelanguage.googleapis.com');
      expect(error.message).toContain(code);
      expect(error.message).toContain(words);
      expect(error.cause).toBeInstanceOf(TypeError);
    });
  }

  it('finds the code inside an AggregateError (one error per address tried)', () => {
    const aggregate = Object.assign(
      new AggregateError([
        Object.assign(new Error('connect ECONNREFUSED ::1:443'), { code: 'ECONNREFUSED' }),
      ]),
      {},
    );
    const error = createNetworkError({
      url,
      method: 'generateContent',
      cause: new TypeError('fetch failed', { cause: aggregate }),
    });
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.isRetryable).toBe(true);
  });

  it('treats the generic fetch TypeError without a code as a retryable network failure', () => {
    const error = createNetworkError({
      url,
      method: 'countTokens',
      cause: new TypeError('Failed to fetch'),
    });
    expect(error.isRetryable).toBe(true);
    expect(error.message).toContain(
      'countTokens could not reach generativelanguage.googleapis.com',
    );
  });

  it('does not retry an error fetch throws for another reason', () => {
    const error = createNetworkError({
      url,
      method: 'generateContent',
      cause: new RangeError('something odd in a custom fetch'),
    });
    expect(error.isRetryable).toBe(false);
    expect(error.message).toContain('something odd in a custom fetch');
  });

  it('says how many attempts were made', () => {
    const error = createNetworkError({
      url,
      method: 'generateContent',
      cause: fetchFailed('ECONNRESET'),
      attempt: 2,
    });
    expect(error.attempt).toBe(2);
    expect(error.message).toContain('Failed after 2 attempts (retried 1 time)');
  });

  it('never carries a secret that appears in the cause text, in any serialisation of the message', () => {
    const secret = 'AIzaSECRET';
    const error = createNetworkError({
      url,
      method: 'generateContent',
      cause: new TypeError(`fetch failed for key ${secret}`),
      redact: [secret],
    });
    expect(error.message).not.toContain(secret);
    expect(JSON.stringify({ ...error.toJSON(), cause: undefined })).not.toContain(secret);
    expect(inspect(error.message)).not.toContain(secret);
  });
});
