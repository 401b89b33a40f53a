import { describe, expect, it } from 'vitest';
import {
  finishReasonsOf,
  foreignFinishReasons,
  schemaProblem,
  usageProblem,
} from './check-probe-effects.ts';

const answer = (usageMetadata: unknown, parts: unknown[] = [{ text: 'OK' }]) => ({
  candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP' }],
  usageMetadata,
});

describe('the probe’s effect checks keep to what the API documents', () => {
  it('passes usage that sums as documented, cached and tool-use tokens included', () => {
    // cachedContentTokenCount is part of promptTokenCount, not added to the total.
    const usage = {
      promptTokenCount: 300,
      cachedContentTokenCount: 200,
      candidatesTokenCount: 240,
      toolUsePromptTokenCount: 301,
      thoughtsTokenCount: 319,
      totalTokenCount: 1160,
    };
    expect(usageProblem(answer(usage))).toBeUndefined();
    expect(usageProblem(answer({ ...usage, totalTokenCount: 1161 }))?.kind).toBe('inconsistent');
  });

  it('fails zeroed usage, and thinking counted as output only when thought parts came back', () => {
    expect(usageProblem(answer({ promptTokenCount: 0, totalTokenCount: 0 }))?.kind).toBe('zero');
    const folded = { promptTokenCount: 5, candidatesTokenCount: 40, totalTokenCount: 45 };
    const thought = [{ text: 'Thinking.', thought: true }, { text: 'OK' }];
    expect(usageProblem(answer(folded, thought))?.kind).toBe('thoughts-folded');
    // A model that did not think (or was not asked for summaries) has no thoughtsTokenCount.
    expect(usageProblem(answer(folded))).toBeUndefined();
  });

  it('takes any name in the enum’s shape as Gemini’s, and fails OpenAI’s names', () => {
    const reasons = finishReasonsOf([
      answer({}),
      { candidates: [{ finishReason: 'SOME_FUTURE_REASON' }] },
      { candidates: [{ finishReason: 'stop' }, { finishReason: 'tool_calls' }] },
      { candidates: [{ finishReason: 'stop' }] },
    ]);
    expect(foreignFinishReasons(reasons)).toEqual(['stop', 'tool_calls']);
  });

  it('checks the schema answer by its required keys and enum, and allows extra keys', () => {
    expect(schemaProblem('{"city":"Lyon","country_code":"FR","region":"ARA"}')).toBeUndefined();
    expect(schemaProblem('{"city":"Lyon"}')).toMatch(/country_code/);
    expect(schemaProblem('Lyon')).toMatch(/not JSON/);
  });
});
