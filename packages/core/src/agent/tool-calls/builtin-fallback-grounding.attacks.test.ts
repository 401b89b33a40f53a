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
