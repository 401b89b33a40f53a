import { createAgent, createGemini } from '@gemloop/core';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { formatSummary, llmJudge, runEval, toJunitXml } from './index.ts';
import { exactMatch } from './scorers/text-scorers.ts';

// Attack (attack-core11): a dataset row whose expected answer is 10 MB, and a model that answers
// with 10 MB too (differing in the last character). Exact match and an LLM judge score it; what
// goes to the judge, the reasons, the summary and the JUnit report stay bounded.

const TEN_MB = 10 * 1024 * 1024;

describe('runEval with a 10 MB expected answer', () => {
  it('scores it, sends the judge a bounded prompt, and reports in bounded lines', async () => {
    const expected = `${'a'.repeat(TEN_MB - 1)}b`;
    const answer = `${'a'.repeat(TEN_MB - 1)}c`;
    await using fake = createFakeGemini({
      script: ({ body }) =>
        JSON.stringify(body).includes('<rubric>')
          ? turn.json({ score: 0.2, reason: 'the last letter differs' })
          : turn.text(answer),
    });
    const judgeClient = createGemini({ apiKey: 'k', fetch: fake.fetch, retry: false });
    const result = await runEval({
      mode: 'live',
      live: { apiKey: 'k', fetch: fake.fetch },
      cases: [{ id: 'huge', input: 'Repeat it.', expected: { text: expected } }],
      scorers: [exactMatch(), llmJudge({ gemini: judgeClient, rubric: 'Same text?' })],
      createAgent: ({ gemini }) =>
        createAgent({ gemini, model: 'gemini-2.5-flash', telemetry: false }),
    });
    const [attempt] = result.attempts;
    expect(attempt?.status).toBe('fail');
    const scores = attempt?.scores ?? [];
    expect(scores.map((score) => score.scorer).sort()).toEqual(['exact', 'judge']);
    for (const score of scores) expect(String(score.reason).length).toBeLessThan(2_000);
    const judged = fake.modelRequests.find((request) =>
      JSON.stringify(request.body).includes('<rubric>'),
    );
    expect(JSON.stringify(judged?.body).length).toBeLessThan(100_000);
    expect(formatSummary(result).length).toBeLessThan(20_000);
    expect(toJunitXml(result).length).toBeLessThan(60_000);
  });
});
