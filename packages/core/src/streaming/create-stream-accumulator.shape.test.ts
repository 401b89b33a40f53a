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

  it("shares one hidden class for the answer's text part, signed by its last chunk (Gemini 3)", () => {
    // Gemini 3 signs a streamed text on a last, empty text part (the signature is added to the
    // part being merged): a copy made as a spread got a map of its own there once warm, so its
    // snapshot missed V8's caches each run, 2 misses and about 4k instructions a streamed run.
    const parts = Array.from({ length: STREAMS }, (_, index) => {
      const accumulator = createStreamAccumulator();
      for (const text of [`Answer ${index}`, '.', '']) {
        const part =
          text === '' ? `{"text":"","thoughtSignature":"c2ln${index}"}` : `{"text":"${text}"}`;
        accumulator.push(
          JSON.parse(
            `{"candidates":[{"index":0,"content":{"role":"model","parts":[${part}]}}]}`,
          ) as GenerateContentResponse,
        );
      }
      return accumulator.response().candidates?.[0]?.content?.parts?.[0] as object;
    });
    for (const part of parts) expect(haveSameMap(parts[0] as object, part)).toBe(true);
    expect(parts[STREAMS - 1]).toEqual({
      text: `Answer ${STREAMS - 1}.`,
      thoughtSignature: `c2ln${STREAMS - 1}`,
    });
    expect(Object.keys(parts[STREAMS - 1] as object)).toEqual(['text', 'thoughtSignature']);
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
