import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createGemini } from '../http/create-gemini.ts';
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

  it('names the fetch option only when one was given', () => {
    const cause = new RangeError('something odd');
    const without = createNetworkError({ url, method: 'generateContent', cause });
    expect(without.message).toContain('check the baseUrl');
    expect(without.message).not.toContain('fetch option');
    const given = createNetworkError({ url, method: 'generateContent', cause, fetchGiven: true });
    expect(given.message).toContain('check the baseUrl and the fetch option');
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

describe('createNetworkError for a request fetch refuses before sending', () => {
  // fetch refuses some requests on the client side (a port browsers and Node block, a scheme it
  // does not speak, a URL it cannot parse): the same request is refused every time, so retrying
  // only waits (three retries took 6.8 s). The errors are Node's own, made by calling its fetch;
  // no connection is opened for any of them.
  async function refusal(target: string): Promise<unknown> {
    try {
      await globalThis.fetch(target, { redirect: 'error' });
    } catch (error) {
      return error;
    }
    throw new Error(`fetch(${target}) did not fail`);
  }

  for (const [what, target, words] of [
    ['a blocked port (6000, X11)', 'http://127.0.0.1:6000/v1beta/models', 'bad port'],
    ['a blocked port (1)', 'http://127.0.0.1:1/v1beta/models', 'bad port'],
    ['an unsupported scheme', 'ftp://127.0.0.1/v1beta/models', 'unknown scheme'],
    ['a URL it cannot parse', 'http://127.0.0.1:70000/v1beta/models', 'Invalid URL'],
  ] as const) {
    it(`is not retryable for ${what}, and says why`, async () => {
      const error = createNetworkError({
        url: target,
        method: 'generateContent',
        cause: await refusal(target),
      });
      expect(error.isRetryable).toBe(false);
      expect(error.message).toContain(words);
      expect(error.message).toContain('Not retried');
    });
  }

  it('is thrown after one attempt by a client whose baseUrl has a blocked port', async () => {
    let attempts = 0;
    const gemini = createGemini({
      apiKey: 'AIzaRefusalTest-0123456789',
      baseUrl: 'http://127.0.0.1:6000',
      retry: { initialDelayMs: 1 },
      fetch: (input, init) => {
        attempts++;
        return globalThis.fetch(input, init);
      },
    });
    const error = await gemini.getModel('gemini-2.5-flash').catch((caught: unknown) => caught);
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect((error as ApiCallError).isRetryable).toBe(false);
    expect(attempts).toBe(1);
  });

  it('still retries the generic fetch failed without a known refusal', () => {
    const error = createNetworkError({
      url,
      method: 'generateContent',
      cause: new TypeError('fetch failed', { cause: new Error('other side hung up') }),
    });
    expect(error.isRetryable).toBe(true);
  });

  it("cuts a custom fetch's 5 MB message at 1,000 characters, keeping the host and the advice", async () => {
    const huge = `socket says ${'x'.repeat(5_000_000)}`;
    const gemini = createGemini({
      apiKey: 'AIzaHugeMessageTest-0123456789',
      retry: { maxRetries: 0 },
      fetch: async () => {
        throw new Error(huge);
      },
    });
    const error = await gemini.getModel('gemini-2.5-flash').catch((caught: unknown) => caught);
    expect(ApiCallError.isInstance(error)).toBe(true);
    const { message } = error as ApiCallError;
    expect(message.length).toBeLessThan(1_400);
    expect(message).toContain('could not reach generativelanguage.googleapis.com: socket says xxx');
    expect(message).toContain(`[${huge.length - 1_000} characters omitted]`);
    expect(message).toContain('Not retried: check the baseUrl and the fetch option.');
    // The error keeps what was thrown, whole, as its cause.
    expect(((error as ApiCallError).cause as Error).message).toBe(huge);
  });

  it('redacts a secret before the cut, so a key the cut goes through keeps none of its start', () => {
    const key = 'AIzaCutThroughKey-0123456789abcdef';
    const error = createNetworkError({
      url,
      method: 'generateContent',
      cause: new Error(`${'y'.repeat(990)}${key}`),
      redact: [key],
    });
    expect(error.message).not.toContain('AIza');
    expect(error.message).toContain('[redacted]');
  });
});
