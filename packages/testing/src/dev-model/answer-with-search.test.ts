import { describe, expect, it } from 'vitest';
import { answerWithSearch, declaresGoogleSearch } from './answer-with-search.ts';

// The demo model's simulated Google Search: a grounded answer whose one source is the search
// itself, with the question as its query.

describe('declaresGoogleSearch', () => {
  it('finds the tool in either spelling among others', () => {
    expect(
      declaresGoogleSearch({ tools: [{ functionDeclarations: [] }, { googleSearch: {} }] }),
    ).toBe(true);
    expect(declaresGoogleSearch({ tools: [{ google_search: {} }] })).toBe(true);
  });

  it('answers false without it or for hostile shapes', () => {
    for (const body of [
      {},
      { tools: 'googleSearch' },
      { tools: [null, 'googleSearch', ['googleSearch']] },
      { tools: [{ googleSearchRetrieval: {} }] },
    ]) {
      expect(declaresGoogleSearch(body), JSON.stringify(body)).toBe(false);
    }
  });
});

describe('answerWithSearch', () => {
  it('answers grounded on the search URL of the trimmed question', () => {
    const answer = answerWithSearch('  weather in Paris & Lyon?  ', {});
    expect(answer.parts?.[0]?.text).toContain('Simulated search for "weather in Paris & Lyon?"');
    const chunk = answer.groundingMetadata?.groundingChunks?.[0];
    expect(chunk?.web?.uri).toBe(
      'https://www.google.com/search?q=weather%20in%20Paris%20%26%20Lyon%3F',
    );
    expect(answer.groundingMetadata?.webSearchQueries).toEqual(['weather in Paris & Lyon?']);
  });

  it('cuts a long question to 200 characters, never inside an emoji', () => {
    const answer = answerWithSearch(`x${'😀'.repeat(150)}`, {});
    const [query] = answer.groundingMetadata?.webSearchQueries ?? [];
    expect(query?.length).toBeLessThanOrEqual(200);
    expect(query).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('answers a question holding a lone surrogate (JSON "\\ud83d") without throwing', () => {
    const question = JSON.parse('"what is \\ud83d here"') as string;
    const answer = answerWithSearch(question, {});
    expect(answer.groundingMetadata?.groundingChunks?.[0]?.web?.uri).toMatch(
      /^https:\/\/www\.google\.com\/search\?q=/,
    );
  });
});
