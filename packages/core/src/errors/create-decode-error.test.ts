import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ApiCallError } from './api-call-error.ts';
import {
  createDecodeError,
  describeDecodeFailure,
  findDecodeFailure,
} from './create-decode-error.ts';

function zlibFailure(): Error {
  try {
    gunzipSync(Buffer.from('this is not gzip'));
  } catch (error) {
    return error as Error;
  }
  throw new Error('gunzip accepted plain text');
}

describe('findDecodeFailure', () => {
  it("finds node:zlib's own error, as the node transport throws it", () => {
    const failure = findDecodeFailure(zlibFailure());
    expect(failure?.code).toMatch(/^Z_/);
    expect(failure?.message).toBeTypeOf('string');
  });

  it("finds it as the cause of Node fetch's TypeError('terminated')", () => {
    const error = new TypeError('terminated', { cause: zlibFailure() });
    expect(findDecodeFailure(error)?.code).toMatch(/^Z_/);
  });

  it('reads a brotli decoder code, and uses the code as message when there is none', () => {
    expect(findDecodeFailure({ code: 'ERR__ERROR_FORMAT_PADDING_1' })).toEqual({
      code: 'ERR__ERROR_FORMAT_PADDING_1',
      message: 'ERR__ERROR_FORMAT_PADDING_1',
    });
  });

  it('is undefined for a network failure, a plain error and values that are not objects', () => {
    for (const error of [
      Object.assign(new Error('reset'), { code: 'ECONNRESET' }),
      new Error('x'),
      'Z_DATA_ERROR',
      null,
      undefined,
      { code: 'z_data_error' },
      { code: 'Z_DATA_ERROR; drop table' },
    ]) {
      expect(findDecodeFailure(error)).toBeUndefined();
    }
  });

  it('stops on a cause chain that loops, and on a getter that throws', () => {
    const loop: { cause?: unknown } = {};
    loop.cause = loop;
    expect(findDecodeFailure(loop)).toBeUndefined();
    const hostile = {
      get code(): string {
        throw new Error('boom');
      },
    };
    expect(findDecodeFailure(hostile)).toBeUndefined();
  });

  it('looks no deeper than eight causes', () => {
    let error: unknown = { code: 'Z_BUF_ERROR', message: 'unexpected end of file' };
    for (let depth = 0; depth < 7; depth++) error = { cause: error };
    expect(findDecodeFailure(error)?.code).toBe('Z_BUF_ERROR');
    expect(findDecodeFailure({ cause: error })).toBeUndefined();
  });
});

describe('createDecodeError', () => {
  it('names the response, its coding and the decoder, and is not retried', () => {
    const cause = zlibFailure();
    const failure = findDecodeFailure(cause);
    if (failure === undefined) throw new Error('no failure');
    const error = createDecodeError({
      url: 'https://gateway.example/v1beta/models/m:generateContent',
      method: 'generateContent',
      status: 200,
      contentEncoding: 'gzip',
      failure,
      attempt: 1,
      cause,
    });
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect(error.isRetryable).toBe(false);
    expect(error.status).toBe(200);
    expect(error.cause).toBe(cause);
    expect(error.message).toMatch(
      /^generateContent got a 200 response, but the body could not be decoded as its content-encoding header says \(content-encoding: gzip\): .+ \(Z_[A-Z_]+\)\. The bytes are not valid gzip: the server or a proxy/,
    );
    expect(error.message).toMatch(/Not retried\.$/);
  });

  it('says the header was missing, and suspects a fetch function only when one was given', () => {
    const failure = { code: 'Z_DATA_ERROR', message: 'incorrect header check' };
    expect(describeDecodeFailure({ contentEncoding: null, failure })).toContain(
      '(content-encoding: (no header))',
    );
    expect(describeDecodeFailure({ contentEncoding: 'br', failure, fetchGiven: true })).toContain(
      'the fetch function you passed, the server or a proxy',
    );
    expect(describeDecodeFailure({ contentEncoding: 'br', failure })).not.toContain('fetch');
  });

  it('scrubs a secret a decoder message echoes', () => {
    const error = createDecodeError({
      url: 'u',
      method: 'generateContent',
      status: 200,
      contentEncoding: 'gzip',
      failure: { code: 'Z_DATA_ERROR', message: 'bad byte near AIzaSecretKey123' },
      cause: undefined,
      redact: ['AIzaSecretKey123'],
    });
    expect(error.message).not.toContain('AIzaSecretKey123');
  });
});
