import { estimateContentTokens } from '@gemloop/core/internal';
import type { Content } from '@gemloop/core/wire';
import { describe, expect, it } from 'vitest';
import { estimatePartTokens, estimatePromptTokens } from './estimate-usage.ts';

const contents: Content[] = [
  { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
  {
    role: 'model',
    parts: [
      {
        functionCall: { name: 'get_weather', args: { city: 'Paris' } },
        thoughtSignature: 'c2lnbmF0dXJl'.repeat(1000),
      },
    ],
  },
  {
    role: 'user',
    parts: [{ functionResponse: { name: 'get_weather', response: { temperatureC: 18 } } }],
  },
];

describe('estimatePromptTokens', () => {
  it('is the one estimate: the fake reports for a prompt what the chat budgets for it', () => {
    const prompt = estimatePromptTokens({ contents });
    expect(prompt.text + prompt.media).toBe(estimateContentTokens(contents));
    // "Weather in Paris?" is 17 characters: 5 tokens rounded up, where rounding to nearest gave 4.
    expect(estimatePartTokens([{ text: 'Weather in Paris?' }])).toEqual({
      candidates: 5,
      thoughts: 0,
    });
  });
});
