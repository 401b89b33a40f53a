import { describe, expect, it } from 'vitest';
import {
  describeErrorChain,
  findErrorCode,
  redactError,
  withoutControls,
} from './describe-error-chain.ts';

// What the MCP tools say of a transport or server failure: Node's `fetch failed` hides the reason
// in `cause` (undici), and a connect to several addresses fails with an AggregateError whose
// `errors` hold the codes (net's autoSelectFamily); the chain is read bounded, whatever it holds.

const withCode = (message: string, code: string, cause?: unknown): Error =>
  Object.assign(new Error(message, { cause }), { code });

describe('describeErrorChain', () => {
  it('joins the messages of the causes, with a code the message does not already hold', () => {
    const error = new TypeError('fetch failed', {
      cause: withCode('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED'),
    });
    expect(describeErrorChain(error)).toBe('fetch failed: connect ECONNREFUSED 127.0.0.1:1');
    const coded = new Error('handshake failed', {
      cause: withCode('socket hang up', 'ECONNRESET'),
    });
    expect(describeErrorChain(coded)).toBe('handshake failed: socket hang up (ECONNRESET)');
  });

  it('leaves out an empty message and one a later cause repeats', () => {
    const error = new Error('', { cause: new Error('timeout', { cause: new Error('timeout') }) });
    expect(describeErrorChain(error)).toBe('timeout');
  });

  it('stops at five levels and on a cycle', () => {
    let deep: unknown = new Error('level 9');
    for (let level = 8; level >= 0; level--) deep = new Error(`level ${level}`, { cause: deep });
    expect(describeErrorChain(deep)).toBe('level 0: level 1: level 2: level 3: level 4');
    const first = new Error('first');
    const second = new Error('second', { cause: first });
    (first as { cause?: unknown }).cause = second;
    expect(describeErrorChain(first)).toBe('first: second');
  });

  it('describes a thrown value that is no Error, and says so when there is nothing', () => {
    expect(describeErrorChain('plain text')).toBe('plain text');
    expect(describeErrorChain(new Error('wrapped', { cause: 42 }))).toBe('wrapped: 42');
    expect(describeErrorChain(undefined)).toBe('unknown error');
    expect(describeErrorChain(new Error(''))).toBe('unknown error');
  });

  it('describes a cause that cannot be turned into a string instead of throwing', () => {
    // An object without a prototype has no toString: String() throws on it.
    const error = new Error('call failed', { cause: Object.create(null) });
    expect(describeErrorChain(error)).toBe('call failed: [object Object]');
    const hostile = {
      toString: () => {
        throw new Error('no');
      },
    };
    expect(describeErrorChain(new Error('call failed', { cause: hostile }))).toBe(
      'call failed: [object Object]',
    );
  });
});

describe('findErrorCode', () => {
  it('finds the first string code along the causes, and inside an AggregateError', () => {
    expect(findErrorCode(new Error('a', { cause: withCode('b', 'ENOENT') }))).toBe('ENOENT');
    const aggregate = new AggregateError([
      withCode('x', 'ECONNREFUSED'),
      withCode('y', 'ETIMEDOUT'),
    ]);
    expect(findErrorCode(new TypeError('fetch failed', { cause: aggregate }))).toBe('ECONNREFUSED');
  });

  it('skips codes that are no string or empty, and finds nothing in a value without one', () => {
    expect(findErrorCode(Object.assign(new Error('a'), { code: 42 }))).toBeUndefined();
    expect(findErrorCode(new Error('a', { cause: withCode('b', '') }))).toBeUndefined();
    expect(findErrorCode('ENOENT')).toBeUndefined();
    expect(findErrorCode(null)).toBeUndefined();
  });
});

describe('redactError', () => {
  const redact = (text: string) => text.replaceAll('sk-secret', '[redacted]');

  it('returns the error itself when no message along the chain holds a secret', () => {
    const error = new Error('clean', { cause: new Error('also clean') });
    expect(redactError(error, redact)).toBe(error);
  });

  it('replaces an error whose cause holds a secret with a copy of the redacted chain, name and code kept', () => {
    const error = Object.assign(
      new TypeError('request failed', { cause: new Error('401 for key sk-secret') }),
      { code: 'E_AUTH' },
    );
    const copy = redactError(error, redact) as Error & { code?: unknown };
    expect(copy).not.toBe(error);
    expect(copy.message).toBe('request failed (E_AUTH): 401 for key [redacted]');
    expect(copy.name).toBe('TypeError');
    expect(copy.code).toBe('E_AUTH');
    // The secret cannot leave through the cause either.
    expect(copy.cause).toBeUndefined();
    expect(JSON.stringify(copy, Object.getOwnPropertyNames(copy))).not.toContain('sk-secret');
  });
});

describe('withoutControls', () => {
  it('takes out controls, separators and every bidi character (an Arabic letter mark was kept)', () => {
    expect(withoutControls('a\u001b[2Jb\u2028c\u061cd\u200ee\u202ef\u2066g')).toBe('a[2Jbcdefg');
  });
});
