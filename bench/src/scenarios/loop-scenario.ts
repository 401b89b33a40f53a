import type { ContenderRow, LoopScenarioResult } from '../report/results.ts';
import { spread } from '../report/stats.ts';
import { stepsPerRun } from '../script/run-script.ts';
import { sampleInterleaved } from '../worker/measured-worker.ts';
import type { WorkerLoopScript } from '../worker/worker-protocol.ts';
import { contenderRow } from './contender-row.ts';
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
};

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
  const workers = await context.workers.acquire(setups, settings.parallelSetups);
  await sampleInterleaved(workers, spec.samples, (worker) =>
    worker.sample(spec.runsPerSample, spec.concurrency),
  );
  await context.workers.release(
    workers,
    setups.map((entry) => entry.setup),
  );

  const stats = await server.stats();
  const steps = spec.script === 'long' ? 1 : stepsPerRun(spec.script);
  let requests = 0;
  let serverNs = 0;
  for (const worker of workers) {
    const counters = stats.contenders[worker.name];
    requests += counters?.requests ?? 0;
    serverNs += counters?.serverNs ?? 0;
    if (worker.status === 'failed' && counters?.lastFailure !== undefined) {
      worker.message = `${worker.message}\nserver rejected a request: ${counters.lastFailure}`;
    }
    if (worker.status !== 'ok') continue;
    const runs = spec.warmupRuns + worker.samples.length * spec.runsPerSample;
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

  const rows: ContenderRow[] = workers.map((worker, index) => {
    const entry = contenders[index]!;
    const row: ContenderRow = contenderRow(entry, worker);
    if (worker.status === 'ok') {
      row.samples = worker.samples.map((sample) => sample.wallNs / 1000 / sample.steps);
      row.wallUsPerStep = spread(row.samples);
      row.cpuUsPerStep = spread(worker.samples.map((sample) => sample.cpuUs / sample.steps));
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
