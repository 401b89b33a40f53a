import { createAgent, createGemini } from '@gemloop/core';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { formatSummary } from './report/format-summary.ts';
import { toJunitXml } from './report/to-junit.ts';
import { runEval } from './run-eval.ts';
import type { Scorer } from './scorer.ts';

// attack43a: runEval keeps its own client's key (and GEMINI_API_KEY, GOOGLE_API_KEY) out of its
// result, but not a Google key it never saw: a tool output or a recorded answer quoting another
// project's key (a config dump) went into the attempt's text and a scorer's reason, and from there
// to formatSummary (the CI log) and toJunitXml. The client's errors redact such keys by their shape
// (`AIza` and 35 more, `ya29.` tokens), whoever's; the eval result now does too.

const OTHER_KEY = `AIza${'SyA43aKeyOfAnotherProject-000000000'}`;
const TOKEN = `ya29.${'a0AfB_byA43aOAuthTokenOfSomeone'}`;

describe('runEval: a Google key or OAuth token in what the run answered', () => {
  it('is redacted from the attempt, the scores, the summary and the JUnit report', async () => {
    expect(OTHER_KEY).toMatch(/^AIza[\w-]{35}$/);
    const fake = createFakeGemini({
      models: 'pattern',
      script: () => turn.text(`Config: key=${OTHER_KEY} token=${TOKEN}`),
    });
    const gemini = createGemini({ apiKey: 'eval-key-a43a', fetch: fake.fetch, retry: false });
    const quoting: Scorer = {
      name: 'quotes',
      score: ({ run }) => ({ scorer: 'quotes', score: 0, pass: false, reason: `got ${run.text}` }),
    };
    try {
      const result = await runEval({
        cases: [{ id: 'config', input: 'Show the config.' }],
        mode: 'live',
        live: { gemini },
        createAgent: ({ gemini: client }) =>
          createAgent({ gemini: client, model: 'gemini-2.5-flash', telemetry: false }),
        scorers: [quoting],
      });
      const attempt = result.attempts[0];
      expect(attempt?.status).toBe('fail');
      expect(attempt?.text).toContain('[redacted]');
      for (const text of [JSON.stringify(result), formatSummary(result), toJunitXml(result)]) {
        expect(text).not.toContain(OTHER_KEY);
        expect(text).not.toContain(TOKEN);
      }
    } finally {
      await fake.close();
    }
  });
});
