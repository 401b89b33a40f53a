import type { ParseScenarioResult } from '../report/results.ts';
import { spread } from '../report/stats.ts';
import { createLongStream } from '../script/long-stream.ts';
import { sampleInterleaved } from '../worker/measured-worker.ts';
import type { ScenarioContext } from './scenario-context.ts';

/**
 * Typed stream parsing with no network: every parser gets the same SSE body, cut into the same
 * 16 KB pieces, and must produce the answer's exact text (checked on every pass). Throughput is
 * body bytes per second of wall time, one parser process at a time.
 */
export async function runParseScenario(context: ScenarioContext): Promise<ParseScenarioResult> {
  const { chunks, samples, warmupRuns } = context.settings.parse;
  const long = createLongStream(chunks);
  context.log(
    `stream parsing: ${context.parsers.length} parsers, ${chunks} chunks (${(long.byteLength / 1e6).toFixed(1)} MB)`,
  );
  const setups = context.parsers.map((entry) => ({
    name: entry.name,
    setup: { task: 'parse' as const, parser: entry.name, chunkCount: chunks, warmupRuns },
  }));
  const workers = await context.workers.acquire(setups, context.settings.parallelSetups);
  await sampleInterleaved(workers, samples, (worker) => worker.sample(1, 1));
  await context.workers.release(
    workers,
    setups.map((entry) => entry.setup),
  );
  const rows = workers.map((worker, index) => {
    const entry = context.parsers[index]!;
    const samples =
      worker.status === 'ok'
        ? worker.samples.map((sample) => sample.bytes / 1e6 / (sample.wallNs / 1e9))
        : undefined;
    return {
      name: entry.name,
      library: entry.library,
      streaming: true,
      status: worker.status,
      message: worker.message,
      includes: entry.includes,
      maxRssBytes: worker.maxRssBytes,
      samples,
      megabytesPerSecond: samples === undefined ? undefined : spread(samples),
      cpuUsPerStep:
        worker.status === 'ok'
          ? spread(worker.samples.map((sample) => sample.cpuUs / (chunks + 1)))
          : undefined,
    };
  });
  return {
    kind: 'parse',
    id: 'parse',
    title: 'Typed stream parsing (HTTP body to typed chunks, in memory)',
    chunkCount: chunks,
    byteLength: long.byteLength,
    rows,
  };
}
