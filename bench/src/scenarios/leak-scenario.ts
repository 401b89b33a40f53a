import type { LeakRow, LeakScenarioResult } from '../report/results.ts';
import { slope } from '../report/stats.ts';
import { stepsPerRun } from '../script/run-script.ts';
import type { MeasuredWorker } from '../worker/measured-worker.ts';
import type { LeakResult, WorkerSetup } from '../worker/worker-protocol.ts';
import type { ScenarioContext } from './scenario-context.ts';

/**
 * Many sequential runs on one configured client/agent (one tool round and the answer each), with
 * the heap measured after a full GC every `checkpointEvery` runs. Anything kept per run (listeners,
 * caches, histories) shows as a slope.
 */
export async function runLeakScenario(context: ScenarioContext): Promise<LeakScenarioResult> {
  const { runs, checkpointEvery, warmupRuns } = context.settings.leak;
  const contenders = context.contenders.filter((entry) => entry.longStreamOnly !== true);
  context.log(`many runs: ${contenders.length} contenders, ${runs} runs each`);
  await context.server.reset();
  const rows: LeakRow[] = [];
  for (const entry of contenders) {
    const setup: WorkerSetup = {
      task: 'leak',
      contender: entry.name,
      serverUrl: context.server.url,
      runs,
      warmupRuns,
      checkpointEvery,
      maxSteps: context.settings.maxSteps,
    };
    const [worker] = (await context.workers.acquire([{ name: entry.name, setup }], 1)) as [
      MeasuredWorker,
    ];
    const result = await worker.measure<LeakResult>('leak');
    await context.workers.release([worker], [setup]);
    const counters = (await context.server.stats()).contenders[entry.name];
    if (worker.status === 'failed' && counters?.lastFailure !== undefined) {
      worker.message = `${worker.message}\nserver rejected a request: ${counters.lastFailure}`;
    }
    const expectedRuns = runs + warmupRuns;
    if (
      result !== undefined &&
      (counters?.failures !== 0 ||
        counters.finals !== expectedRuns ||
        counters.requests !== expectedRuns * stepsPerRun('leak'))
    ) {
      worker.fail(`server counters do not match ${expectedRuns} runs: ${JSON.stringify(counters)}`);
    }
    const row: LeakRow = {
      name: entry.name,
      library: entry.library,
      status: worker.status,
      message: worker.message,
      runs,
    };
    if (worker.status === 'ok' && result !== undefined) {
      const first = result.points[0]!;
      const last = result.points[result.points.length - 1]!;
      // The first checkpoint still carries warm-up effects (lazy caches filling); the slope
      // starts at the second.
      const steady = result.points.slice(1).map((point) => ({ x: point.runs, y: point.heapBytes }));
      row.growthBytes = last.heapBytes - first.heapBytes;
      row.bytesPerRun = slope(steady);
      row.rssGrowthBytes = last.rssBytes - first.rssBytes;
      row.usPerRun = result.wallNs / 1000 / runs;
    }
    rows.push(row);
  }
  return {
    kind: 'leak',
    id: 'leak',
    title: `${runs.toLocaleString('en-US')} sequential runs on one client`,
    rows,
  };
}
