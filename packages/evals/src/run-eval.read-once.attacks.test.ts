import { createAgent } from '@gemloop/core';
import { countOptionReads, createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { runEval } from './run-eval.ts';
import type { Scorer } from './scorer.ts';

// attack20: runEval checks each option where it reads it; an option read again after its check
// can be handed one value by the check and another by the code that uses it (a getter, a Proxy):
// `concurrency` 2 to the check and 1e9 to the pool, `repeats` 1 then 1e9. Each option is a getter
// here that counts its reads: a run reads each once.

const pass: Scorer = {
  name: 'ok',
  score: () => ({ scorer: 'ok', score: 1, pass: true, reason: 'fine' }),
};

describe('runEval reads each option once', () => {
  it('reads each of its options once in a whole run', async () => {
    await using fake = createFakeGemini({ script: () => turn.text('ok') });
    const { options, reads } = countOptionReads({
      mode: 'live' as const,
      live: { apiKey: 'k', fetch: fake.fetch },
      cases: [
        { id: 'a', input: 'Hi' },
        { id: 'b', input: 'Hello' },
      ],
      scorers: [pass],
      concurrency: 2,
      repeats: 2,
      timeoutMs: 60_000,
      name: 'read-once',
      now: Date.now,
      createAgent: ({ gemini }: { gemini: Parameters<typeof createAgent>[0]['gemini'] }) =>
        createAgent({ gemini, model: 'gemini-2.5-flash', telemetry: false }),
    });
    const result = await runEval(options as Parameters<typeof runEval>[0]);
    expect(result.attempts).toHaveLength(4);
    expect(Object.entries(reads).filter(([, count]) => count > 1)).toEqual([]);
  });
});
