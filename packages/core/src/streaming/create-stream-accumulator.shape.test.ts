import { describe, expect, it } from 'vitest';
import { compileNative, haveSameMap, SPREAD_DETACHES_MAPS } from '../__fixtures__/have-same-map.ts';
import type { GenerateContentResponse } from '../wire/response.ts';
import { createStreamAccumulator } from './create-stream-accumulator.ts';

/** More streams than V8 takes to warm the site up (a spread diverges from the 9th). */
const STREAMS = 40;

/** One streamed answer of two chunks, parsed as the client parses them (fresh objects each time). */
function foldAnswer(index: number): GenerateContentResponse {
  const accumulator = createStreamAccumulator();
  accumulator.push(
    JSON.parse(
      `{"candidates":[{"index":0,"content":{"role":"model","parts":[{"text":"Answer ${index}"}]}}]}`,
    ) as GenerateContentResponse,
  );
  accumulator.push(
    JSON.parse(
      '{"candidates":[{"index":0,"content":{"role":"model","parts":[{"text":"."}]},"finishReason":"STOP"}]}',
    ) as GenerateContentResponse,
  );
  return accumulator.response();
}

describe("the content of a streamed answer's candidate", () => {
  it('shares one hidden class from stream to stream, so the step and the next request read it without cache misses', () => {
    const contents = Array.from(
      { length: STREAMS },
      (_, index) => foldAnswer(index).candidates?.[0]?.content as object,
    );
    for (const content of contents) expect(haveSameMap(contents[0] as object, content)).toBe(true);
    expect(contents[STREAMS - 1]).toEqual({
      role: 'model',
      parts: [{ text: `Answer ${STREAMS - 1}.` }],
    });
    // The fields keep the order the stream sent them in (the request body writes them so).
    expect(Object.keys(contents[STREAMS - 1] as object)).toEqual(['role', 'parts']);
  });

  // Why the content is assigned into a new object: on Node 20 (V8 11) a spread of the fields with
  // `parts` added makes each content a map of its own once warm.
  it.runIf(SPREAD_DETACHES_MAPS)('would not, made as a spread with parts added (V8 11)', () => {
    const spread = compileNative<(fields: object, parts: unknown) => object>(
      ['fields', 'parts'],
      'const content = { ...fields }; content.parts = parts; return content;',
    );
    const made = Array.from({ length: STREAMS }, (_, index) =>
      spread(JSON.parse('{"role":"model"}') as object, [{ text: `${index}` }]),
    );
    expect(haveSameMap(made[STREAMS - 2] as object, made[STREAMS - 1] as object)).toBe(false);
  });
});
