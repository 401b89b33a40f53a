import { describe, expectTypeOf, it } from 'vitest';
import { createLogger } from '../logging/create-logger.ts';
import type { CountTokensResponse, ListModelsResponse, Model } from '../wire/models.ts';
import type { GenerateContentResponse } from '../wire/response.ts';
import { createGemini } from './create-gemini.ts';
import type { CreateGeminiOptions, Gemini } from './gemini.ts';

describe('createGemini types', () => {
  it('returns a Gemini whose methods return the wire types', () => {
    const gemini = createGemini({ apiKey: 'k' });
    expectTypeOf(gemini).toEqualTypeOf<Gemini>();
    expectTypeOf(gemini.generateContent({ model: 'm', contents: 'x' })).toEqualTypeOf<
      Promise<GenerateContentResponse>
    >();
    expectTypeOf(gemini.streamGenerateContent({ model: 'm', contents: 'x' })).toEqualTypeOf<
      AsyncIterable<GenerateContentResponse>
    >();
    expectTypeOf(gemini.countTokens({ model: 'm', contents: 'x' })).toEqualTypeOf<
      Promise<CountTokensResponse>
    >();
    expectTypeOf(gemini.listModels()).toEqualTypeOf<Promise<ListModelsResponse>>();
    expectTypeOf(gemini.getModel('m')).toEqualTypeOf<Promise<Model>>();
  });

  it('takes a createLogger logger and rejects unknown auth styles', () => {
    expectTypeOf(createLogger()).toExtend<NonNullable<CreateGeminiOptions['logger']>>();
    // @ts-expect-error: only 'x-goog-api-key' and 'bearer' exist
    createGemini({ apiKey: 'k', auth: 'query' });
    // @ts-expect-error: countTokens takes contents or generateContentRequest
    createGemini({ apiKey: 'k' }).countTokens({ model: 'm' });
  });
});
