import { formatMegabytes, formatNumber } from './markdown-table.ts';
import type {
  ChatScenarioResult,
  ContenderRow,
  ImportScenarioResult,
  LeakScenarioResult,
  LoopScenarioResult,
  PairedRatio,
  ParseScenarioResult,
  ScenarioResult,
} from './results.ts';
import { pairedRatio, type Spread } from './stats.ts';

/** One of gemloop's targets, checked against this run's numbers. */
export type TargetCheck = {
  target: string;
  measured: string;
  goal: string;
  /** `reported`: shown next to the targets for what it tells, with no goal of its own. */
  result: 'pass' | 'MISS' | 'n/a' | 'reported';
};

/**
 * Heap slope under which runs count as not growing: 1 MB over 10,000 runs. The heap after a full
 * GC still moves by some hundred KB between checkpoints (every library, the floor included,
 * measured between -40 and +55 B/run on a busy machine); anything a run keeps (a listener, a
 * result, a copy of its history) costs kilobytes per run, far above.
 */
export const LEAK_BYTES_PER_RUN = 100;
/** How much the heap per stored chat turn may rise from the middle to the last checkpoint. */
export const CHAT_FLAT_FACTOR = 1.25;
/** gemloop's per-step wall time over the hand-written fetch loop's, at most. */
export const FLOOR_GOAL = 1.1;
/** gemloop's per-step wall time over the same loop on raw node:http's, at most (issue 53). */
export const NODE_HTTP_GOAL = 1.3;
/** Issue 53's moonshot for the same ratio. */
export const NODE_HTTP_MOONSHOT = 1.1;
/** The loop scenarios whose per-step ratios are held to {@link FLOOR_GOAL} and {@link NODE_HTTP_GOAL}. */
export const RATIO_TARGET_SCENARIOS: readonly string[] = ['sequential', 'in-flight-16'];

function ok(row: ContenderRow | undefined): row is ContenderRow & { status: 'ok' } {
  return row?.status === 'ok';
}

function rowOf(rows: readonly ContenderRow[], name: string): ContenderRow | undefined {
  return rows.find((row) => row.name === name);
}

/**
 * `row` over `reference`: the median of its paired blocks' ratios where it was measured in
 * blocks against that reference, else the median of per-round ratios when both have samples,
 * else the ratio of the medians (wall time for loops, MB/s for parsers).
 */
export function ratioOf(row: ContenderRow, reference: ContenderRow): number {
  if (row.paired?.reference === reference.name) return row.paired.wall.median;
  if (row.samples !== undefined && reference.samples !== undefined) {
    return pairedRatio(row.samples, reference.samples);
  }
  const value = row.megabytesPerSecond?.median ?? row.wallUsPerStep?.median ?? Number.NaN;
  const base =
    reference.megabytesPerSecond?.median ?? reference.wallUsPerStep?.median ?? Number.NaN;
  return value / base;
}

function floorOf(scenario: LoopScenarioResult, row: ContenderRow): ContenderRow | undefined {
  return rowOf(scenario.rows, row.streaming ? 'floor.stream' : 'floor');
}

function na(target: string, goal: string, why: string): TargetCheck {
  return { target, measured: why, goal, result: 'n/a' };
}

function wallChecks(scenario: LoopScenarioResult): TargetCheck[] {
  return ['gemloop.run', 'gemloop.stream'].map((name) => {
    const target = `${name} per-step wall time, ${scenario.title}`;
    const goal = `≤ ${FLOOR_GOAL.toFixed(2)} × floor`;
    const row = rowOf(scenario.rows, name);
    if (!ok(row)) return na(target, goal, row === undefined ? 'not run' : row.status);
    const floor = floorOf(scenario, row);
    if (!ok(floor)) return na(target, goal, 'floor not measured');
    const ratio = ratioOf(row, floor);
    return {
      target,
      measured: `${formatNumber(ratio, 2)} × (${formatNumber(row.wallUsPerStep!.median)} vs ${formatNumber(floor.wallUsPerStep!.median)} µs)`,
      goal,
      result: ratio <= FLOOR_GOAL ? 'pass' : 'MISS',
    };
  });
}

/** How a paired ratio was formed, and its A/A control, for the targets table. */
export function pairedNote(paired: PairedRatio | undefined): string {
  if (paired === undefined) return '';
  const range = (value: Spread): string =>
    `${formatNumber(value.p25, 2)}–${formatNumber(value.p75, 2)}`;
  const { contenderWallUs, floorWallUs } = paired;
  const perStep =
    contenderWallUs === undefined || floorWallUs === undefined
      ? ''
      : `; in the blocks ${formatNumber(contenderWallUs.median)} vs ${formatNumber(floorWallUs.median)} µs a step`;
  return `; ${paired.blocks} paired blocks, p25–p75 ${range(paired.wall)}; A/A ${formatNumber(paired.controlWall.median, 2)} (${range(paired.controlWall)}); CPU ${formatNumber(paired.cpu.median, 2)}, A/A ${formatNumber(paired.controlCpu.median, 2)}${perStep}`;
}

/**
 * gemloop within 1.3 × the same loop on raw node:http, the least Node's HTTP stack does. With
 * `reported`, the same ratios for a scenario that has no goal (the first runs of a process).
 */
function nodeHttpChecks(scenario: LoopScenarioResult, reported = false): TargetCheck[] {
  return ['gemloop.run', 'gemloop.stream'].map((name) => {
    const target = `${name} per-step wall time vs raw node:http, ${scenario.title}`;
    const goal = reported
      ? 'reported, not a target'
      : `≤ ${NODE_HTTP_GOAL.toFixed(2)} × floor.http`;
    const row = rowOf(scenario.rows, name);
    if (!ok(row)) return na(target, goal, row === undefined ? 'not run' : row.status);
    const http = rowOf(scenario.rows, row.streaming ? 'floor.http.stream' : 'floor.http');
    if (!ok(http)) return na(target, goal, 'floor.http not measured');
    const ratio = ratioOf(row, http);
    return {
      target,
      measured: `${formatNumber(ratio, 2)} × (${formatNumber(row.wallUsPerStep!.median)} vs ${formatNumber(http.wallUsPerStep!.median)} µs)${pairedNote(row.paired)}`,
      goal,
      result: reported ? 'reported' : ratio <= NODE_HTTP_GOAL ? 'pass' : 'MISS',
    };
  });
}

/**
 * The floor of the peak-RSS target. For the 20,000-chunk stream, the hand-written loop on npm
 * undici 7's request API, the HTTP client of gemloop's default transport: issue 53 re-based that
 * scenario's floor there (the fetch floor runs Node's bundled undici, leaving out what compiling
 * npm undici's parser costs any program that uses it). The other loop scenarios keep the fetch
 * floor, as the target had it. A run without the undici floor (an older results file) falls back
 * to the fetch floor, named.
 */
function rssFloorOf(
  scenario: LoopScenarioResult,
  row: ContenderRow,
): { floor: ContenderRow; name: string } | undefined {
  const name = row.streaming ? 'floor.undici.stream' : 'floor.undici';
  const undici = scenario.id === LONG_STREAM ? rowOf(scenario.rows, name) : undefined;
  if (ok(undici) && undici.maxRssBytes !== undefined) return { floor: undici, name };
  const fetch = floorOf(scenario, row);
  if (ok(fetch) && fetch.maxRssBytes !== undefined) return { floor: fetch, name: fetch.name };
  return undefined;
}

/** The scenario whose peak-RSS floor is the undici loop's (issue 53). */
const LONG_STREAM = 'long-stream';

function rssChecks(loops: readonly LoopScenarioResult[]): TargetCheck[] {
  const goal = '≤ floor + 15 MB (the 20,000-chunk stream: floor.undici.stream)';
  const target = 'gemloop peak RSS, worst loop scenario';
  let worst: { delta: number; where: string } | undefined;
  for (const scenario of loops) {
    for (const name of ['gemloop.run', 'gemloop.stream']) {
      const row = rowOf(scenario.rows, name);
      if (!ok(row) || row.maxRssBytes === undefined) continue;
      const base = rssFloorOf(scenario, row);
      if (base === undefined) continue;
      const delta = row.maxRssBytes - (base.floor.maxRssBytes as number);
      if (worst === undefined || delta > worst.delta)
        worst = { delta, where: `${name} over ${base.name}, ${scenario.title}` };
    }
  }
  if (worst === undefined) return [na(target, goal, 'gemloop not measured')];
  const sign = worst.delta < 0 ? '−' : '+';
  return [
    {
      target,
      measured: `${sign}${formatMegabytes(Math.abs(worst.delta))} MB (${worst.where})`,
      goal,
      result: worst.delta <= 15e6 ? 'pass' : 'MISS',
    },
  ];
}

function parseChecks(scenario: ParseScenarioResult): TargetCheck[] {
  const gemloop = rowOf(scenario.rows, 'gemloop (streamGenerateContent)');
  const versus: [string, string, number][] = [
    ['@google/genai', 'genai', 10],
    ['the AI SDK (provider doStream)', 'ai-sdk (provider doStream)', 10],
    ['bare eventsource-parser + JSON.parse', 'eventsource-parser + JSON.parse', 0.7],
  ];
  return versus.map(([label, name, factor]) => {
    const target = `gemloop typed stream parsing vs ${label}`;
    const goal = `≥ ${factor} ×`;
    const other = rowOf(scenario.rows, name);
    if (!ok(gemloop)) return na(target, goal, gemloop === undefined ? 'not run' : gemloop.status);
    if (!ok(other)) return na(target, goal, `${name} not measured`);
    const ratio = ratioOf(gemloop, other);
    return {
      target,
      measured: `${formatNumber(ratio, 2)} × (${formatNumber(gemloop.megabytesPerSecond!.median)} vs ${formatNumber(other.megabytesPerSecond!.median)} MB/s)`,
      goal,
      result: ratio >= factor ? 'pass' : 'MISS',
    };
  });
}

function importChecks(scenario: ImportScenarioResult): TargetCheck[] {
  const target = 'cold import of @gemloop/core';
  const goal = '≤ zod + 20 ms';
  const core = scenario.rows.find((row) => row.name === '@gemloop/core');
  const zod = scenario.rows.find((row) => row.name === 'zod (baseline)');
  if (core?.status !== 'ok' || zod?.status !== 'ok') return [na(target, goal, 'not measured')];
  const delta = core.importMs!.median - zod.importMs!.median;
  return [
    {
      target,
      measured: `${formatNumber(core.importMs!.median)} ms vs zod ${formatNumber(zod.importMs!.median)} ms (${delta >= 0 ? '+' : ''}${formatNumber(delta)} ms)`,
      goal,
      result: delta <= 20 ? 'pass' : 'MISS',
    },
  ];
}

function chatChecks(scenario: ChatScenarioResult): TargetCheck[] {
  const target = 'gemloop memory per stored chat turn as history grows';
  const goal = `flat (last ≤ ${CHAT_FLAT_FACTOR} × middle checkpoint)`;
  const row = scenario.rows.find((candidate) => candidate.name === 'gemloop.run');
  if (row?.status !== 'ok' || row.bytesPerTurn.length < 2)
    return [na(target, goal, row?.status ?? 'not run')];
  const middle = row.bytesPerTurn[Math.floor((row.bytesPerTurn.length - 1) / 2)]!;
  const last = row.bytesPerTurn[row.bytesPerTurn.length - 1]!;
  return [
    {
      target,
      measured: `${formatNumber(middle.bytes)} B per turn up to turn ${middle.turn}, ${formatNumber(last.bytes)} up to turn ${last.turn}`,
      goal,
      result: last.bytes <= middle.bytes * CHAT_FLAT_FACTOR ? 'pass' : 'MISS',
    },
  ];
}

function leakChecks(scenario: LeakScenarioResult): TargetCheck[] {
  return ['gemloop.run', 'gemloop.stream'].map((name) => {
    const row = scenario.rows.find((candidate) => candidate.name === name);
    const target = `${name} heap across ${scenario.title}`;
    const goal = `no growth (slope ≤ ${LEAK_BYTES_PER_RUN} B/run)`;
    if (row?.status !== 'ok' || row.bytesPerRun === undefined)
      return na(target, goal, row?.status ?? 'not run');
    return {
      target,
      measured: `${formatNumber(row.bytesPerRun)} B/run (${formatNumber((row.growthBytes ?? 0) / 1024)} KB in all)`,
      goal,
      result: row.bytesPerRun <= LEAK_BYTES_PER_RUN ? 'pass' : 'MISS',
    };
  });
}

/** Checks every target the scenarios of this run can speak to. */
export function checkTargets(results: readonly ScenarioResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const loops = results.filter((result): result is LoopScenarioResult => result.kind === 'loop');
  for (const scenario of loops) {
    if (RATIO_TARGET_SCENARIOS.includes(scenario.id)) {
      checks.push(...wallChecks(scenario), ...nodeHttpChecks(scenario));
    }
    if (scenario.id === 'first-runs') checks.push(...nodeHttpChecks(scenario, true));
  }
  for (const result of results) {
    if (result.kind === 'parse') checks.push(...parseChecks(result));
    if (result.kind === 'import') checks.push(...importChecks(result));
  }
  if (loops.length > 0) checks.push(...rssChecks(loops));
  for (const result of results) {
    if (result.kind === 'chat') checks.push(...chatChecks(result));
    if (result.kind === 'leak') checks.push(...leakChecks(result));
  }
  return checks;
}
