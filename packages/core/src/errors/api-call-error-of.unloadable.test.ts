import { describe, expect, it, vi } from 'vitest';
import { ApiCallError } from './api-call-error.ts';
import { apiCallErrorOf, networkErrorOf } from './api-call-error-of.ts';

// The chunk that describes API errors cannot be loaded (a page that lost its network between the
// request and its failure). Its own module graph: vitest.config.ts, CORE_ISOLATED.
vi.mock('./api-call/create-api-call-error.ts', () => {
  throw new TypeError('Failed to fetch dynamically imported module');
});

describe('apiCallErrorOf when the description cannot be loaded', () => {
  it('still gives an ApiCallError with the status, retryability and URL, never the body', async () => {
    const url =
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent';
    const options = {
      url,
      method: 'generateContent',
      status: 503,
      body: '{"error":{"message":"echoed AIzaSyEXAMPLEKEY0000000000000000000000"}}',
      attempt: 2,
    };
    for (const _ of [1, 2]) {
      // A failed import is not kept: each failure tries again, and answers alike.
      const error = await apiCallErrorOf(options);
      expect(ApiCallError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ url, status: 503, isRetryable: true, attempt: 2 });
      expect(error.message).toMatch(
        /^generateContent failed with status 503; the error's description could not be loaded \(.+\)\.$/,
      );
      // Why, kept as the cause (here Vitest's wrap of the mock's TypeError).
      expect(error.cause).toBeInstanceOf(Error);
      expect(error.message).not.toContain('AIza');
      expect(error.responseBody).toBeUndefined();
    }
    const notRetryable = await apiCallErrorOf({ ...options, status: 400 });
    expect(notRetryable.isRetryable).toBe(false);
  });

  it('still gives a network failure an ApiCallError with the URL and why', async () => {
    const url = 'https://generativelanguage.googleapis.com/v1beta/models/x:generateContent';
    const error = await networkErrorOf({
      url,
      method: 'generateContent',
      cause: new TypeError('fetch failed'),
      attempt: 1,
    });
    expect(ApiCallError.isInstance(error)).toBe(true);
    // Retryable, as createNetworkError classifies fetch's generic network TypeError (leftovers46:
    // it was false, the classifier being in the chunk that did not load).
    expect(error).toMatchObject({ url, status: undefined, isRetryable: true, attempt: 1 });
    expect(error.message).toMatch(
      /^generateContent failed; the error's description could not be loaded \(.+\)\.$/,
    );
  });
});
