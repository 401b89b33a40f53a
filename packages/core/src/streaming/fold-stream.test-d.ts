import { describe, expectTypeOf, it } from 'vitest';
import { parseGenerateContentResponse } from '../wire/parse-generate-content-response.ts';
import type { GenerateContentResponse } from '../wire/response.ts';
import { createStreamAccumulator, type StreamAccumulator } from './create-stream-accumulator.ts';
import { foldStream } from './fold-stream.ts';

describe('foldStream types', () => {
  it('takes async and sync iterables of chunks and resolves to a response', () => {
    async function* live(): AsyncGenerator<GenerateContentResponse> {}
    expectTypeOf(foldStream(live())).toEqualTypeOf<Promise<GenerateContentResponse>>();
    expectTypeOf(foldStream([{ candidates: [] }])).toEqualTypeOf<
      Promise<GenerateContentResponse>
    >();
    // @ts-expect-error: not chunks
    void foldStream([{ candidates: 'x' }]);
  });

  it('gives an accumulator whose response is a GenerateContentResponse', () => {
    const accumulator = createStreamAccumulator();
    expectTypeOf(accumulator).toEqualTypeOf<StreamAccumulator>();
    expectTypeOf(accumulator.push).parameter(0).toEqualTypeOf<GenerateContentResponse>();
    expectTypeOf(accumulator.response()).toEqualTypeOf<GenerateContentResponse>();
  });

  it('narrows the parse result on ok', () => {
    const result = parseGenerateContentResponse(JSON.parse('{}'));
    if (result.ok) expectTypeOf(result.value).toEqualTypeOf<GenerateContentResponse>();
    else expectTypeOf(result).toEqualTypeOf<{ ok: false; message: string; path: string }>();
  });
});
