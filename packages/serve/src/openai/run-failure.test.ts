import { GemloopError } from '@gemloop/core/errors';
import { describe, expect, it } from 'vitest';
import { errorResponse, jsonResponse } from './json-response.ts';
import { OpenAIRequestError } from './openai-request-error.ts';
import { runFailure } from './run-failure.ts';

// What an OpenAI client is told when a run fails or a request is refused: OpenAI's error shape,
// fixed words for a failed run (never the error's own message), and the headers each status needs.

describe('runFailure', () => {
  it('never shows a thrown error`s own words: they may quote a key or an address', () => {
    const body = runFailure(new Error('connect ECONNREFUSED 10.0.0.5:5432 with key AIzaSy-secret'));
    expect(body).toEqual({
      error: { message: expect.any(String), type: 'server_error', param: null, code: 'run_failed' },
    });
    expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|AIzaSy|10\.0\.0\.5/);
  });

  it('names the code of gemloop`s own errors, with words fixed for that code', () => {
    const body = runFailure(
      new GemloopError({
        message: 'internal detail: /srv/app/tool.ts',
        code: 'max-steps-exceeded',
      } as never),
    );
    expect(body.error.type).toBe('server_error');
    expect(JSON.stringify(body)).not.toContain('/srv/app');
  });

  it('answers anything thrown, not only errors', () => {
    for (const thrown of ['text', 42, null, undefined, { message: 'an object' }]) {
      expect(runFailure(thrown).error.code, String(thrown)).toBe('run_failed');
    }
  });
});

describe('errorResponse', () => {
  const refused = (status: number) =>
    errorResponse(
      new OpenAIRequestError({
        status,
        type: 'invalid_request_error',
        errorCode: 'x',
        param: 'messages',
        message: 'Bad.',
      }),
    );

  it('is OpenAI`s error body with the error`s status, a 401 asking for a bearer token', async () => {
    const response = refused(401);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await response.json()).toEqual({
      error: { message: 'Bad.', type: 'invalid_request_error', param: 'messages', code: 'x' },
    });
    expect(refused(400).headers.get('www-authenticate')).toBeNull();
  });
});

describe('jsonResponse', () => {
  it('is JSON with the status and any extra headers', async () => {
    const response = jsonResponse({ ok: true }, 429, {
      'retry-after': '3',
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ ok: true });
  });
});
