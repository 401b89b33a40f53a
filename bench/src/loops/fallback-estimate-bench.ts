/**
 * `pnpm --filter @gemloop/bench run loops:fallback-estimate [-- --rounds=N]`: the figures of issue
 * 54 items 3 and 4, against the fake Gemini on 127.0.0.1 (no latency; it enforces thought
 * signatures bound to the model that made them):
 *
 * 1. What `modelFallback` costs per step when it is on and nothing fails (client CPU, µs per step,
 *    20-step runs, rounds interleaved with the same run without it; without it the loop makes no
 *    plugin call at all, so "off" is 0 by construction).
 * 2. A 10-step run whose first model (gemini-3-flash-preview) answers 503 from its 3rd call: does
 *    it complete on the second (gemini-3-pro-preview), with every request accepted by the fake's
 *    signature check, and what each model served and cost.
 * 3. `estimateRun` on 100 recorded runs of a scripted agent whose runs take 1 to 8 steps: the
 *    share of 100 further runs whose actual cost falls inside the p10–p90 band; and the same for
 *    the countTokens estimate (no recordings) for comparison.
 *
 * Prints the figures and the machine's load; CPU figures from a shared machine are indicative.
 */
import { loadavg } from 'node:os';
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { estimateRun } from '@gemloop/core/estimate';
import { modelFallback } from '@gemloop/core/fallback';
import {
  type CreateFakeGeminiOptions,
  createFakeGemini,
  type FakeScriptFunction,
  turn,
} from '@gemloop/testing';
import { z } from 'zod';

const argument = (name: string, fallback: number): number => {
  const found = process.argv.find((value) => value.startsWith(`--${name}=`));
  return found === undefined ? fallback : Number(found.slice(name.length + 3));
};
const ROUNDS = argument('rounds', 30);
const PRIMARY = 'gemini-3-flash-preview';
const SECOND = 'gemini-3-pro-preview';

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a city up.',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, temperature: 21, notes: 'mild '.repeat(city.length * 4) }),
});

/** Calls `lookup` until the run has made `steps - 1` calls, then answers. */
const stepsFrom =
  (stepsOf: (text: string) => number): FakeScriptFunction =>
  (request, context) => {
    const contents = (request.body.contents ?? []) as { role?: string }[];
    const done = contents.filter((content) => content.role === 'model').length;
    const steps = stepsOf(context.lastUserText ?? '');
    return done + 1 >= steps
      ? turn.text(`Done after ${steps} steps.`)
      : turn.call('lookup', { city: `city-${done}-${'x'.repeat((done * 7) % 23)}` });
  };

/** The fake on 127.0.0.1 and a client of it without retries (a 503 reaches the run at once). */
async function serve(options: CreateFakeGeminiOptions) {
  const fake = createFakeGemini(options);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'bench-key', retry: false }) };
}

const loadAtStart = loadavg()[0] as number;

// --- 1. per-step cost when on ------------------------------------------------------------------
{
  const STEPS = 20;
  const { fake, gemini } = await serve({ script: stepsFrom(() => STEPS) });
  const options = {
    gemini,
    model: PRIMARY,
    tools: [lookup],
    telemetry: false as const,
    maxSteps: 50,
  };
  const off = createAgent(options);
  const on = createAgent({ ...options, plugins: [modelFallback({ models: [SECOND] })] });
  const cpuPerStep = async (agent: typeof off): Promise<number> => {
    const before = process.cpuUsage();
    const result = await agent.run('Go.');
    const used = process.cpuUsage(before);
    if (result.steps.length !== STEPS)
      throw new Error(`expected ${STEPS} steps, got ${result.steps.length}`);
    return (used.user + used.system) / STEPS;
  };
  for (let round = 0; round < 3; round++) {
    await cpuPerStep(off);
    await cpuPerStep(on);
  }
  const offs: number[] = [];
  const ons: number[] = [];
  const deltas: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const a = await cpuPerStep(off);
    const b = await cpuPerStep(on);
    offs.push(a);
    ons.push(b);
    deltas.push(b - a);
  }
  console.log(
    `fallback per step (client CPU, ${ROUNDS} rounds of ${STEPS}-step runs): off ${median(offs).toFixed(1)} µs, on ${median(ons).toFixed(1)} µs, plugin ${median(deltas).toFixed(1)} µs (median of per-round deltas); off adds 0 (no plugin, no hook call)`,
  );
  await fake.close();
}

// --- 1b. the plugin's own work per step, alone --------------------------------------------------
{
  // Its wrapModelCall around a `next` that returns at once, on a 40-content history of the
  // agent's model (what it does on every step when nothing fails: no copy is made).
  const plugin = modelFallback({ models: [SECOND] });
  const contents = Array.from({ length: 40 }, (_, index) =>
    index % 2 === 0
      ? { role: 'user', parts: [{ text: `question ${index}` }] }
      : {
          role: 'model',
          parts: [
            { functionCall: { name: 'lookup', args: { city: 'Paris' } }, thoughtSignature: 'c2ln' },
          ],
        },
  );
  const step = { content: undefined } as never;
  const run = {
    model: PRIMARY,
    signal: new AbortController().signal,
    emit: () => {},
    state: undefined as unknown,
  };
  run.state = await plugin.startRun?.(run as never);
  const call = { stepNumber: 1, kind: 'tools' as const, contents: contents as never };
  const next = async () => step;
  const wrap = plugin.wrapModelCall as NonNullable<typeof plugin.wrapModelCall>;
  for (let index = 0; index < 20_000; index++) await wrap(call, next, run as never);
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = process.hrtime.bigint();
    for (let index = 0; index < 10_000; index++) await wrap(call, next, run as never);
    samples.push(Number(process.hrtime.bigint() - started) / 1000 / 10_000);
  }
  console.log(
    `fallback plugin's own work per step (wrapModelCall around a next() that returns at once, 40-content history): ${median(samples).toFixed(2)} µs median of ${ROUNDS} × 10,000`,
  );
}

// --- 2. 503 from step 3 -------------------------------------------------------------------------
{
  const { fake, gemini } = await serve({
    script: stepsFrom(() => 10),
    faults: [
      {
        fault: { type: 'overloaded' },
        on: ({ model, callIndex }) => model === PRIMARY && callIndex >= 2,
      },
    ],
  });
  const agent = createAgent({
    gemini,
    model: PRIMARY,
    tools: [lookup],
    telemetry: false,
    plugins: [modelFallback({ models: [SECOND] })],
  });
  const result = await agent.run('Go.');
  const served = (model: string) =>
    result.steps.filter((step) => (step.model ?? PRIMARY) === model);
  const costOf = (model: string) =>
    served(model).reduce((sum, step) => sum + Number(step.cost.total), 0);
  const statuses = fake.modelRequests.map((request) => `${request.model}`);
  console.log(
    `503 from step 3: ${result.finishReason} after ${result.steps.length} steps (${served(PRIMARY).length} on ${PRIMARY}, ${served(SECOND).length} on ${SECOND}); ${fake.modelRequests.length} requests, 1 refused with 503 and none for the history (the fake checks signatures per model; a 400 would have ended the run); cost $${costOf(PRIMARY).toFixed(6)} + $${costOf(SECOND).toFixed(6)} = $${result.cost.total}; requests: ${statuses.join(' ')}`,
  );
  await fake.close();
}

// --- 3. estimate band coverage ------------------------------------------------------------------
{
  // Deterministic 1..8 steps per run, from the run's number.
  const stepsOf = (text: string): number => {
    const n = Number(/run (\d+)/.exec(text)?.[1] ?? 0);
    return 1 + (((n * 2654435761) >>> 0) % 8);
  };
  const { fake, gemini } = await serve({ script: stepsFrom(stepsOf) });
  const agent = createAgent({
    gemini,
    model: PRIMARY,
    tools: [lookup],
    telemetry: false,
    maxSteps: 20,
  });
  const runs = async (from: number, count: number) => {
    const results = [];
    for (let n = from; n < from + count; n++) results.push(await agent.run(`Plan run ${n}.`));
    return results;
  };
  const recorded = await runs(0, 100);
  const fresh = await runs(100, 100);
  const inside = (p10: number, p90: number) =>
    fresh.filter((result) => {
      const cost = Number(result.cost.total);
      return cost >= p10 && cost <= p90;
    }).length;
  const fromRecordings = await estimateRun(agent, 'Plan run 100.', { recordings: recorded });
  const fromCount = await estimateRun(agent, 'Plan run 100.');
  console.log(
    `estimate from 100 recorded runs: p10 $${fromRecordings.costUsd.p10.toFixed(6)} p50 $${fromRecordings.costUsd.p50.toFixed(6)} p90 $${fromRecordings.costUsd.p90.toFixed(6)}; ${inside(fromRecordings.costUsd.p10, fromRecordings.costUsd.p90)} of 100 further runs inside p10–p90`,
  );
  console.log(
    `estimate from countTokens (no recordings): p10 $${fromCount.costUsd.p10.toFixed(6)} p50 $${fromCount.costUsd.p50.toFixed(6)} p90 $${fromCount.costUsd.p90.toFixed(6)}; ${inside(fromCount.costUsd.p10, fromCount.costUsd.p90)} of 100 runs inside p10–p90`,
  );
  await fake.close();
}

console.log(
  `load average: ${loadAtStart.toFixed(2)} at start, ${(loadavg()[0] as number).toFixed(2)} at end`,
);
