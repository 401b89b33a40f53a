import type { WorkerStatus } from '../worker/measured-worker.ts';
import type { Spread } from './stats.ts';

/** One contender's line in a scenario. */
export type ContenderRow = {
  name: string;
  library: string;
  streaming: boolean;
  status: WorkerStatus;
  /** Why it failed or was skipped. */
  message?: string | undefined;
  wallUsPerStep?: Spread | undefined;
  cpuUsPerStep?: Spread | undefined;
  /** Body throughput, for streams. */
  megabytesPerSecond?: Spread | undefined;
  maxRssBytes?: number | undefined;
  /**
   * The main value of each sample, in round order (µs per step for loops, MB/s for parsers), for
   * ratios taken round by round.
   */
  samples?: number[] | undefined;
  /** This row's ratio to its raw `node:http` floor, formed block by block (the sequential scenario). */
  paired?: PairedRatio | undefined;
};

/**
 * A ratio formed per palindromic block (the floor, this contender, a second process of the floor,
 * then backwards), so that load changing linearly over a block lands on each alike, with the
 * floor's second process over the floor (an A/A control) from the same blocks beside it.
 */
export type PairedRatio = {
  /** The floor's contender name (`floor.http`, `floor.http.stream`). */
  reference: string;
  blocks: number;
  runsPerLeg: number;
  /** Per-block wall time a step over the floor's. */
  wall: Spread;
  /** The same blocks' CPU a step (`process.cpuUsage()`) over the floor's. */
  cpu: Spread;
  /** The A/A control: the floor's second process over the floor, wall and CPU. */
  controlWall: Spread;
  controlCpu: Spread;
  /**
   * The same rotations' own wall µs a step, the floor's and the contender's: whether a ratio
   * moved with the floor or with the contender (the floor's spread across runs is its own).
   * Absent in results files written before they were kept.
   */
  floorWallUs?: Spread | undefined;
  contenderWallUs?: Spread | undefined;
};

/** A tool-loop scenario (sequential, parallel calls, in flight, long stream). */
export type LoopScenarioResult = {
  kind: 'loop';
  id: string;
  title: string;
  what: string;
  concurrency: number;
  runsPerSample: number;
  samples: number;
  stepsPerRun: number;
  rows: ContenderRow[];
  /** The server's own handler time per request, averaged over the scenario. */
  serverUsPerRequest: number;
  /** CPU the server process used in the scenario, per request. */
  serverCpuUsPerRequest: number;
};

/** One contender's line in the overhead scenario. */
export type OverheadRow = ContenderRow & {
  /** V8 heap bytes allocated per step. */
  allocatedBytesPerStep?: Spread | undefined;
  /** Time per step inside the in-process server (its parse, validation and Response). */
  serverUsPerStep?: Spread | undefined;
  /** Wall time per step minus the server's: the contender's own cost. */
  ownUsPerStep?: Spread | undefined;
  /** Per-sample own µs per step and allocated bytes per step, for per-round differences. */
  ownSamples?: number[] | undefined;
  allocatedSamples?: number[] | undefined;
};

/** The tool loop against the in-process server (no network). */
export type OverheadScenarioResult = {
  kind: 'overhead';
  id: string;
  title: string;
  what: string;
  runsPerSample: number;
  samples: number;
  stepsPerRun: number;
  rows: OverheadRow[];
};

/** Typed stream parsing in memory. */
export type ParseScenarioResult = {
  kind: 'parse';
  id: string;
  title: string;
  chunkCount: number;
  byteLength: number;
  rows: (ContenderRow & { includes: string })[];
};

/** One window of chat turns. */
export type ChatWindow = { fromTurn: number; toTurn: number; wallUs: Spread; cpuUs: Spread };

/** The chat-history scenario for one contender. */
export type ChatRow = {
  name: string;
  library: string;
  status: WorkerStatus;
  message?: string | undefined;
  windows: ChatWindow[];
  /** Heap added per stored turn between the previous checkpoint (or the start) and this one. */
  bytesPerTurn: { turn: number; bytes: number }[];
  maxRssBytes?: number | undefined;
};

/** The chat-history scenario. */
export type ChatScenarioResult = {
  kind: 'chat';
  id: string;
  title: string;
  turns: number;
  rows: ChatRow[];
};

/** The many-runs (leak) scenario for one contender. */
export type LeakRow = {
  name: string;
  library: string;
  status: WorkerStatus;
  message?: string | undefined;
  runs: number;
  /** Heap growth from the first to the last checkpoint. */
  growthBytes?: number | undefined;
  /** Least-squares slope of the heap over runs. */
  bytesPerRun?: number | undefined;
  rssGrowthBytes?: number | undefined;
  usPerRun?: number | undefined;
};

/** The many-runs (leak) scenario. */
export type LeakScenarioResult = { kind: 'leak'; id: string; title: string; rows: LeakRow[] };

/** Cold import of one module set. */
export type ImportRow = {
  name: string;
  specifiers: string[];
  status: 'ok' | 'failed';
  message?: string | undefined;
  importMs?: Spread | undefined;
  rssBytes?: Spread | undefined;
};

/** The cold-import scenario. */
export type ImportScenarioResult = { kind: 'import'; id: string; title: string; rows: ImportRow[] };

/** Any scenario's result. */
export type ScenarioResult =
  | LoopScenarioResult
  | OverheadScenarioResult
  | ParseScenarioResult
  | ChatScenarioResult
  | LeakScenarioResult
  | ImportScenarioResult;

/** Whether a row counts as a failure of the run. */
export function isFailed(row: { status: string }): boolean {
  return row.status === 'failed';
}
