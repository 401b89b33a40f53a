import { describe, expect, it } from 'vitest';
import {
  findClientRefusal,
  getNetworkErrorCode,
  isTransientNetworkError,
} from './get-network-error-code.ts';

const withCode = (code: unknown, message = 'socket') => Object.assign(new Error(message), { code });

describe('getNetworkErrorCode', () => {
  it("finds the code in the cause of Node fetch's TypeError('fetch failed')", () => {
    const error = new TypeError('fetch failed', { cause: withCode('ECONNREFUSED') });
    expect(getNetworkErrorCode(error)).toBe('ECONNREFUSED');
  });

  it('finds the code inside an AggregateError of one error per address tried', () => {
    const aggregate = new AggregateError([withCode('ECONNREFUSED'), withCode('ENETUNREACH')]);
    const error = new TypeError('fetch failed', { cause: aggregate });
    expect(getNetworkErrorCode(error)).toBe('ECONNREFUSED');
  });

  it('skips ERR_INVALID_* codes, empty and non-string codes (a DOMException has a number)', () => {
    const error = withCode('ERR_INVALID_ARG_TYPE', 'x');
    (error as Error).cause = withCode(20, 'abort');
    ((error as Error).cause as Error).cause = withCode('', 'empty');
    expect(getNetworkErrorCode(error)).toBeUndefined();
  });

  it('stops on a cyclic cause chain and on a getter that throws', () => {
    const a = withCode(undefined, 'a');
    const b = withCode(undefined, 'b');
    (a as Error).cause = b;
    (b as Error).cause = a;
    expect(getNetworkErrorCode(a)).toBeUndefined();
    const hostile = {
      get code(): string {
        throw new Error('getter');
      },
    };
    expect(getNetworkErrorCode(hostile)).toBeUndefined();
    const proxy = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );
    expect(getNetworkErrorCode(proxy)).toBeUndefined();
  });

  it('looks no deeper than eight causes', () => {
    let error: Error = withCode('ECONNRESET');
    for (let depth = 0; depth < 8; depth++) error = new Error(`wrap ${depth}`, { cause: error });
    expect(getNetworkErrorCode(error)).toBeUndefined();
  });

  it('is undefined for primitives', () => {
    for (const value of [undefined, null, 'ECONNRESET', 42]) {
      expect(getNetworkErrorCode(value)).toBeUndefined();
    }
  });
});

describe('isTransientNetworkError', () => {
  it('retries the known transient codes and no other code', () => {
    expect(isTransientNetworkError(new Error('x'), 'ECONNRESET')).toBe(true);
    expect(isTransientNetworkError(new Error('x'), 'UND_ERR_HEADERS_TIMEOUT')).toBe(true);
    expect(isTransientNetworkError(new TypeError('fetch failed'), 'CERT_HAS_EXPIRED')).toBe(false);
    // An inherited name is no code of the table.
    expect(isTransientNetworkError(new Error('x'), 'toString')).toBe(false);
    expect(isTransientNetworkError(new Error('x'), '__proto__')).toBe(false);
  });

  it("retries fetch's generic network TypeErrors without a code, in every runtime's words", () => {
    for (const message of [
      'fetch failed',
      'Failed to fetch',
      'NetworkError when attempting to fetch resource.',
      'Network error',
    ]) {
      expect(isTransientNetworkError(new TypeError(message), undefined), message).toBe(true);
    }
    expect(isTransientNetworkError(new Error('fetch failed'), undefined)).toBe(false);
    expect(isTransientNetworkError(new TypeError('x is not a function'), undefined)).toBe(false);
  });

  it('does not retry a request fetch refused without sending (bad port, unknown scheme)', () => {
    for (const cause of [
      new Error('bad port'),
      new Error('unknown scheme'),
      withCode('ERR_INVALID_URL', 'Invalid URL'),
    ]) {
      const error = new TypeError('fetch failed', { cause });
      expect(isTransientNetworkError(error, undefined)).toBe(false);
    }
  });

  it('does not retry an answer fetch refused for listing too many content-codings (attack62b)', () => {
    const cause = new Error('too many content-encodings in response: 6, maximum allowed is 5');
    expect(isTransientNetworkError(new TypeError('fetch failed', { cause }), undefined)).toBe(
      false,
    );
  });
});

describe('findClientRefusal', () => {
  it("names fetch's refusal along the cause chain", () => {
    expect(findClientRefusal(new TypeError('fetch failed', { cause: new Error('bad port') }))).toBe(
      'bad port',
    );
    expect(findClientRefusal(withCode('ERR_INVALID_URL'))).toBe('Invalid URL');
    expect(findClientRefusal(new TypeError('fetch failed'))).toBeUndefined();
    expect(findClientRefusal(null)).toBeUndefined();
  });
});

describe('createNetworkError with a code named like an Object.prototype key', () => {
  it('neither retries it nor writes a function into the message', async () => {
    const { createNetworkError } = await import('./create-network-error.ts');
    for (const code of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const error = createNetworkError({
        url: 'https://generativelanguage.googleapis.com/v1beta/models/x:generateContent',
        method: 'generateContent',
        cause: new TypeError('fetch failed', { cause: withCode(code, 'odd socket') }),
      });
      expect(error.isRetryable, code).toBe(false);
      expect(error.message).not.toContain('function');
      expect(error.message).not.toContain('[native code]');
      expect(error.message).toContain(`(${code})`);
    }
  });
});
