/**
 * `pnpm --filter @gemloop/bench run guardrail [-- --rounds=N --latency-ms=N]`: what an input
 * guardrail costs a run (issue 32). Against the fake Gemini on 127.0.0.1 answering after
 * `latency-ms`, rounds interleave three runs of one model call each:
 *
 * - plain: no guardrail;
 * - parallel: one `runInParallel` input guardrail whose check takes as long as the model call
 *   (a timer of `latency-ms`, the classifier stand-in); the goal: no later than plain + 5%;
 * - passing: one sequential guardrail that passes at once; the goal: no model-call latency added.
 *
 * Prints the median of each and of the per-round ratios to plain, and exits 1 when the parallel
 * run's median ratio is over 1.05. Wall-clock times of a shared machine: run it alone.
 */
import { loadavg } from 'node:os';
import { createAgent, createGemini } from '@gemloop/core';
import { type GuardrailOptions, guardrails } from '@gemloop/core/guardrails';
import { createFakeGemini, turn } from '@gemloop/testing';

const argument = (name: string, fallback: number): number => {
  const found = process.argv.find((value) => value.startsWith(`--${name}=`));
  return found === undefined ? fallback : Number(found.slice(name.length + 3));
};
const ROUNDS = argument('rounds', 40);
const LATENCY_MS = argument('latency-ms', 250);
const MODEL = 'gemini-2.5-flash';

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

const fake = createFakeGemini({ script: () => turn.text('Open at nine.'), latencyMs: LATENCY_MS });
const { url } = await fake.listen();
const gemini = createGemini({ baseUrl: url, apiKey: 'bench-key', retry: false });
const agent = (options?: GuardrailOptions) =>
  createAgent({
    gemini,
    model: MODEL,
    telemetry: false,
    guardrails: options === undefined ? undefined : guardrails(options),
  });
const plain = agent();
const parallel = agent({
  input: [
    {
      name: 'classifier',
      runInParallel: true,
      check: () =>
        new Promise((resolve) => setTimeout(() => resolve({ type: 'pass' }), LATENCY_MS)),
    },
  ],
});
const passing = agent({ input: [{ name: 'pass', check: () => ({ type: 'pass' }) }] });

const timeRun = async (subject: ReturnType<typeof agent>): Promise<number> => {
  const started = performance.now();
  await subject.run('When do you open?');
  return performance.now() - started;
};

const loadAtStart = loadavg()[0] as number;
// Warm-up: connections, the loop's first load, V8.
for (let round = 0; round < 5; round++) {
  await timeRun(plain);
  await timeRun(parallel);
  await timeRun(passing);
}
const times = { plain: [] as number[], parallel: [] as number[], passing: [] as number[] };
const ratios = { parallel: [] as number[], passing: [] as number[] };
for (let round = 0; round < ROUNDS; round++) {
  const base = await timeRun(plain);
  const withParallel = await timeRun(parallel);
  const withPassing = await timeRun(passing);
  times.plain.push(base);
  times.parallel.push(withParallel);
  times.passing.push(withPassing);
  ratios.parallel.push(withParallel / base);
  ratios.passing.push(withPassing / base);
}
await fake.close();

const ms = (value: number): string => `${value.toFixed(1)} ms`;
console.log(
  `input guardrails, ${ROUNDS} rounds, model call ${LATENCY_MS} ms (load ${loadAtStart.toFixed(2)} at start, ${(loadavg()[0] as number).toFixed(2)} at end)`,
);
console.log(`plain run                          ${ms(median(times.plain))}`);
console.log(
  `parallel guardrail (${LATENCY_MS} ms check)   ${ms(median(times.parallel))}  × plain ${median(ratios.parallel).toFixed(3)} (goal ≤ 1.05)`,
);
console.log(
  `sequential guardrail that passes   ${ms(median(times.passing))}  × plain ${median(ratios.passing).toFixed(3)}`,
);
if (median(ratios.parallel) > 1.05) process.exitCode = 1;
