import type { ContenderRow, LoopScenarioResult, PairedRatio } from '../report/results.ts';
import { spread } from '../report/stats.ts';
import { stepsPerRun } from '../script/run-script.ts';
import { sampleInterleaved } from '../worker/measured-worker.ts';
import type { WorkerLoopScript } from '../worker/worker-protocol.ts';
import { contenderRow } from './contender-row.ts';
import { measurePairedBlocks, type PairedGroup, pairedRatioOf } from './paired-ratio.ts';
import type { ScenarioContext } from './scenario-context.ts';

/** One tool-loop scenario. */
export type LoopScenarioSpec = {
  id: string;
  title: string;
  what: string;
  script: WorkerLoopScript;
  concurrency: number;
  runsPerSample: number;
  samples: number;
  warmupRuns: number;
  /** Text chunks of the long answer (`long` only). */
  longChunks?: number | undefined;
  /** Only streaming contenders (the long answer is streamed). */
  streamingOnly?: boolean | undefined;
  /**
   * Measure gemloop's ratios to raw `node:http` again in palindromic blocks, beside a second
   * process of each floor (its A/A twin); the rounds' ratio leaves load changes within a round in.
   */
  paired?: { blocks: number; runsPerLeg: number } | undefined;
};

/** gemloop's contenders and the raw `node:http` floor each is held to (issue 53). */
const NODE_HTTP_PAIRS: readonly (readonly [string, string])[] = [
  ['gemloop.run', 'floor.http'],
  ['gemloop.stream', 'floor.http.stream'],
];

/** The server's name for a floor's A/A twin: its own counters, the same contender code. */
const twinLabel = (floor: string): string => `${floor}.aa`;

/**
 * Runs a tool-loop scenario: one process per contender, warmed up, then samples interleaved
 * across contenders. Afterwards the server's counters must show, for every contender, exactly one
 * final answer per run and no rejected request; anything else fails the contender.
 */
export async function runLoopScenario(
  context: ScenarioContext,
  spec: LoopScenarioSpec,
): Promise<LoopScenarioResult> {
  const { server, settings } = context;
  const contenders = context.contenders.filter(
    (entry) =>
      (!spec.streamingOnly || entry.streaming) &&
      // A diagnostic row is measured in a full long stream only: --quick (npm test's smoke run)
      // proves the scenario's wiring with the target's contenders and pays no extra process.
      (entry.longStreamOnly !== true || (spec.script === 'long' && !settings.quick)),
  );
  context.log(
    `${spec.title}: ${contenders.length} contenders, ${spec.samples} samples of ${spec.runsPerSample} runs`,
  );
  await server.reset();
  const cpuBefore = (await server.stats()).processCpuUs;
  const setups = contenders.map((entry) => ({
    name: entry.name,
    setup: {
      task: 'loop' as const,
      contender: entry.name,
      serverUrl: server.url,
      script: spec.script,
      longChunks: spec.longChunks ?? 0,
      warmupRuns: spec.warmupRuns,
      maxSteps: settings.maxSteps,
    },
  }));
  const names = contenders.map((entry) => entry.name);
  const pairs = spec.paired
    ? NODE_HTTP_PAIRS.filter(([name, floor]) => names.includes(name) && names.includes(floor))
    : [];
  const twinSetups = pairs.map(([, floor]) => ({
    name: twinLabel(floor),
    setup: { ...setups[names.indexOf(floor)]!.setup, label: twinLabel(floor) },
  }));
  const all = await context.workers.acquire([...setups, ...twinSetups], settings.parallelSetups);
  const workers = all.slice(0, setups.length);
  const twins = all.slice(setups.length);
  await sampleInterleaved(workers, spec.samples, (worker) =>
    worker.sample(spec.runsPerSample, spec.concurrency),
  );
  const paired = new Map<string, PairedRatio>();
  if (spec.paired !== undefined && pairs.length > 0) {
    const { blocks, runsPerLeg } = spec.paired;
    const groups: PairedGroup[] = pairs.map(([name, floor], index) => ({
      contender: workers[names.indexOf(name)]!,
      floor: workers[names.indexOf(floor)]!,
      twin: twins[index]!,
    }));
    const measured = await measurePairedBlocks(groups, blocks, runsPerLeg);
    for (const [index, [name, floor]] of pairs.entries()) {
      const group = groups[index]!;
      if (measured[index]!.length === blocks) {
        paired.set(name, pairedRatioOf(floor, measured[index]!, runsPerLeg));
        continue;
      }
      // Without its blocks the row's target would quietly fall back to the rounds' ratio.
      const stopped = [group.floor, group.twin].find((worker) => worker.status !== 'ok');
      group.contender.fail(
        `paired blocks stopped after ${measured[index]!.length} of ${blocks}: ${stopped?.name ?? name} ${stopped?.message ?? ''}`,
      );
    }
  }
  await context.workers.release(
    all,
    [...setups, ...twinSetups].map((entry) => entry.setup),
  );

  const stats = await server.stats();
  const steps = spec.script === 'long' ? 1 : stepsPerRun(spec.script);
  let requests = 0;
  let serverNs = 0;
  for (const worker of all) {
    const counters = stats.contenders[worker.name];
    requests += counters?.requests ?? 0;
    serverNs += counters?.serverNs ?? 0;
    if (worker.status === 'failed' && counters?.lastFailure !== undefined) {
      worker.message = `${worker.message}\nserver rejected a request: ${counters.lastFailure}`;
    }
    if (worker.status !== 'ok') continue;
    const runs = spec.warmupRuns + worker.samples.length * spec.runsPerSample + worker.legRuns;
    if (
      counters === undefined ||
      counters.failures > 0 ||
      counters.finals !== runs ||
      counters.requests !== runs * steps
    ) {
      worker.fail(
        `server counters do not match ${runs} complete runs of ${steps} requests: ${JSON.stringify(counters)}`,
      );
    }
  }

  for (const [index, [name]] of pairs.entries()) {
    const twin = twins[index]!;
    if (twin.status === 'ok' || !paired.delete(name)) continue;
    workers[names.indexOf(name)]!.fail(`its floor's A/A twin failed: ${twin.message ?? ''}`);
  }

  const rows: ContenderRow[] = workers.map((worker, index) => {
    const entry = contenders[index]!;
    const row: ContenderRow = contenderRow(entry, worker);
    if (worker.status === 'ok') {
      row.samples = worker.samples.map((sample) => sample.wallNs / 1000 / sample.steps);
      row.wallUsPerStep = spread(row.samples);
      row.cpuUsPerStep = spread(worker.samples.map((sample) => sample.cpuUs / sample.steps));
      row.paired = paired.get(entry.name);
      if (spec.script === 'long') {
        row.megabytesPerSecond = spread(
          worker.samples.map((sample) => sample.bytes / 1e6 / (sample.wallNs / 1e9)),
        );
      }
    }
    return row;
  });
  return {
    kind: 'loop',
    id: spec.id,
    title: spec.title,
    what: spec.what,
    concurrency: spec.concurrency,
    runsPerSample: spec.runsPerSample,
    samples: spec.samples,
    stepsPerRun: steps,
    rows,
    serverUsPerRequest: requests === 0 ? Number.NaN : serverNs / 1000 / requests,
    serverCpuUsPerRequest:
      requests === 0 ? Number.NaN : (stats.processCpuUs - cpuBefore) / requests,
  };
}
