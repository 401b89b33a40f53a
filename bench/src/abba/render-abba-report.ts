import type { MachineInfo } from '../report/machine-info.ts';
import { formatNumber, markdownTable } from '../report/markdown-table.ts';
import type { Spread } from '../report/stats.ts';
import type { AbbaMode, AbbaTransport } from './abba-options.ts';
import {
  type AbbaVerdict,
  aaBandOf,
  type ComparisonSummary,
  MINIMUM_DESIGN,
} from './abba-stats.ts';

/** One mode × transport: the base against the current tree, and the current tree against itself. */
export type AbbaRow = {
  mode: AbbaMode;
  transport: AbbaTransport;
  comparison: ComparisonSummary;
  control: ComparisonSummary;
  verdict: AbbaVerdict;
};

/** Everything `npm run abba` measured, as written to `--json`. */
export type AbbaReport = {
  startedAt: string;
  durationSeconds: number;
  machine: MachineInfo;
  base: { commit: string; linkedNodeModules: boolean };
  /** The current tree's commit, `+dirty` when packages/core has changes. */
  current: string;
  design: { pairs: number; blocks: number; runsPerLeg: number; warmupRuns: number; steps: number };
  rows: AbbaRow[];
};

const signed = (value: number): string => `${value > 0 ? '+' : ''}${formatNumber(value)}`;
const range = (value: Spread): string => `${signed(value.p25)} … ${signed(value.p75)}`;
const TRANSPORT_LABEL: Record<AbbaTransport, string> = {
  auto: 'default (undici request)',
  fetch: "`transport: 'fetch'`",
};

/** The verdict as the table shows it. */
export function verdictText(row: AbbaRow): string {
  const { verdict, control } = row;
  const lean = verdict.aaBiased ? `; the A/A leans ${signed(control.difference)} µs` : '';
  switch (verdict.result) {
    case 'within-limit':
      return `within +5 µs${lean}`;
    case 'within-aa-band':
      return `within the A/A band (±${formatNumber(verdict.allowedUs)} µs)${lean}`;
    case 'over':
      return `**over** (${signed(row.comparison.difference)} > +${formatNumber(verdict.allowedUs)} µs)${lean}`;
    case 'too-few':
      return `no verdict: fewer than ${MINIMUM_DESIGN.pairs} pairs × ${MINIMUM_DESIGN.blocksPerPair} blocks${lean}`;
  }
}

/** The markdown page of one `npm run abba`. */
export function renderAbbaReport(report: AbbaReport): string {
  const { machine, design, base } = report;
  const load = (values: readonly number[] | undefined): string =>
    values === undefined ? '–' : values.map((value) => value.toFixed(1)).join(' / ');
  const table = markdownTable(
    [
      [
        'mode',
        'transport',
        `A \`${base.commit.slice(0, 7)}\` µs/step`,
        `B \`${report.current}\` µs/step`,
        'B − A, µs (median of pairs)',
        'pairs',
        'blocks p25 … p75',
        'A/A, µs (median of pairs)',
        'A/A pairs',
        'verdict',
      ],
      ...report.rows.map((row) => [
        `\`${row.mode}\``,
        TRANSPORT_LABEL[row.transport],
        formatNumber(row.comparison.cpuA.median),
        formatNumber(row.comparison.cpuB.median),
        signed(row.comparison.difference),
        row.comparison.pairMedians.map(signed).join(', '),
        range(row.comparison.blockDifferences),
        `${signed(row.control.difference)} (band ±${formatNumber(aaBandOf(row.control))})`,
        row.control.pairMedians.map(signed).join(', '),
        verdictText(row),
      ]),
    ],
    ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
  );
  const pairs = (count: number): string => `${count} process pair${count === 1 ? '' : 's'}`;
  const about = [
    'Client CPU a step (user + system of the client process) of the default agent (`createAgent` with',
    "the bench's two tools, nothing else turned on) on the `seq5` script against the bench's scripted",
    `server over loopback HTTP (its own process). Per mode × transport: ${pairs(design.pairs)} (A and B`,
    `each in a fresh process) of ${design.blocks} ABBA blocks, ${design.runsPerLeg} runs of ${design.steps}`,
    `steps per leg, after ${design.warmupRuns.toLocaleString('en-US')} warm-up runs per process; the`,
    'same again with the current build in both processes (A/A). B − A is the median over pairs of each',
    "pair's median block difference; the A/A band is the largest |A/A pair median|. Verdict (issue 53):",
    'B − A ≤ +5 µs, or within the A/A band where that is wider.',
    ...(base.linkedNodeModules
      ? [
          "The base commit was built on the current node_modules (its lockfile's packages were not all in",
          "the offline store): its code, today's dependency versions.",
        ]
      : []),
  ].join('\n');
  return `## The default agent against \`${base.commit.slice(0, 7)}\`, ABBA in separate processes

${about}

Started ${report.startedAt}, ${formatNumber(report.durationSeconds / 60, 1)} min; ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}; load ${load(machine.loadAtStart)} at the start, ${load(machine.loadAtEnd)} at the end.

${table}
`;
}
