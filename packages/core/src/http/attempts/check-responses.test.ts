import { describe, expect, it } from 'vitest';
import { ApiCallError } from '../../errors/api-call-error.ts';
import {
  checkCachedContentResponse,
  checkCacheListResponse,
  checkCountTokensResponse,
  checkListModelsResponse,
  checkModelResponse,
} from './check-resource-responses.ts';
import { type CheckContext, checkGenerateContentResponse } from './check-responses.ts';
import { ErrorBodyRead, readJsonResponse } from './read-json-response.ts';

// 2xx bodies as a gateway or a hostile server may send them: what the method returns goes through
// (leniently: unknown fields kept, omitted proto3 defaults filled in), anything else is a
// non-retryable ApiCallError that quotes the start of the body with the key taken out.

const KEY = 'AIzaSy-test-key-0123456789';

function context(text: string, headers: Record<string, string> = {}): CheckContext {
  return {
    text,
    status: 200,
    response: { headers },
    attempt: 1,
    url: 'https://gateway.example/v1beta/models/m:generateContent',
    method: 'generateContent',
    redact: [KEY],
  };
}

/** What readJsonResponse gives or throws, with an error body's error awaited. */
async function read(text: string, headers: Record<string, string> = {}): Promise<unknown> {
  try {
    const value = readJsonResponse({ ...context(text, headers), auth: 'x-goog-api-key' });
    return value instanceof ErrorBodyRead ? await value.error : value;
  } catch (error) {
    return error;
  }
}

function thrown(check: () => unknown): ApiCallError {
  try {
    check();
  } catch (error) {
    if (ApiCallError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an ApiCallError');
}

describe('readJsonResponse', () => {
  it('returns the parsed body of a 2xx response', async () => {
    expect(await read('{"candidates":[]}')).toEqual({ candidates: [] });
    expect(await read(' [1, 2] ')).toEqual([1, 2]);
  });

  it('refuses a body that is not JSON, quoting its start without the key, not retried', async () => {
    const page = `<html>proxy says ${KEY} ${'x'.repeat(500)}</html>`;
    const error = (await read(page, { 'x-goog-api-key': KEY })) as ApiCallError;
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect(error.isRetryable).toBe(false);
    expect(error.status).toBe(200);
    expect(error.message).toMatch(
      /^generateContent returned a 200 body that is not JSON\. Check that the baseUrl points at a Gemini-compatible API\. The body starts: "<html>proxy says /,
    );
    expect(error.message).toContain('..."');
    expect(
      JSON.stringify([error.message, error.responseBody, error.responseHeaders]),
    ).not.toContain(KEY);
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it('reads an error object in a 2xx body (a gateway answering errors with 200) as that error', async () => {
    const body = JSON.stringify({
      error: { code: 429, message: 'Resource exhausted.', status: 'RESOURCE_EXHAUSTED' },
    });
    for (const text of [body, `[${body}]`]) {
      const error = (await read(text)) as ApiCallError;
      expect(ApiCallError.isInstance(error)).toBe(true);
      expect(error.status).toBe(429);
      expect(error.isRetryable).toBe(true);
      expect(error.message).toContain('Resource exhausted.');
    }
  });

  it('keeps a resource that carries an error field of its own (a failed file, a batch operation)', async () => {
    const file = { name: 'files/abc', state: 'FAILED', error: { code: 3, message: 'bad pdf' } };
    expect(await read(JSON.stringify(file))).toEqual(file);
    const answer = { candidates: [{ content: { parts: [] } }], error: { note: 'x' } };
    expect(await read(JSON.stringify(answer))).toEqual(answer);
  });

  it('keeps a body whose error is no error, or only inherited through __proto__', async () => {
    expect(await read('{"error":null}')).toEqual({ error: null });
    expect(await read('{"error":false}')).toEqual({ error: false });
    expect(await read('{"error":" "}')).toEqual({ error: ' ' });
    const value = (await read('{"__proto__":{"error":{"code":500}}}')) as Record<string, unknown>;
    expect(ApiCallError.isInstance(value)).toBe(false);
    expect(Object.keys(value)).toEqual(['__proto__']);
  });

  it("takes a gateway's error text as its error, as a stream's event is (attack60b)", async () => {
    // This file pinned `{"error":"text"}` as an answer: a generateContent call got an empty
    // response where its streamed twin failed with the text.
    const error = await read('{"error":"model not found"}');
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ apiMessage: 'model not found', isRetryable: false });
  });
});

describe('checkGenerateContentResponse', () => {
  it('returns the body as it is, unknown fields kept', () => {
    const body = {
      candidates: [{ content: { role: 'model', parts: [{ text: 'hi' }] } }],
      future: 1,
    };
    expect(checkGenerateContentResponse(body, context('{}'))).toBe(body);
  });

  it('names where a body that is not a response went wrong', () => {
    const error = thrown(() => checkGenerateContentResponse({ candidates: 'none' }, context('{}')));
    expect(error.message).toMatch(/not a GenerateContentResponse: `candidates`/);
    expect(error.isRetryable).toBe(false);
    expect(thrown(() => checkGenerateContentResponse(null, context('null'))).message).toMatch(
      /not a GenerateContentResponse: the body/,
    );
  });
});

describe('checkCountTokensResponse', () => {
  it('reads an omitted or null total as 0 (proto3 leaves 0 out) and a digit string as its number', () => {
    expect(checkCountTokensResponse({}, context('{}')).totalTokens).toBe(0);
    expect(checkCountTokensResponse({ totalTokens: null }, context('{}')).totalTokens).toBe(0);
    expect(checkCountTokensResponse({ totalTokens: '1234' }, context('{}')).totalTokens).toBe(1234);
    expect(checkCountTokensResponse({ totalTokens: 2 ** 31 - 1 }, context('{}')).totalTokens).toBe(
      2 ** 31 - 1,
    );
  });

  it.each([-1, 1.5, 2 ** 31, '1e3', ' 12', Number.NaN, true, {}])(
    'refuses %j as a count (a budget check on it would pass when it should fail)',
    (totalTokens) => {
      expect(
        thrown(() => checkCountTokensResponse({ totalTokens }, context('{}'))).message,
      ).toContain('`totalTokens` is not a token count');
    },
  );

  it('refuses a body that is not an object', () => {
    for (const body of [[], 'x', 3, null])
      expect(thrown(() => checkCountTokensResponse(body, context('[]'))).message).toContain(
        'not an object',
      );
  });
});

describe('checkListModelsResponse and checkModelResponse', () => {
  it('reads an empty page (models omitted) as [] and keeps the page token', () => {
    expect(checkListModelsResponse({}, context('{}'))).toEqual({ models: [] });
    const page = { models: [{ name: 'models/a' }], nextPageToken: 'next' };
    expect(checkListModelsResponse(page, context('{}'))).toEqual(page);
  });

  it('refuses models without a name, a page token that is not a string, a model that is not one', () => {
    for (const page of [
      { models: [{ displayName: 'a' }] },
      { models: {} },
      { models: [null] },
      { models: [], nextPageToken: 7 },
    ])
      expect(() => checkListModelsResponse(page, context('{}'))).toThrow(ApiCallError);
    expect(checkModelResponse({ name: 'models/a', x: 1 }, context('{}'))).toEqual({
      name: 'models/a',
      x: 1,
    });
    for (const model of [{ name: 1 }, [{ name: 'a' }], null])
      expect(() => checkModelResponse(model, context('{}'))).toThrow(/not a model with a `name`/);
  });
});

describe('checkCachedContentResponse and checkCacheListResponse', () => {
  it('takes a cache with a name, and an empty page as []', () => {
    expect(checkCachedContentResponse({ name: 'cachedContents/x' }, context('{}'))).toEqual({
      name: 'cachedContents/x',
    });
    expect(checkCacheListResponse({}, context('{}'))).toEqual({ cachedContents: [] });
    expect(checkCacheListResponse({ cachedContents: null }, context('{}'))).toEqual({
      cachedContents: [],
    });
  });

  it('refuses a cache without a name, a list of other things, and a bad page token', () => {
    expect(() => checkCachedContentResponse({ model: 'm' }, context('{}'))).toThrow(
      /not a CachedContent with a `name`/,
    );
    for (const page of [
      [],
      { cachedContents: [{}] },
      { cachedContents: 'x' },
      { nextPageToken: {} },
    ])
      expect(() => checkCacheListResponse(page, context('{}'))).toThrow(ApiCallError);
  });
});
