import { describe, expect, it } from 'vitest';
import { costOf } from '../pricing/cost-of.ts';
import { toUsageMetadata } from './to-generate-content-response.ts';

// An interaction's `usage` (`@google/genai` 2.32.0 `Usage`: `total_cached_tokens`,
// `total_tool_use_tokens`, `input_tokens_by_modality`, ...) as the `usageMetadata` the agent
// prices: a step continued on the server with `previous_interaction_id` reads most of its prompt
// from the cache, and is billed at the cached rate.

describe('toUsageMetadata', () => {
  it('keeps the cached, tool-use and per-modality counts the cost needs', () => {
    const usage = toUsageMetadata({
      total_input_tokens: 10_000,
      total_cached_tokens: 8_000,
      total_tool_use_tokens: 300,
      total_output_tokens: 100,
      total_thought_tokens: 50,
      total_tokens: 10_450,
      input_tokens_by_modality: [
        { modality: 'text', tokens: 9_000 },
        { modality: 'audio', tokens: 1_000 },
        { modality: 'image', tokens: 'many' },
        null,
      ],
    });
    expect(usage).toEqual({
      promptTokenCount: 10_000,
      cachedContentTokenCount: 8_000,
      toolUsePromptTokenCount: 300,
      candidatesTokenCount: 100,
      thoughtsTokenCount: 50,
      totalTokenCount: 10_450,
      promptTokensDetails: [
        { modality: 'TEXT', tokenCount: 9_000 },
        { modality: 'AUDIO', tokenCount: 1_000 },
      ],
    });
    // The same as generateContent's answer with those counts costs.
    const same = costOf(
      {
        promptTokenCount: 10_000,
        cachedContentTokenCount: 8_000,
        toolUsePromptTokenCount: 300,
        candidatesTokenCount: 100,
        thoughtsTokenCount: 50,
        promptTokensDetails: [
          { modality: 'TEXT', tokenCount: 9_000 },
          { modality: 'AUDIO', tokenCount: 1_000 },
        ],
      },
      'gemini-2.5-flash',
    );
    expect(costOf(usage ?? {}, 'gemini-2.5-flash')).toEqual(same);
  });

  it('leaves out the counts the interaction did not report', () => {
    expect(
      toUsageMetadata({ total_input_tokens: 5, total_output_tokens: 2, total_tokens: 7 }),
    ).toEqual({
      promptTokenCount: 5,
      candidatesTokenCount: 2,
      totalTokenCount: 7,
    });
  });
});
