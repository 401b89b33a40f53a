// A recorded agent tree (a lead and two parallel subagents, each run in its own file) becomes one
// case that replays whole: each agent's requests are served from its own run's recording.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordWeatherTeamRun, weatherTeam } from '../__fixtures__/weather-agent.ts';
import { caseFromRunFile } from '../cases-from-run.ts';
import type { EvalCase } from '../eval-case.ts';
import { EvalDatasetError } from '../eval-dataset-error.ts';
import { parseEvalCases } from '../parse-eval-cases.ts';
import { runEval } from '../run-eval.ts';
import { exactMatch } from '../scorers/text-scorers.ts';
import { toolTrajectory } from '../scorers/tool-scorers.ts';

let recorded: Awaited<ReturnType<typeof recordWeatherTeamRun>>;
let evalCase: EvalCase;

beforeAll(async () => {
  recorded = await recordWeatherTeamRun();
  const [top, ...children] = recorded.files;
  if (top === undefined) throw new Error('no run recorded');
  const made = caseFromRunFile(top.text, top.file, {
    subagentRuns: children.map(({ text, file }) => ({ text, runFile: file })),
  });
  if (made === undefined) throw new Error('the recorded tree made no case');
  // Through a dataset line and back, as `gemloop eval from-runs` writes it and a suite loads it.
  evalCase = parseEvalCases(JSON.stringify(made))[0] as EvalCase;
});
afterAll(() => recorded.cleanup());

const scorers = [exactMatch(), toolTrajectory({ match: 'exact', args: 'exact' })];

function replay(
  cases: EvalCase[],
  options: { streaming?: boolean; instructions?: string; childInstructions?: string } = {},
) {
  return runEval({
    cases,
    scorers,
    streaming: options.streaming,
    createAgent: ({ gemini, recordedToolOutput }) =>
      weatherTeam(gemini, {
        ...(options.instructions === undefined ? {} : { instructions: options.instructions }),
        ...(options.childInstructions === undefined
          ? {}
          : { childInstructions: options.childInstructions }),
        context: { recordedToolOutput },
      }),
  });
}

describe('a recorded agent tree', () => {
  it('is one case: the top run expected, each subagent run a fixture, every tool result kept', () => {
    expect(recorded.files).toHaveLength(3);
    expect(evalCase.expected).toEqual({
      text: 'Paris 18 °C, Oslo 4 °C.',
      toolCalls: [
        { name: 'forecast', args: { task: 'Weather in Paris?' } },
        { name: 'forecast', args: { task: 'Weather in Oslo?' } },
      ],
    });
    const subagents = evalCase.fixtures?.subagents ?? [];
    expect(subagents.map((run) => run.path).sort()).toEqual([['forecast#1'], ['forecast#2']]);
    for (const run of subagents) {
      expect(run.modelResponses).toHaveLength(2);
      expect(run.requests).toHaveLength(2);
    }
    expect(evalCase.fixtures?.toolResults).toEqual(
      expect.arrayContaining([
        { name: 'get_weather', args: { city: 'Paris' }, output: { temperatureC: 18 } },
        { name: 'get_weather', args: { city: 'Oslo' }, output: { temperatureC: 4 } },
      ]),
    );
  });

  for (const streaming of [false, true]) {
    it(`replays whole and passes, the subagents' turns served from their own runs (${streaming ? 'stream' : 'run'})`, async () => {
      const result = await replay([evalCase], { streaming });
      const attempt = result.attempts[0];
      expect(attempt?.drift).toBeUndefined();
      expect(attempt?.error).toBeUndefined();
      expect(attempt).toMatchObject({ status: 'pass', text: 'Paris 18 °C, Oslo 4 °C.' });
      expect(attempt?.scores.every((score) => score.pass)).toBe(true);
      // The tree's tokens: the lead's two calls and the four of its subagents.
      const recordedTokens = [
        ...(evalCase.fixtures?.modelResponses ?? []),
        ...(evalCase.fixtures?.subagents ?? []).flatMap((run) => run.modelResponses),
      ].reduce((sum, response) => sum + (response.usageMetadata?.totalTokenCount ?? 0), 0);
      expect(attempt?.totalTokens).toBe(recordedTokens);
    });
  }

  it('serves each subagent its own turns whatever order the runs are listed in', async () => {
    const fixtures = evalCase.fixtures as NonNullable<EvalCase['fixtures']>;
    const swapped: EvalCase = {
      ...evalCase,
      fixtures: { ...fixtures, subagents: [...(fixtures.subagents ?? [])].reverse() },
    };
    const result = await replay([swapped]);
    expect(result.attempts[0]).toMatchObject({ status: 'pass' });
  });

  it("reports a subagent's drift as that subagent's, not its parent's", async () => {
    const result = await replay([evalCase], { childInstructions: 'You answer in haiku.' });
    const attempt = result.attempts[0];
    expect(attempt?.status).toBe('drift');
    expect(attempt?.drift?.reason).toMatch(
      /^the subagent run forecast#[12]: model call 1: the request differs at \$\.systemInstruction.* \(the system prompt changed\)$/,
    );
  });

  it('reports the drift that came first when the lead and its subagents all drifted', async () => {
    const result = await replay([evalCase], {
      instructions: 'You lead a team of poets.',
      childInstructions: 'You answer in haiku.',
    });
    expect(result.attempts[0]?.drift?.reason).toMatch(
      /^the top run: model call 1: the request differs at \$\.systemInstruction/,
    );
  });

  it('refuses a run file that is not a subagent run of the tree, naming it', () => {
    const [top, child] = recorded.files;
    const stray = (child?.text ?? '').replace(/"parentRunId":"[^"]+"/, '"parentRunId":"other"');
    expect(() =>
      caseFromRunFile(top?.text ?? '', 'top.jsonl', {
        subagentRuns: [{ text: stray, runFile: 'stray.jsonl' }],
      }),
    ).toThrow(EvalDatasetError);
    expect(() =>
      caseFromRunFile(top?.text ?? '', 'top.jsonl', {
        subagentRuns: [{ text: stray, runFile: 'stray.jsonl' }],
      }),
    ).toThrow(/^stray\.jsonl: not a subagent run of /);
  });

  it('refuses a dataset line whose subagent run has no path', () => {
    const line = JSON.stringify({
      id: 'c',
      input: 'x',
      fixtures: { modelResponses: [], subagents: [{ path: [], modelResponses: [] }] },
    });
    expect(() => parseEvalCases(line, 'cases.jsonl')).toThrow(
      "case 'c': 'fixtures.subagents[0]' needs a 'path' (a non-empty array of strings) and 'modelResponses' (an array of responses).",
    );
  });
});
