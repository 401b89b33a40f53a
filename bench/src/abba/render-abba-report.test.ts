import { describe, expect, it } from 'vitest';
import type { MachineInfo } from '../report/machine-info.ts';
import { type AbbaBlock, judgeAbba, summarizeComparison } from './abba-stats.ts';
import {
  type AbbaReport,
  type AbbaRow,
  renderAbbaReport,
  verdictText,
} from './render-abba-report.ts';

const MACHINE: MachineInfo = {
  cpuModel: 'Test CPU',
  cores: 2,
  memoryGb: 8,
  node: 'v20.20.2',
  platform: 'linux x64',
  loadAtStart: [0.4, 0.6, 0.8],
  loadAtEnd: [1.2, 0.9, 0.8],
  commit: 'abc1234',
  versions: [],
};

const pairs = (...differences: number[]): AbbaBlock[][] =>
  differences.map((difference) =>
    Array.from({ length: 20 }, () => ({ a: [200, 202], b: [201 + difference, 201 + difference] })),
  );

function row(difference: number, ...control: number[]): AbbaRow {
  const comparison = summarizeComparison(pairs(difference, difference, difference));
  const aa = summarizeComparison(pairs(...control));
  return {
    mode: 'stream',
    transport: 'fetch',
    comparison,
    control: aa,
    verdict: judgeAbba({ comparison, control: aa }),
  };
}

function report(rows: AbbaRow[], linkedNodeModules = false): AbbaReport {
  return {
    startedAt: '2026-11-25T23:00:00.000Z',
    durationSeconds: 300,
    machine: MACHINE,
    base: { commit: 'd5ff9c83aed8d950c30314b2ef6eeb32abac3858', linkedNodeModules },
    current: 'abc1234',
    design: { pairs: 3, blocks: 20, runsPerLeg: 20, warmupRuns: 1000, steps: 6 },
    rows,
  };
}

describe('verdictText', () => {
  it('says which bound held or was missed', () => {
    expect(verdictText(row(4, 1, -1, 2))).toBe('within +5 µs');
    expect(verdictText(row(7, 1, -8, 2))).toBe('within the A/A band (±8.0 µs)');
    expect(verdictText(row(7, 1, -3, 2))).toBe('**over** (+7.0 > +5.0 µs)');
    expect(verdictText(row(0, 6, 7, 8))).toBe('within +5 µs; the A/A leans +7.0 µs');
  });
});

describe('renderAbbaReport', () => {
  it('prints one row per mode × transport with both sides, the A/A control and the load', () => {
    const page = renderAbbaReport(report([row(3.5, 1, -2, 0.5)]));
    expect(page).toContain('## The default agent against `d5ff9c8`, ABBA in separate processes');
    expect(page).toContain('load 0.4 / 0.6 / 0.8 at the start, 1.2 / 0.9 / 0.8 at the end');
    expect(page).toContain(
      "| `stream` | `transport: 'fetch'` | 201 | 205 | +3.5 | +3.5, +3.5, +3.5 | +3.5 … +3.5 | +0.5 (band ±2.0) | +1.0, -2.0, +0.5 | within +5 µs |",
    );
    expect(page).not.toContain('current node_modules');
  });

  it('says when the base was built on the current node_modules', () => {
    expect(renderAbbaReport(report([row(0, 0, 0, 0)], true))).toContain(
      'built on the current node_modules',
    );
  });
});
