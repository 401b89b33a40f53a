import { describe, expect, it } from 'vitest';
import { ApiCallError } from '../errors/api-call-error.ts';
import { createGemini } from './create-gemini.ts';

// attack47a: countTokens fills an absent `totalTokens` with 0 (the API leaves out a zero, as proto3
// JSON does). A gateway answering in snake_case (`total_tokens`) was read as 0 tokens: a budget
// checked before a call took any prompt as free. attack47a refused it; snake47 reads it, as the
// model call reads a snake_case answer (the refusal this file asserted changed by design).

function countWith(body: unknown) {
  const gemini = createGemini({
    apiKey: 'AIzaSyAttack47aCountKeyXXXXXXXXXXXXXXXX',
    baseUrl: 'https://gw.test',
    retry: false,
    fetch: async () => Response.json(body),
  });
  return gemini.countTokens({ model: 'gemini-2.5-flash', contents: 'How long is this?' }).then(
    (value) => ({ resolved: value }),
    (error: unknown) => error,
  );
}

describe('countTokens against a gateway answering in snake_case', () => {
  it.each([
    [{ total_tokens: 5 }, 5],
    [{ total_tokens: '5' }, 5],
    [{ total_tokens: null, cached: 1 }, 0],
  ])('%j: read as %d tokens, as its camelCase twin is', async (body, tokens) => {
    const outcome = await countWith(body);
    // A null count is an absent one (0): nothing to rename, the key stays as it came.
    expect(outcome).toMatchObject({ resolved: { totalTokens: tokens } });
  });

  it('a snake_case count that is no count is refused as a camelCase one is, naming totalTokens', async () => {
    const outcome = await countWith({ total_tokens: 1.5 });
    expect(ApiCallError.isInstance(outcome)).toBe(true);
    expect((outcome as Error).message).toContain('`totalTokens` is not a token count');
    expect((outcome as ApiCallError).isRetryable).toBe(false);
  });

  it('an answer without either is still 0 tokens (the API leaves a zero out); both: the API spelling (held)', async () => {
    expect(await countWith({})).toEqual({ resolved: { totalTokens: 0 } });
    expect(await countWith({ totalTokens: 12, total_tokens: 99 })).toEqual({
      resolved: { totalTokens: 12, total_tokens: 99 },
    });
  });
});
