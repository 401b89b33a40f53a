import { describe, expect, it } from 'vitest';
import type { CanaryModelRuns, CanaryResult } from '../canary/canary-result.ts';
import { compareToolCalls } from '../canary/compare-tool-calls.ts';
import { formatCanary } from '../canary/format-canary.ts';
import { diffRuns } from './diff-runs.ts';
import { formatRunDiff } from './format-run-diff.ts';
import type { RunTrajectory, RunTrajectoryCall } from './run-trajectory.ts';

// attack43a: a model (or a gateway) calling a tool by a 1 MB name, or with an argument whose key
// is 1 MB, and a recorder that wrote it down. formatRunDiff promises every value from the runs
// "cut at 200 characters", but printed a call's tool name and a drifted argument's path whole:
// a 1 MB line in the CI log per call; formatCanary printed the trajectories and the difference
// whole too. Each is cut now, with the rest of the line kept.

const HUGE = 'n'.repeat(1_000_000);

function run(calls: RunTrajectoryCall[], text: string): RunTrajectory {
  return {
    toolCalls: calls,
    text,
    steps: 1,
    tokens: { input: 0, output: 0, thinking: 0, total: 0 },
    costUsd: '0',
  };
}

describe('terminal reports of runs with 1 MB tool names and argument keys', () => {
  it('formatRunDiff cuts names and paths on every kind of line', () => {
    const original = run(
      [
        { step: 1, name: HUGE, args: { [HUGE]: 1 } },
        { step: 1, name: `a${HUGE}`, args: {} },
        { step: 1, name: `b${HUGE}`, args: {} },
      ],
      'a',
    );
    const fork = run(
      [
        { step: 1, name: HUGE, args: { [HUGE]: 2 } },
        { step: 1, name: `c${HUGE}`, args: {} },
        { step: 1, name: `b${HUGE}`, args: {} },
        { step: 1, name: `a${HUGE}`, args: {} },
      ],
      'b',
    );
    const printed = formatRunDiff(diffRuns(original, fork));
    const lines = printed.trimEnd().split('\n');
    // Drifted, moved, added: each kind is there.
    expect(printed).toMatch(/^ {2}~ /m);
    expect(printed).toMatch(/^ {2}↕ /m);
    expect(printed).toMatch(/^ {2}\+ /m);
    for (const line of lines) expect(line.length).toBeLessThan(1000);
  });

  it('formatCanary cuts the trajectories and the difference', () => {
    const side = (model: string, calls: string): CanaryModelRuns => ({
      model,
      runs: 10,
      errors: 0,
      trajectories: [{ calls, count: 10 }],
      meanCostUsd: 0,
      meanLatencyMs: 0,
      meanTokens: 0,
    });
    const result: CanaryResult = {
      format: 'gemloop-canary',
      version: 1,
      from: 'gemini-2.5-flash',
      to: 'gemini-2.5-pro',
      k: 10,
      alpha: 0.01,
      requirementAlpha: 0.05,
      cases: [
        {
          caseId: 'c',
          status: 'changed',
          from: side('gemini-2.5-flash', HUGE),
          to: side('gemini-2.5-pro', `${HUGE}, x`),
          shift: { fromFlakiness: 0, toFlakiness: 0, crossDifference: 1, distance: 1, pValue: 0 },
          difference: compareToolCalls(
            [{ name: HUGE, args: { [HUGE]: 1 } }],
            [
              { name: HUGE, args: { [HUGE]: 2 } },
              { name: `x${HUGE}`, args: {} },
            ],
          ),
          requirements: [
            {
              kind: 'tool',
              name: HUGE,
              fromMet: 10,
              fromRuns: 10,
              toMet: 0,
              toRuns: 10,
              pValue: 0,
              regression: true,
            },
          ],
          costDeltaUsd: 0,
          latencyDeltaMs: 0,
        },
      ],
      changed: 1,
      regressions: 1,
      unjudged: 0,
      passed: false,
      costDeltaUsd: 0,
      latencyDeltaMs: 0,
    };
    const printed = formatCanary(result);
    for (const line of printed.split('\n')) expect(line.length).toBeLessThan(1000);
    expect(printed).toContain('regression(s)');
  });
});
