import { describe, expect, it } from 'vitest';
import { ApiCallError } from '../errors/api-call-error.ts';
import { createGemini } from './create-gemini.ts';

// attack47a: countTokens fills an absent `totalTokens` with 0 (the API leaves out a zero, as proto3
// JSON does). A gateway answering in snake_case (`total_tokens`) was read as 0 tokens: a budget
// checked before a call took any prompt as free.

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
  it.each([{ total_tokens: 5 }, { total_tokens: '5' }, { total_tokens: null, cached: 1 }])(
    '%j: a typed ApiCallError naming both spellings, never 0 tokens',
    async (body) => {
      const outcome = await countWith(body);
      expect(ApiCallError.isInstance(outcome)).toBe(true);
      expect((outcome as Error).message).toContain('total_tokens');
      expect((outcome as Error).message).toContain('totalTokens');
      expect((outcome as ApiCallError).isRetryable).toBe(false);
    },
  );

  it('an answer without either is still 0 tokens (the API leaves a zero out); both: the API spelling (held)', async () => {
    expect(await countWith({})).toEqual({ resolved: { totalTokens: 0 } });
    expect(await countWith({ totalTokens: 12, total_tokens: 99 })).toEqual({
      resolved: { totalTokens: 12, total_tokens: 99 },
    });
  });
});
