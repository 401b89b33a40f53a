import { createAgent } from '@gemloop/core';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, it } from 'vitest';
import { formatSummary } from './report/format-summary.ts';
import { toJunitXml } from './report/to-junit.ts';
import { runEval } from './run-eval.ts';

describe('probe', () => {
  it('huge reasons and odd scores', async () => {
    await using fake = createFakeGemini({ script: () => turn.text('\u001b]52;c;ZXZpbA==\u0007 ok' + 'z'.repeat(10_000_000)) });
    const result = await runEval({
      mode: 'live',
      live: { apiKey: 'k', fetch: fake.fetch },
      cases: [{ id: 'a\u001b[31m', input: 'Hi' }, { id: 'b', input: 'Hi' }],
      scorers: [
        { name: 'big', score: () => ({ scorer: 'big', score: 0, pass: false, reason: 'R'.repeat(10_000_000) }) },
        { name: 'neg', score: () => ({ scorer: 'neg', score: -5, pass: true, reason: 'neg' }) },
      ],
      createAgent: ({ gemini }) => createAgent({ gemini, model: 'gemini-2.5-flash', telemetry: false }),
    });
    console.log('ATT', JSON.stringify(result.attempts.map((a) => ({ s: a.status, e: a.error, scores: a.scores.map((s) => [s.scorer, s.score, s.pass, s.reason.length]), out: String((a as any).output ?? '').length }))).slice(0, 2000));
    console.log('SUM', formatSummary(result).length, JSON.stringify(formatSummary(result)).slice(0, 1500));
    console.log('JUNIT', toJunitXml(result).length);
    console.log('JSON', JSON.stringify(result).length);
  }, 60000);
});
