import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../tools/define-tool.ts';
import type { Content } from '../wire/content.ts';
import {
  callsTurn,
  createScriptedGemini,
  finishTurn,
  modelTurn,
  textTurn,
} from './__fixtures__/scripted-gemini.ts';
import { createAgent } from './create-agent.ts';

const weather = defineTool({
  name: 'get_weather',
  description: 'Weather for a city.',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, temperature: 21 }),
});

describe('runLoop', () => {
  it('appends the model content verbatim and answers its calls in one user content', async () => {
    const callTurn = callsTurn(['get_weather', { city: 'Paris' }, 'abc123', 'c2lnbmF0dXJl']);
    const callContent = callTurn.candidates?.[0]?.content as Content;
    // An unknown field on a part must survive the round trip.
    (callContent.parts[0] as Record<string, unknown>)['futureField'] = { kept: true };
    const gemini = createScriptedGemini([callTurn, textTurn('Sunny, 21°C.')]);
    const agent = createAgent({ gemini, model: 'gemini-3-flash-preview', tools: [weather] });

    const result = await agent.run('Weather in Paris?');

    expect(result.text).toBe('Sunny, 21°C.');
    expect(result.finishReason).toBe('stop');
    expect(result.contents[1]).toBe(callContent);
    expect(gemini.contentsOf(1)).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
      callContent,
      {
        role: 'user',
        parts: [
          {
            functionResponse: {
              id: 'abc123',
              name: 'get_weather',
              response: { output: { city: 'Paris', temperature: 21 } },
            },
          },
        ],
      },
    ]);
    expect(result.newContents).toHaveLength(4);
    expect(result.steps).toHaveLength(2);
    expect(result.usage.totalTokenCount).toBe(30);
  });
});
