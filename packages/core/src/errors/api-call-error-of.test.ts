import { describe, expect, it } from 'vitest';
import { createApiCallError } from './api-call/create-api-call-error.ts';
import { ApiCallError } from './api-call-error.ts';
import { apiCallErrorOf, networkErrorOf } from './api-call-error-of.ts';
import { createNetworkError } from './create-network-error.ts';

// Its own module graph (vitest.config.ts, CORE_ISOLATED): nothing before this file has loaded
// the error's description, so the first failure is the one that imports it. The static import of
// createApiCallError above is only the reference the lazy result is compared with; it resolves to
// the same module instance, so the first call here still goes through the load (LoadOnce keeps
// the value of its own import).
describe('apiCallErrorOf', () => {
  it('describes the first failure by import(), then at once, the same error as createApiCallError', async () => {
    const options = {
      url: 'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent',
      method: 'generateContent',
      status: 429,
      body: JSON.stringify({
        error: { code: 429, message: 'Resource has been exhausted.', status: 'RESOURCE_EXHAUSTED' },
      }),
      attempt: 1,
    };
    const first = apiCallErrorOf(options);
    expect(first).toBeInstanceOf(Promise);
    const error = await first;
    expect(ApiCallError.isInstance(error)).toBe(true);
    const direct = createApiCallError(options);
    expect(error.message).toBe(direct.message);
    expect(error).toMatchObject({
      status: 429,
      isRetryable: true,
      googleStatus: 'RESOURCE_EXHAUSTED',
      attempt: 1,
    });
    const later = apiCallErrorOf(options);
    expect(later).not.toBeInstanceOf(Promise);
    expect((later as ApiCallError).message).toBe(direct.message);
  });

  it('describes a network failure from the same chunk, as createNetworkError does', async () => {
    // The chunk is loaded by the test above (same file, same module graph): at once here.
    const options = {
      url: 'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent',
      method: 'generateContent',
      cause: Object.assign(new TypeError('fetch failed'), {
        cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      }),
      attempt: 1,
    };
    const error = await networkErrorOf(options);
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect(error.message).toBe(createNetworkError(options).message);
    expect(error).toMatchObject({ isRetryable: true, status: undefined, cause: options.cause });
  });
});
