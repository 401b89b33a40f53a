import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readFixtureJson } from '../../__fixtures__/recorded-gemini.ts';
import { googleSearch } from '../../tools/builtin/built-in-tools.ts';
import { defineTool } from '../../tools/define/define-tool.ts';
import type { GenerateContentResponse } from '../../wire/response.ts';
import { callsTurn, createScriptedGemini, textTurn } from '../__fixtures__/scripted-gemini.ts';
import type { AgentEvent } from '../agent-event.ts';
import { createAgent } from '../create-agent.ts';

const calculator = defineTool({
  name: 'calculator',
  parameters: z.object({ expression: z.string() }),
  execute: () => '4',
});

describe('built-in fallback on Gemini 2.x', () => {
  it('runs google_search as a separate grounded call and returns answer and sources to the model', async () => {
    const grounded = readFixtureJson<GenerateContentResponse>(
      'responses/gemini25-pro__google-search-grounding.json',
    );
    const gemini = createScriptedGemini([
      callsTurn(
        ['google_search', { query: 'weather in Tokyo' }],
        ['calculator', { expression: '2+2' }],
      ),
      grounded,
      textTurn('2+2 is 4, and Tokyo is ...'),
    ]);
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [googleSearch(), calculator],
    });

    const stream = agent.stream('What is 2+2? And the weather in Tokyo?');
    const groundingEvents: AgentEvent[] = [];
    for await (const event of stream) if (event.type === 'grounding') groundingEvents.push(event);
    const result = await stream.result;

    const [first, searchCall, last] = gemini.calls.map((call) => call.request);
    // The agent's own requests declare the search as a function: no built-in next to functions.
    expect(first?.tools).toEqual([
      {
        functionDeclarations: [
          calculator.declaration,
          expect.objectContaining({ name: 'google_search' }),
        ],
      },
    ]);
    expect(last?.tools).toEqual(first?.tools);
    // The grounded call: the same model, only the built-in, no declarations, no history.
    expect(searchCall).toEqual({
      model: 'gemini-2.5-flash',
      contents: [
        {
          role: 'user',
          parts: [{ text: 'Search the web and answer with the key facts: weather in Tokyo' }],
        },
      ],
      tools: [{ googleSearch: {} }],
    });
    const candidate = grounded.candidates?.[0];
    const answer = (candidate?.content?.parts ?? []).map((part) => part.text ?? '').join('');
    const response = result.contents[2]?.parts[0]?.functionResponse;
    expect(response?.name).toBe('google_search');
    expect(response?.response).toMatchObject({
      answer,
      sources: candidate?.groundingMetadata?.groundingChunks?.map((chunk) => ({
        title: chunk.web?.title,
        uri: chunk.web?.uri,
      })),
      searchQueries: candidate?.groundingMetadata?.webSearchQueries,
    });
    expect(result.contents[2]?.parts[1]?.functionResponse).toEqual({
      name: 'calculator',
      response: { output: '4' },
    });
    // Grounding is surfaced on the call, as an event, and on the result; its usage is counted.
    expect(result.steps[0]?.toolCalls[0]?.grounding).toBe(candidate?.groundingMetadata);
    expect(result.grounding).toEqual([candidate?.groundingMetadata]);
    expect(groundingEvents).toEqual([
      {
        type: 'grounding',
        path: [],
        stepNumber: 1,
        source: 'tool',
        grounding: candidate?.groundingMetadata,
      },
    ]);
    expect(result.usage.totalTokenCount).toBe(
      15 + (grounded.usageMetadata?.totalTokenCount ?? 0) + 15,
    );
  });

  it('reports bad fallback arguments like any tool', async () => {
    const gemini = createScriptedGemini([callsTurn(['google_search', { q: 'x' }]), textTurn('ok')]);
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [googleSearch(), calculator],
    });
    const result = await agent.run('Go');
    expect(result.steps[0]?.toolCalls[0]?.outcome).toBe('invalid-args');
    expect(gemini.calls).toHaveLength(2);
  });
});
