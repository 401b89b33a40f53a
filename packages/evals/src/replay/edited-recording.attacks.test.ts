// A recording edited by hand, replayed (attack-core7): a model answer removed, a model request
// removed, an answer swapped for a 5 MB one, and a replay by an agent with other tools. Held:
// every attempt ends typed (an error, drift, or a scored result), no call goes live, none hangs.
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { createFakeGemini } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { recordSignedWeatherRun, weatherAgent } from '../__fixtures__/weather-agent.ts';
import { caseFromRunFile } from '../cases-from-run.ts';
import { runEval } from '../run-eval.ts';
import { toolTrajectory } from '../scorers/tool-scorers.ts';

type Line = Record<string, unknown> & { type: string };
const without = (lines: Line[], type: string, nth: number) => {
  const at = lines.map((line, index) => (line.type === type ? index : -1)).filter((i) => i >= 0)[
    nth
  ];
  return lines.filter((_, index) => index !== at);
};
const edits: [string, (lines: Line[]) => Line[], string, RegExp][] = [
  // The recording has 2 model calls: a get_weather call, then the text answer.
  [
    'the second answer removed',
    (l) => without(l, 'model-call-end', 1),
    'error',
    /no turn for model call #2/,
  ],
  ['the first answer removed', (l) => without(l, 'model-call-end', 0), 'fail', /.*/],
  [
    'every request removed',
    (l) => l.filter((line) => line.type !== 'model-call-start'),
    'drift',
    /2 model calls, the recording has 0/,
  ],
  [
    'the answer swapped for a 5 MB one',
    (l) =>
      l.map((line) =>
        line.type === 'model-call-end' && JSON.stringify(line).includes('18 °C')
          ? JSON.parse(JSON.stringify(line).replace('It is 18 °C in Paris.', 'x'.repeat(5_000_000)))
          : line,
      ),
    'pass',
    /.*/,
  ],
];

async function replayEdited(edit: (lines: Line[]) => Line[], otherTools: boolean) {
  const recorded = await recordSignedWeatherRun({ recorder: { fidelity: 'full' } });
  try {
    const lines = recorded.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Line);
    const text = `${edit(lines)
      .map((line) => JSON.stringify(line))
      .join('\n')}\n`;
    const made = caseFromRunFile(text, recorded.file);
    if (made === undefined) throw new Error('the edited recording made no case');
    const live = createFakeGemini({ script: [] });
    const forecast = defineTool({
      name: 'get_forecast',
      parameters: { type: 'object', properties: { city: { type: 'string' } } } as never,
      execute: () => ({ t: 1 }),
    });
    try {
      const result = await runEval({
        cases: [made],
        scorers: [toolTrajectory({ match: 'exact' })],
        live: { gemini: createGemini({ apiKey: 'live', fetch: live.fetch, retry: false }) },
        createAgent: (context) =>
          otherTools
            ? createAgent({
                gemini: context.gemini,
                model: 'gemini-3-flash-preview',
                tools: [forecast],
              })
            : weatherAgent(context.gemini, { model: 'gemini-3-flash-preview' }, context),
      });
      return { attempt: result.attempts[0], liveCalls: live.modelRequests.length };
    } finally {
      await live.close();
    }
  } finally {
    await recorded.cleanup();
  }
}

describe('a recording edited by hand, replayed', () => {
  for (const [label, edit, status, words] of edits) {
    it(`${label}: ${status}, nothing live`, async () => {
      const { attempt, liveCalls } = await replayEdited(edit, false);
      expect(attempt?.status).toBe(status);
      expect(JSON.stringify(attempt?.error ?? attempt?.drift ?? '')).toMatch(words);
      expect(liveCalls).toBe(0);
    });

    it(`${label}, replayed by an agent with other tools: drift, nothing live`, async () => {
      const { attempt, liveCalls } = await replayEdited(edit, true);
      expect(attempt?.status).toBe('drift');
      expect(liveCalls).toBe(0);
    });
  }
});
