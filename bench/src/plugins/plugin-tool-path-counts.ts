/**
 * `pnpm --filter @gemloop/bench run plugins:counts`: what the seam's tool path makes per step, in
 * counts that do not move with the machine's load (issue 53): the promises created (async_hooks'
 * `PROMISE` inits: every `async` frame, `.then`, `new Promise` and race) per step of the same
 * 20-step tool loop as `plugin-step-bench.ts`, for agents that differ only in their plugins:
 * none, a plugin without hooks, two trivial synchronous tool hooks (`masking`-like), one tool
 * guardrail checking each call before and after, and a plugin with every hook. The counts are the
 * same on every run (the script checks it: two runs of each must agree), so a change to the tool
 * path shows as a whole number, not as a shift inside the noise of a loaded machine. With
 * `--max-semi-space-size=128` (`node --max-semi-space-size=128 --import tsx ...`) it also prints the
 * bytes a step allocates in V8's new space (median of 20 runs without async_hooks; a run during
 * which a scavenge emptied the space is run again).
 */
import { createHook } from 'node:async_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { type Guardrails, guardrails } from '@gemloop/core/guardrails';
import { type AgentPlugin, definePlugin } from '@gemloop/core/plugins';
import { createFakeGemini, turn } from '@gemloop/testing';
import { z } from 'zod';

const STEPS = 20;
let position = 0;
const fake = createFakeGemini({
  script: () =>
    position++ % STEPS === STEPS - 1
      ? turn.text('Done.')
      : turn.call('lookup', { who: 'dana', n: position }),
});
const gemini = createGemini({ fetch: fake.fetch, apiKey: 'bench-key', retry: false });
const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a customer up.',
  parameters: z.object({ who: z.string(), n: z.number() }),
  execute: ({ who, n }) => ({ who, n, email: `${who}@example.com`, note: 'ok' }),
});

const agentWith = (plugins: readonly AgentPlugin[] | undefined, guarded?: Guardrails) =>
  createAgent({
    gemini,
    model: 'gemini-2.5-flash',
    tools: [lookup],
    telemetry: false,
    maxSteps: STEPS + 1,
    ...(plugins === undefined ? {} : { plugins }),
    ...(guarded === undefined ? {} : { guardrails: guarded }),
  });

const variants = {
  off: agentWith(undefined),
  empty: agentWith([definePlugin({ name: 'empty' })]),
  'two tool hooks': agentWith([
    definePlugin({
      name: 'two-tool-hooks',
      beforeToolCall: () => undefined,
      afterToolCall: () => undefined,
    }) as AgentPlugin,
  ]),
  'check + after (async)': agentWith([
    definePlugin({
      name: 'async-checks',
      checkToolCall: async () => undefined,
      afterToolCall: async () => undefined,
    }) as AgentPlugin,
  ]),
  'guardrails (tools)': agentWith(
    undefined,
    guardrails({
      tools: [
        { name: 'policy', before: () => ({ type: 'allow' as const }), after: () => undefined },
      ],
    }),
  ),
  'every hook': agentWith([
    definePlugin({
      name: 'every-hook',
      startRun: () => undefined,
      endRun: () => {},
      beforeModelCall: () => undefined,
      wrapModelCall: (call, next) => next(call),
      afterModelCall: () => {},
      afterAnswer: () => undefined,
      beforeToolCall: () => undefined,
      checkToolCall: () => undefined,
      wrapToolCall: (_call, next) => next(),
      afterToolCall: () => undefined,
    }) as AgentPlugin,
  ]),
};
type Variant = keyof typeof variants;

let promises = 0;
const hook = createHook({
  init: (_id, type) => {
    if (type === 'PROMISE') promises++;
  },
});

const promisesPerStep = async (name: Variant): Promise<number> => {
  hook.enable();
  promises = 0;
  const result = await variants[name].run('Look Dana up, again and again.');
  const counted = promises;
  hook.disable();
  if (result.steps.length !== STEPS) throw new Error(`${name}: ${result.steps.length} steps`);
  return counted / STEPS;
};

const newSpace = (): number =>
  (getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_used_size ??
    0) as number;
/** One run's bytes a step, or `undefined` when a scavenge emptied the space during it. */
const bytesOfRun = async (name: Variant): Promise<number | undefined> => {
  const before = newSpace();
  await variants[name].run('Look Dana up, again and again.');
  const used = newSpace() - before;
  return used > 0 ? used / STEPS : undefined;
};
const semiSpace = process.execArgv.some((flag) => flag.startsWith('--max-semi-space-size'));

for (const name of Object.keys(variants) as Variant[]) await promisesPerStep(name);
// Bytes: every variant warmed (30 runs each), then 20 interleaved rounds, the median of each.
let allocations: Record<Variant, number> | undefined;
if (semiSpace) {
  const names = Object.keys(variants) as Variant[];
  for (let round = 0; round < 30; round++) for (const name of names) await bytesOfRun(name);
  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<
    Variant,
    number[]
  >;
  while (names.some((name) => samples[name].length < 20))
    for (const name of names) {
      const bytes = await bytesOfRun(name);
      if (bytes !== undefined) samples[name].push(bytes);
    }
  allocations = Object.fromEntries(
    names.map((name) => [name, [...samples[name]].sort((a, b) => a - b)[10] as number]),
  ) as Record<Variant, number>;
}
console.log(`plugin seam's tool path: promises created per step (${STEPS}-step runs)`);
const off = await promisesPerStep('off');
for (const name of Object.keys(variants) as Variant[]) {
  const first = await promisesPerStep(name);
  const second = await promisesPerStep(name);
  const steady = first === second ? '' : `  (unsteady: ${second.toFixed(2)} on a second run)`;
  const bytes = allocations?.[name];
  const allocated =
    bytes === undefined
      ? ''
      : `   ${Math.round(bytes - (allocations?.off ?? 0))} B allocated vs off`;
  console.log(
    `  ${name.padEnd(22)} ${first.toFixed(2).padStart(7)}   ${name === 'off' ? '' : `+${(first - off).toFixed(2)} vs off`}${allocated}${steady}`,
  );
}
