import { describe, expect, it } from 'vitest';
import { renderRepeatSummary, summarizeRepeats } from './repeat-summary.ts';
import type { ContenderRow, LoopScenarioResult, ScenarioResult } from './results.ts';

/** A contender row whose samples are all `value` µs a step. */
function row(name: string, value: number, status: ContenderRow['status'] = 'ok'): ContenderRow {
  return {
    name,
    library: name.startsWith('gemloop') ? '@gemloop/core' : 'floor',
    streaming: name.includes('stream'),
    status,
    samples: [value, value, value],
  };
}

/** A sequential scenario where gemloop.run and gemloop.stream take `run` and `stream` µs a step. */
function sequential(
  run: number,
  stream: number,
  status: ContenderRow['status'] = 'ok',
): LoopScenarioResult {
  return {
    kind: 'loop',
    id: 'sequential',
    title: 'Sequential tool loop',
    what: '',
    concurrency: 1,
    runsPerSample: 10,
    samples: 3,
    stepsPerRun: 6,
    rows: [
      row('floor', 200),
      row('floor.stream', 200),
      row('floor.http', 100),
      row('floor.http.stream', 100),
      row('gemloop.run', run, status),
      row('gemloop.stream', stream),
    ],
    serverUsPerRequest: 0,
    serverCpuUsPerRequest: 0,
  };
}

const find = (rows: ReturnType<typeof summarizeRepeats>, contender: string, reference: string) =>
  rows.find((entry) => entry.contender === contender && entry.reference === reference)!;

describe('summarizeRepeats', () => {
  it("holds the median of the runs' ratios to the goal, not any one run's", () => {
    const runs: ScenarioResult[][] = [
      [sequential(140, 120)],
      [sequential(125, 135)],
      [sequential(120, 150)],
    ];
    const rows = summarizeRepeats(runs);
    // Only the scenario that ran: 2 contenders × 2 references.
    expect(rows).toHaveLength(4);
    const run = find(rows, 'gemloop.run', 'floor.http');
    expect(run.ratios).toEqual([1.4, 1.25, 1.2]);
    expect(run.median).toBe(1.25);
    expect(run.result).toBe('pass');
    const stream = find(rows, 'gemloop.stream', 'floor.http');
    expect(stream.ratios).toEqual([1.2, 1.35, 1.5]);
    expect(stream.median).toBe(1.35);
    expect(stream.result).toBe('MISS');
    const floor = find(rows, 'gemloop.run', 'floor');
    expect(floor.median).toBe(0.625);
    expect(floor.goal).toBe(1.1);
    expect(floor.result).toBe('pass');
  });

  it('gives no result where a run did not measure the contender', () => {
    const rows = summarizeRepeats([[sequential(110, 110)], [sequential(110, 110, 'failed')], []]);
    const run = find(rows, 'gemloop.run', 'floor.http');
    expect(run.ratios[0]).toBeCloseTo(1.1);
    expect(run.ratios.slice(1)).toEqual([Number.NaN, Number.NaN]);
    expect(run.result).toBe('n/a');
  });
});

describe('renderRepeatSummary', () => {
  it("shows every run's ratio, the median, the goal and the moonshot where met", () => {
    const rows = summarizeRepeats([[sequential(105, 140)], [sequential(108, 150)]]);
    const page = renderRepeatSummary(rows, 2);
    expect(page).toContain('## The ratio targets over 2 full runs');
    expect(page).toContain(
      '| gemloop.run per-step wall time × node:http, Sequential tool loop | 1.05 | 1.08 | 1.07 | ≤ 1.30 | pass (moonshot ≤ 1.10 met) |',
    );
    expect(page).toContain(
      '| gemloop.stream per-step wall time × node:http, Sequential tool loop | 1.40 | 1.50 | 1.45 | ≤ 1.30 | **MISS** |',
    );
  });
});

describe('a ratio measured in paired blocks', () => {
  /** The run's sequential scenario with gemloop.stream's ratio to its floor paired as given. */
  function withPaired(stream: number, paired: number, control: number): ScenarioResult[] {
    const scenario = sequential(110, stream);
    const at = (median: number) => ({ median, p25: median, p75: median, count: 3 });
    scenario.rows.find((entry) => entry.name === 'gemloop.stream')!.paired = {
      reference: 'floor.http.stream',
      blocks: 3,
      runsPerLeg: 2,
      wall: at(paired),
      cpu: at(paired),
      controlWall: at(control),
      controlCpu: at(control),
    };
    return [scenario];
  }

  it('is held to the goal in place of the rounds, with its A/A control beside it', () => {
    // The rounds read 1.50 (a MISS); the paired blocks read 1.20, 1.25 and 1.22.
    const rows = summarizeRepeats([
      withPaired(150, 1.2, 1.01),
      withPaired(150, 1.25, 0.98),
      withPaired(150, 1.22, 1.0),
    ]);
    const stream = find(rows, 'gemloop.stream', 'floor.http');
    expect(stream.ratios).toEqual([1.2, 1.25, 1.22]);
    expect(stream.controls).toEqual([1.01, 0.98, 1.0]);
    expect(stream.result).toBe('pass');
    // × floor (the fetch floor) is not paired: its ratio stays the rounds' one, with no control.
    const floor = find(rows, 'gemloop.stream', 'floor');
    expect(floor.ratios).toEqual([0.75, 0.75, 0.75]);
    expect(floor.controls).toEqual([Number.NaN, Number.NaN, Number.NaN]);
    expect(renderRepeatSummary(rows, 3)).toContain(
      '| gemloop.stream per-step wall time × node:http, Sequential tool loop | 1.20 (A/A 1.01) | 1.25 (A/A 0.98) | 1.22 (A/A 1.00) | 1.22 | ≤ 1.30 | pass |',
    );
  });
});
