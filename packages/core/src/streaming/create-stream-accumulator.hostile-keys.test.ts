import { describe, expect, it } from 'vitest';
import type { GenerateContentResponse } from '../wire/response.ts';
import { createStreamAccumulator } from './create-stream-accumulator.ts';

// A unary call's JSON.parse keeps a `__proto__` key as an own data property; a streamed call must
// fold it the same way (kept as data, sent back verbatim), never make it the prototype of the
// folded response, candidate or content.

function fold(...chunks: string[]): GenerateContentResponse {
  const accumulator = createStreamAccumulator();
  for (const chunk of chunks) accumulator.push(JSON.parse(chunk) as GenerateContentResponse);
  return accumulator.response();
}

describe('createStreamAccumulator with __proto__ keys from the stream', () => {
  it('keeps them as own keys of the response, the candidate and the content', () => {
    const response = fold(
      '{"candidates":[{"index":0,"content":{"role":"model","parts":[{"text":"Hel"}],"__proto__":{"injected":1}},"__proto__":{"finishReason":"SAFETY"}}],"__proto__":{"modelVersion":"fake"}}',
      '{"candidates":[{"index":0,"content":{"role":"model","parts":[{"text":"lo"}]},"finishReason":"STOP"}],"modelVersion":"gemini-2.5-flash"}',
    );
    const candidate = response.candidates?.[0] as Record<string, unknown>;
    const content = candidate['content'] as Record<string, unknown>;
    for (const value of [response, candidate, content]) {
      expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
      expect(Object.hasOwn(value, '__proto__')).toBe(true);
    }
    expect(content['parts']).toEqual([{ text: 'Hello' }]);
    expect(content['injected']).toBeUndefined();
    expect(candidate['finishReason']).toBe('STOP');
    expect(response.modelVersion).toBe('gemini-2.5-flash');
  });

  it('folds to the JSON a unary call would have parsed, __proto__ key included', () => {
    const response = fold(
      '{"candidates":[{"index":0,"content":{"role":"model","parts":[{"text":"Hi"}]},"__proto__":{"x":1}}]}',
    );
    expect(JSON.stringify(response.candidates?.[0])).toBe(
      '{"content":{"role":"model","parts":[{"text":"Hi"}]},"index":0,"__proto__":{"x":1}}',
    );
  });
});
