import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestServer,
  GOOGLE,
  sseBody,
  sseEvent,
  TEST_KEY,
} from '../http/__fixtures__/test-server.ts';
import { createGemini } from '../http/create-gemini.ts';
import type { Candidate, GenerateContentResponse } from '../wire/response.ts';
import { createStreamAccumulator } from './create-stream-accumulator.ts';
import { foldStream } from './fold-stream.ts';

function chunk(text: string, fields: Partial<Candidate> = {}): GenerateContentResponse {
  return { candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0, ...fields }] };
}

function fold(...chunks: GenerateContentResponse[]): Candidate | undefined {
  const accumulator = createStreamAccumulator();
  for (const item of chunks) accumulator.push(item);
  return accumulator.response().candidates?.[0];
}

// The spans of a recorded Vertex stream: the first chunk cites one, the next two more.
const first = { startIndex: 1255, endIndex: 1478, uri: 'https://a.example/1' };
const second = { startIndex: 1507, endIndex: 1637, uri: 'https://b.example/2' };
const third = { startIndex: 1569, endIndex: 1691, uri: 'https://c.example/3', license: 'mit' };

describe('folding candidate fields across chunks', () => {
  it('unites citationMetadata.citations of every chunk, in order', () => {
    const candidate = fold(
      chunk('a', { citationMetadata: { citations: [first] } }),
      chunk('b'),
      chunk('c', { citationMetadata: { citations: [second, third] } }),
    );
    expect(candidate?.citationMetadata).toEqual({ citations: [first, second, third] });
  });

  it('keeps a citation repeated verbatim by a later chunk once', () => {
    const candidate = fold(
      chunk('a', { citationMetadata: { citationSources: [first] } }),
      chunk('b', { citationMetadata: { citationSources: [first, second] } }),
    );
    expect(candidate?.citationMetadata).toEqual({ citationSources: [first, second] });
  });

  it('keeps repeats out across many chunks, and after a list was replaced (not an array)', () => {
    const fourth = { startIndex: 1700, endIndex: 1800, uri: 'https://d.example/4' };
    const accumulator = createStreamAccumulator();
    accumulator.push(chunk('a', { citationMetadata: { citations: [first] } }));
    accumulator.push(chunk('b', { citationMetadata: { citations: [first, second] } }));
    // A response handed out now keeps the list it had when later chunks unite more.
    const early = accumulator.response().candidates?.[0]?.citationMetadata;
    accumulator.push(chunk('c', { citationMetadata: { citations: [second, first, third] } }));
    accumulator.push(
      chunk('d', { citationMetadata: { citations: 'garbled' } } as unknown as Partial<Candidate>),
    );
    accumulator.push(chunk('e', { citationMetadata: { citations: [third, fourth] } }));
    accumulator.push(chunk('f', { citationMetadata: { citations: [fourth, first] } }));
    expect(early).toEqual({ citations: [first, second] });
    // The list a gateway garbled is replaced (the last value wins), and repeats are told again
    // from the list that replaced it.
    expect(accumulator.response().candidates?.[0]?.citationMetadata).toEqual({
      citations: [third, fourth, first],
    });
  });

  it("unites a long answer's citations in linear work, in order, repeats kept once", () => {
    const cite = (index: number) => ({
      startIndex: index * 10,
      endIndex: index * 10 + 9,
      uri: `https://e.example/${index}`,
    });
    // Each chunk cites its own span and repeats the one before (a gateway re-sending a source).
    const chunks = Array.from({ length: 400 }, (_, index) =>
      chunk(`t${index}`, {
        citationMetadata: { citations: index === 0 ? [cite(0)] : [cite(index - 1), cite(index)] },
      }),
    );
    const accumulator = createStreamAccumulator();
    const iterate = Array.prototype[Symbol.iterator];
    let iterated = 0;
    Array.prototype[Symbol.iterator] = function (this: unknown[]) {
      iterated += this.length;
      return iterate.call(this);
    };
    try {
      for (const item of chunks.slice(0, 200)) accumulator.push(item);
    } finally {
      Array.prototype[Symbol.iterator] = iterate;
    }
    // A response handed out half-way keeps its list while later chunks unite more.
    const half = accumulator.response().candidates?.[0]?.citationMetadata;
    for (const item of chunks.slice(200)) accumulator.push(item);
    const whole = accumulator.response().candidates?.[0]?.citationMetadata;
    // Quadratic before: each chunk copied the whole united list (200 chunks: ~20,000 entries).
    expect(iterated).toBeLessThan(2_000);
    expect(half?.citations).toEqual(Array.from({ length: 200 }, (_, index) => cite(index)));
    expect(whole?.citations).toEqual(Array.from({ length: 400 }, (_, index) => cite(index)));
    // The chunks' own lists are never grown.
    expect(chunks[0]?.candidates?.[0]?.citationMetadata?.citations).toHaveLength(1);
    expect(chunks[399]?.candidates?.[0]?.citationMetadata?.citations).toHaveLength(2);
  });

  it('concatenates per-token log probabilities and recomputes avgLogprobs', () => {
    const candidate = fold(
      chunk('a', {
        avgLogprobs: -1,
        logprobsResult: {
          chosenCandidates: [{ token: 'a', logProbability: -1 }],
          topCandidates: [{ candidates: [{ token: 'a' }] }],
          logProbabilitySum: -1,
        },
      }),
      chunk('b', {
        avgLogprobs: -3,
        logprobsResult: {
          chosenCandidates: [
            { token: 'b', logProbability: -2 },
            { token: 'c', logProbability: -4 },
          ],
          topCandidates: [{ candidates: [{ token: 'b' }] }, { candidates: [{ token: 'c' }] }],
          logProbabilitySum: -6,
        },
      }),
    );
    expect(candidate?.logprobsResult).toEqual({
      chosenCandidates: [
        { token: 'a', logProbability: -1 },
        { token: 'b', logProbability: -2 },
        { token: 'c', logProbability: -4 },
      ],
      topCandidates: [
        { candidates: [{ token: 'a' }] },
        { candidates: [{ token: 'b' }] },
        { candidates: [{ token: 'c' }] },
      ],
      logProbabilitySum: -7,
    });
    expect(candidate?.avgLogprobs).toBeCloseTo(-7 / 3);
  });

  it("keeps the server's avgLogprobs of a one-chunk answer", () => {
    const candidate = fold(
      chunk('a', {
        avgLogprobs: -0.123456789,
        logprobsResult: { chosenCandidates: [{ token: 'a', logProbability: -0.5 }] },
      }),
    );
    expect(candidate?.avgLogprobs).toBe(-0.123456789);
  });

  it("folds a long answer's log probabilities in linear work, to the same result", () => {
    // Each token's log probability counts its reads; each array iteration counts its length.
    let reads = 0;
    const token = (index: number) => {
      const probability = -((index * 7919) % 1000) / 997;
      return {
        token: `t${index}`,
        get logProbability() {
          reads += 1;
          return probability;
        },
      };
    };
    const chunks = Array.from({ length: 400 }, (_, index) =>
      chunk(`t${index}`, {
        avgLogprobs: -1,
        logprobsResult: {
          chosenCandidates: [token(index)],
          topCandidates: [{ candidates: [{ token: `t${index}` }] }],
          logProbabilitySum: -1,
        },
      }),
    );
    const accumulator = createStreamAccumulator();
    const iterate = Array.prototype[Symbol.iterator];
    let iterated = 0;
    Array.prototype[Symbol.iterator] = function (this: unknown[]) {
      iterated += this.length;
      return iterate.call(this);
    };
    try {
      for (const item of chunks.slice(0, 200)) accumulator.push(item);
    } finally {
      Array.prototype[Symbol.iterator] = iterate;
    }
    const readsOfHalf = reads;
    // A response handed out half-way keeps its lists; the chunks' own lists are never grown.
    const half = accumulator.response().candidates?.[0];
    for (const item of chunks.slice(200)) accumulator.push(item);
    const readsOfWhole = reads;
    const whole = accumulator.response().candidates?.[0];
    // Quadratic before: 200 chunks read 20,100 probabilities and copied 20,000 list entries.
    expect(readsOfHalf).toBeLessThanOrEqual(201);
    expect(iterated).toBeLessThan(2_000);
    expect(half?.logprobsResult?.['chosenCandidates']).toHaveLength(200);
    expect(half?.logprobsResult?.['topCandidates']).toHaveLength(200);
    for (const item of chunks) {
      expect(item.candidates?.[0]?.logprobsResult?.['chosenCandidates']).toHaveLength(1);
    }
    const chosen = chunks.map(
      (item) =>
        (item.candidates?.[0]?.logprobsResult?.['chosenCandidates'] as unknown[] | undefined)?.[0],
    );
    expect(whole?.logprobsResult?.['chosenCandidates']).toEqual(chosen);
    expect(whole?.logprobsResult?.['logProbabilitySum']).toBe(-400);
    // The same double as a sum of every token in order.
    let sum = 0;
    for (const entry of chosen) sum += (entry as { logProbability: number }).logProbability;
    expect(whole?.avgLogprobs).toBe(sum / 400);
    expect(half?.avgLogprobs).not.toBe(whole?.avgLogprobs);
    // After the copy a response handed out forced, the sum starts again once, then runs on.
    expect(readsOfWhole - readsOfHalf).toBeLessThanOrEqual(200 + 400);
  });

  it('keeps the average the server sent while a token lacks its log probability', () => {
    const candidate = fold(
      chunk('a', {
        avgLogprobs: -1,
        logprobsResult: { chosenCandidates: [{ token: 'a', logProbability: -1 }] },
      }),
      chunk('b', {
        avgLogprobs: -2,
        logprobsResult: { chosenCandidates: [{ token: 'b' }] },
      }),
      chunk('c', {
        avgLogprobs: -5,
        logprobsResult: { chosenCandidates: [{ token: 'c', logProbability: -3 }] },
      }),
    );
    expect(candidate?.avgLogprobs).toBe(-5);
    expect(candidate?.logprobsResult?.['chosenCandidates']).toHaveLength(3);
  });

  it('unites urlContextMetadata entries of different chunks', () => {
    const one = {
      retrievedUrl: 'https://one.example',
      urlRetrievalStatus: 'URL_RETRIEVAL_STATUS_SUCCESS',
    };
    const two = {
      retrievedUrl: 'https://two.example',
      urlRetrievalStatus: 'URL_RETRIEVAL_STATUS_ERROR',
    };
    const candidate = fold(
      chunk('a', { urlContextMetadata: { urlMetadata: [one] } }),
      chunk('b', { urlContextMetadata: { urlMetadata: [one, two] } }),
    );
    expect(candidate?.urlContextMetadata).toEqual({ urlMetadata: [one, two] });
  });

  it('merges groundingMetadata key by key, a full last chunk kept as it is', () => {
    const full = {
      webSearchQueries: ['q2'],
      groundingChunks: [{ web: { uri: 'u' } }],
      groundingSupports: [{ segment: { endIndex: 3 }, groundingChunkIndices: [0] }],
    };
    const candidate = fold(
      chunk('a', {
        groundingMetadata: {
          webSearchQueries: ['q1'],
          searchEntryPoint: { renderedContent: '<p>' },
        },
      }),
      chunk('b', { groundingMetadata: {} }),
      chunk('c', { groundingMetadata: full }),
    );
    expect(candidate?.groundingMetadata).toEqual({
      ...full,
      searchEntryPoint: { renderedContent: '<p>' },
    });
  });

  it("never lets a later chunk's null (a gateway's absent field) wipe an earlier list or source", () => {
    // A gateway that writes every absent field as null sends `citations: null` and
    // `groundingChunks: null` on the chunks that have none.
    const grounding = {
      groundingChunks: [{ web: { uri: 'u' } }],
      groundingSupports: [{ segment: { endIndex: 3 }, groundingChunkIndices: [0] }],
    };
    const one = { retrievedUrl: 'https://one.example' };
    const candidate = fold(
      chunk('a', {
        citationMetadata: { citations: [first] },
        groundingMetadata: grounding,
        urlContextMetadata: { urlMetadata: [one] },
      }),
      chunk('b', {
        citationMetadata: { citations: null },
        groundingMetadata: {
          groundingChunks: null,
          groundingSupports: null,
          webSearchQueries: ['q'],
        },
        urlContextMetadata: { urlMetadata: null },
      } as unknown as Partial<Candidate>),
    );
    expect(candidate?.citationMetadata).toEqual({ citations: [first] });
    expect(candidate?.groundingMetadata).toEqual({ ...grounding, webSearchQueries: ['q'] });
    expect(candidate?.urlContextMetadata).toEqual({ urlMetadata: [one] });
  });

  it('takes the last safetyRatings and finishReason', () => {
    const candidate = fold(
      chunk('a', { safetyRatings: [{ category: 'X', probability: 'LOW' }] }),
      chunk('b', {
        safetyRatings: [{ category: 'X', probability: 'NEGLIGIBLE' }],
        finishReason: 'STOP',
      }),
    );
    expect(candidate?.safetyRatings).toEqual([{ category: 'X', probability: 'NEGLIGIBLE' }]);
    expect(candidate?.finishReason).toBe('STOP');
  });
});

describe('foldStream over HTTP', () => {
  const server = createTestServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  it('folds a streamed answer with citations in two chunks into all of them', async () => {
    server.use(
      http.post(
        `${GOOGLE}/models/gemini-2.5-flash:streamGenerateContent`,
        () =>
          new HttpResponse(
            sseBody([
              sseEvent(chunk('one ', { citationMetadata: { citations: [first] } })),
              sseEvent(chunk('two', { citationMetadata: { citations: [second, third] } })),
              sseEvent(chunk('', { finishReason: 'STOP' })),
            ]),
            { headers: { 'content-type': 'text/event-stream' } },
          ),
      ),
    );
    const gemini = createGemini({ apiKey: TEST_KEY });
    const response = await foldStream(
      gemini.streamGenerateContent({ model: 'gemini-2.5-flash', contents: 'Hi' }),
    );
    expect(response.candidates?.[0]?.citationMetadata?.citations).toEqual([first, second, third]);
    expect(response.candidates?.[0]?.content?.parts).toEqual([{ text: 'one two' }]);
  });
});
