import { setTimeout as sleep } from 'node:timers/promises';
import { type Content, createAgent, createGemini } from '@gemloop/core';
import { compaction } from '@gemloop/core/compaction';
import { createFakeGemini, type FakeScriptFunction, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';

// attack48a: compaction with summaries on one agent under 60 runs at once, each with a long
// history of its own: every summary call, summary and compacted request must be its own run's.

const MODEL = 'gemini-2.5-flash';

function markersIn(text: string): number[] {
  return [...new Set([...text.matchAll(/run-(\d+)-/g)].map((match) => Number(match[1])))];
}

describe('compaction summaries under 60 runs at once', () => {
  it('summarises each run’s own history into its own request', async () => {
    const mixed: string[] = [];
    const script: FakeScriptFunction = async (request, context) => {
      const markers = markersIn(JSON.stringify(request.body));
      if (markers.length !== 1) mixed.push(`call ${context.callIndex}: ${markers}`);
      const run = markers[0] ?? -1;
      await sleep((run * 13 + context.callIndex) % 8);
      const summarising = JSON.stringify(request.body.systemInstruction ?? '').includes('summar');
      if (summarising) return turn.text(`summary of run-${run}-`);
      return turn.text(`answer of run-${run}-`);
    };
    await using fake = createFakeGemini({ script, keepRequests: 4 });
    const { url } = await fake.listen();
    const agent = createAgent({
      gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }),
      model: MODEL,
      compaction: compaction({ maxTokens: 2_000, keepRecent: 2, summarize: true }),
    });
    const historyOf = (run: number): Content[] =>
      Array.from({ length: 20 }, (_, index) => ({
        role: index % 2 === 0 ? ('user' as const) : ('model' as const),
        parts: [{ text: `turn ${index} of run-${run}- ${'words '.repeat(120)}` }],
      }));
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, run) =>
        run % 2 === 0
          ? agent.run(`question of run-${run}-`, { history: historyOf(run) })
          : agent.stream(`question of run-${run}-`, { history: historyOf(run) }).result,
      ),
    );
    await agent.close();
    expect(mixed).toEqual([]);
    for (const [run, result] of results.entries()) {
      expect(result.text).toBe(`answer of run-${run}-`);
      expect(result.compaction?.reports.length ?? 0, `run ${run}`).toBeGreaterThan(0);
      expect(markersIn(JSON.stringify(result.compaction))).toEqual([run]);
      expect(JSON.stringify(result.compaction?.sentContents)).toContain(`summary of run-${run}-`);
    }
  });
});
