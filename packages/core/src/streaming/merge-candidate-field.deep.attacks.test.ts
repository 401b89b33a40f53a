import { describe, expect, it } from 'vitest';
import type { GenerateContentResponse } from '../wire/response.ts';
import { createStreamAccumulator } from './create-stream-accumulator.ts';

// attack27: the stream fold unites `citationMetadata` and `urlContextMetadata` lists across
// chunks, an entry repeated verbatim kept once (compared as JSON). An entry nested 100,000 deep
// (a gateway's, or a model's citation of itself) cannot be written as JSON: the fold threw
// "Maximum call stack size exceeded", and a streamed run failed (`ModelCallError`, a raw gateway on
// 127.0.0.1) where the same answer unary was read. Such an entry is now kept as it is (never
// equal to another), and the stream is read as the unary answer is.

function deep(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { uri: 'https://a.example/' };
  for (let level = 0; level < levels; level++) value = { a: value };
  return value;
}

function chunk(text: string, fields: Record<string, unknown>): GenerateContentResponse {
  return {
    candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0, ...fields }],
  } as GenerateContentResponse;
}

describe('metadata entries nested too deep for JSON, across stream chunks (attack27)', () => {
  const cases: [string, (entry: unknown) => Record<string, unknown>, string, string][] = [
    [
      'citationMetadata',
      (entry) => ({ citationMetadata: { citations: [entry] } }),
      'citationMetadata',
      'citations',
    ],
    [
      'urlContextMetadata',
      (entry) => ({ urlContextMetadata: { urlMetadata: [entry] } }),
      'urlContextMetadata',
      'urlMetadata',
    ],
  ];
  for (const [name, fields, field, list] of cases) {
    it(`${name}: folded, each chunk's entry kept`, () => {
      const accumulator = createStreamAccumulator();
      const plain = { uri: 'https://b.example/' };
      accumulator.push(chunk('a', fields(deep(100_000))));
      accumulator.push(chunk('b', fields(plain)));
      accumulator.push(chunk('c', fields(plain)));
      const candidate = accumulator.response().candidates?.[0] as Record<string, unknown>;
      const entries = (candidate[field] as Record<string, unknown[]>)[list] as unknown[];
      expect(entries).toHaveLength(2);
      expect(entries[1]).toEqual(plain);
      expect(candidate['content']).toEqual({ role: 'model', parts: [{ text: 'abc' }] });
    });
  }
});
