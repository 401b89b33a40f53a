import type { OverheadRow, OverheadScenarioResult } from '../report/results.ts';
import { spread } from '../report/stats.ts';
import { stepsPerRun } from '../script/run-script.ts';
import { sampleInterleaved } from '../worker/measured-worker.ts';
import { contenderRow } from './contender-row.ts';
import type { ScenarioContext } from './scenario-context.ts';

/**
 * The library's own cost per step, with no network: each contender runs the sequential tool loop
 * against the scripted server played inside its own process ({@link createInProcessGemini}, an
 * injected `fetch` that validates each request as the server does and answers with precomputed
 * Gemini 3 bytes). Without sockets, the kernel and a second process in the way, what is left is
 * request building, parsing, validation, tool dispatch and history handling, measured as wall
 * time, CPU time and V8 heap bytes allocated per step. The in-process server's own time is
 * measured too and shown apart. The worker checks after every sample that each run was played to
 * its final answer with no request refused.
 */
export async function runOverheadScenario(
  context: ScenarioContext,
): Promise<OverheadScenarioResult> {
  const { script, warmupRuns, samples, runsPerSample } = context.settings.overhead;
  // The in-process server is an injected fetch: a contender that speaks HTTP itself cannot use it.
  const contenders = context.contenders.filter((entry) => entry.httpOnly !== true);
  context.log(
    `library overhead (in-process server): ${contenders.length} contenders, ${samples} samples of ${runsPerSample} runs`,
  );
  const setups = contenders.map((entry) => ({
    name: entry.name,
    setup: {
      task: 'overhead' as const,
      contender: entry.name,
      script,
      warmupRuns,
      maxSteps: context.settings.maxSteps,
    },
  }));
  const workers = await context.workers.acquire(setups, context.settings.parallelSetups);
  await sampleInterleaved(workers, samples, (worker) => worker.sample(runsPerSample, 1));
  await context.workers.release(
    workers,
    setups.map((entry) => entry.setup),
  );
  const rows: OverheadRow[] = workers.map((worker, index) => {
    const entry = contenders[index]!;
    const row: OverheadRow = contenderRow(entry, worker);
    if (worker.status === 'ok') {
      const perStep = (value: (sample: (typeof worker.samples)[number]) => number): number[] =>
        worker.samples.map((sample) => value(sample) / sample.steps);
      row.samples = perStep((sample) => sample.wallNs / 1000);
      row.wallUsPerStep = spread(row.samples);
      row.cpuUsPerStep = spread(perStep((sample) => sample.cpuUs));
      row.serverUsPerStep = spread(perStep((sample) => (sample.serverNs ?? 0) / 1000));
      row.ownSamples = perStep((sample) => (sample.wallNs - (sample.serverNs ?? 0)) / 1000);
      row.ownUsPerStep = spread(row.ownSamples);
      row.allocatedSamples = perStep((sample) => sample.allocatedBytes ?? Number.NaN);
      row.allocatedBytesPerStep = spread(row.allocatedSamples);
    }
    return row;
  });
  return {
    kind: 'overhead',
    id: 'overhead',
    title: 'Library overhead, no network: sequential tool loop against an in-process server',
    what: `The sequential script (5 rounds of 1 call, then the answer) against the scripted server played inside each contender's process: an injected \`fetch\` (the global one for genai) that validates every request as the HTTP server does and answers with precomputed Gemini 3 bytes, streamed as one piece per event. No socket, no second process: what is left is the library.`,
    runsPerSample,
    samples,
    stepsPerRun: stepsPerRun(script),
    rows,
  };
}
