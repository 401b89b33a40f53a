// A grounded call's `groundingMetadata` is model/gateway bytes (attack32): the fallback that runs
// google_search or file search as a separate call on Gemini 2.x turns its `groundingChunks` into
// the tool's `sources`. A list that is not a list, or chunks that are not objects, made that a
// TypeError of gemloop's own (`.map is not a function`, `Cannot use 'in' operator`) in place of the
// answer the grounded call gave; such chunks are no source, and the answer reaches the model.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { googleSearch } from '../../tools/builtin/built-in-tools.ts';
import { defineTool } from '../../tools/define/define-tool.ts';
import type { Content } from '../../wire/content.ts';
import type { GenerateContentResponse } from '../../wire/response.ts';
import { callsTurn, createScriptedGemini, textTurn } from '../__fixtures__/scripted-gemini.ts';
import { createAgent } from '../create-agent.ts';

// A function next to the built-in is what makes Gemini 2.x run the built-in as a separate call.
const calculator = defineTool({
  name: 'calculator',
  parameters: z.object({ expression: z.string() }),
  execute: () => '4',
});

function groundedAnswer(groundingMetadata: unknown): GenerateContentResponse {
  return {
    candidates: [
      {
        content: { role: 'model', parts: [{ text: 'Tokyo is sunny.' }] },
        finishReason: 'STOP',
        groundingMetadata,
      },
    ],
  } as GenerateContentResponse;
}

const hostile: [string, unknown][] = [
  ['groundingChunks that is an object', { groundingChunks: { 0: { web: { uri: 'x' } } } }],
  ['groundingChunks that is a string', { groundingChunks: 'chunks' }],
  ['chunks that are null, numbers or strings', { groundingChunks: [null, 7, 'chunk'] }],
  [
    'a chunk whose source is a string, null or an array',
    { groundingChunks: [{ web: 'https://a.example' }, { retrievedContext: null }, { maps: [1] }] },
  ],
  ['webSearchQueries that is not a list', { webSearchQueries: 'weather' }],
  ['webSearchQueries holding non-strings', { webSearchQueries: [null, 3, 'weather tokyo'] }],
];

describe('the built-in fallback reading a hostile groundingMetadata', () => {
  for (const [name, groundingMetadata] of hostile) {
    it(`hands the model the answer, with no source from ${name}`, async () => {
      const gemini = createScriptedGemini([
        callsTurn(['google_search', { query: 'weather in Tokyo' }]),
        groundedAnswer({
          ...(groundingMetadata as object),
          ...(name.startsWith('webSearchQueries')
            ? {
                groundingChunks: [
                  { web: { uri: 'https://weather.example/tokyo', title: 'Weather' } },
                ],
              }
            : {}),
        }),
        textTurn('It is sunny in Tokyo.'),
      ]);
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        tools: [googleSearch(), calculator],
      });
      const result = await agent.run('Weather in Tokyo?');
      expect(result.text).toBe('It is sunny in Tokyo.');
      const last = gemini.calls.at(-1)?.request;
      const contents = (last?.contents ?? []) as Content[];
      const response = contents
        .flatMap((content) => content.parts ?? [])
        .find((part) => part.functionResponse !== undefined)?.functionResponse?.response as
        | Record<string, unknown>
        | undefined;
      expect(response?.['error']).toBeUndefined();
      expect(response?.['answer']).toBe('Tokyo is sunny.');
      if (name.startsWith('webSearchQueries')) {
        // The well-formed parts stay: the chunk's source, and the queries that are strings.
        expect(response?.['sources']).toEqual([
          { title: 'Weather', uri: 'https://weather.example/tokyo' },
        ]);
        expect(response?.['searchQueries'] ?? []).toEqual(
          name.endsWith('non-strings') ? ['weather tokyo'] : [],
        );
      } else {
        expect(response?.['sources']).toBeUndefined();
      }
    });
  }
});

describe('the built-in fallback bounding what it copies from groundingMetadata', () => {
  it.each(['run', 'stream'] as const)(
    'hands the model at most 20 sources and 20 queries, with long titles, URIs and queries cut (%s)',
    async (mode) => {
      // What a gateway may send within maxResponseBytes: 1,000 chunks, a title of 100,000
      // characters, a URI of 5,000, 100 queries of 10,000.
      const chunks = Array.from({ length: 1000 }, (_, index) => ({
        web: { uri: `https://site.example/${index}`, title: `Page ${index}` },
      }));
      chunks[0] = { web: { uri: 'https://site.example/long-title', title: 't'.repeat(100_000) } };
      chunks[1] = { web: { uri: `https://site.example/${'u'.repeat(5000)}`, title: 'Long URI' } };
      const queries = Array.from({ length: 100 }, (_, index) => `${index} ${'q'.repeat(10_000)}`);
      const gemini = createScriptedGemini([
        callsTurn(['google_search', { query: 'everything' }]),
        groundedAnswer({ groundingChunks: chunks, webSearchQueries: queries }),
        textTurn('Done.'),
      ]);
      const agent = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        tools: [googleSearch(), calculator],
      });
      const result =
        mode === 'run'
          ? await agent.run('Search everything.')
          : await drain(agent.stream('Search everything.'));
      expect(result.text).toBe('Done.');
      const contents = (gemini.calls.at(-1)?.request.contents ?? []) as Content[];
      const response = contents
        .flatMap((content) => content.parts ?? [])
        .find((part) => part.functionResponse !== undefined)?.functionResponse?.response as Record<
        string,
        unknown
      >;
      expect(response['answer']).toBe('Tokyo is sunny.');
      const sources = response['sources'] as { title?: string; uri?: string }[];
      expect(sources).toHaveLength(20);
      // The ones left out are counted, so the model knows the list is not whole.
      expect(response['sourcesOmitted']).toBe(980);
      expect(sources[0]?.title).toHaveLength(300);
      expect(sources[0]?.title?.endsWith('…')).toBe(true);
      // A URI cut would be a wrong link: one over 2,048 characters is left out, its title kept.
      expect(sources[1]).toEqual({ title: 'Long URI' });
      expect(sources[19]).toEqual({ title: 'Page 19', uri: 'https://site.example/19' });
      const searchQueries = response['searchQueries'] as string[];
      expect(searchQueries).toHaveLength(20);
      expect(searchQueries.every((query) => query.length <= 300)).toBe(true);
      expect(searchQueries[0]?.startsWith('0 qqq')).toBe(true);
      // The whole function response: before, 1.16 MB of JSON, which the tool output's cap cut to a
      // string of 100,000 characters (most of them the one title).
      expect(JSON.stringify(response).length).toBeLessThan(20_000);
    },
  );
});

/** The stream's result, once every event was read. */
async function drain(stream: ReturnType<ReturnType<typeof createAgent>['stream']>) {
  for await (const _ of stream) {
    // Every event, so the run ends.
  }
  return stream.result;
}
