/**
 * The subagent overhead of two checkouts of the repository measured in one process (issue 53's
 * "subagent overhead ≤ 5 % per child step"), so a drift between two commits is read from paired
 * rounds rather than from two processes, whose figures differ by more than the drift: on one
 * commit, one process each, subagent-bench.ts read −0.5, 4.5, 8.0, 10.8 and 11.7 % at load 11–17
 * (helper subagent48, bench/RESULTS.md).
 *
 * It imports `@gemloop/core` (and its composition entry) from the source of each checkout: `--a`
 * (e.g. a `git worktree add /tmp/old <sha>`, installed) and `--b` (default: this checkout). Four
 * parents take turns in groups of four runs (balanced-turns.ts), against one fake Gemini in-process:
 * A by hand, A's `subagent(child)`, B by hand, B's `subagent(child)`; the child makes the same four
 * model steps as subagent-bench.ts's. It prints each checkout's extra CPU a child step (the median
 * of the differences within groups, as subagent-bench.ts) and what B's by-hand and subagent parents
 * cost against A's, in the same unit.
 * Its overhead figures read lower than subagent-bench.ts's on the same code (`35cd6df4`: a median of
 * 3.2 % here against 8.9 % there, load 18-40): read it for B against A, the goal from subagent-bench.ts.
 *
 *   bench/node_modules/.bin/tsx --conditions=@gemloop/source \
 *     bench/src/subagent/subagent-two-checkouts.ts --a=/tmp/old [--b=.] [--rounds=30] [--runs=30] \
 *     [--warmup=400] [--mode=run|stream]
 *
 * With `--heap`, each side's bytes allocated a run (see printHeap) instead of its CPU (`--heap-spaces`
 * by heap space, `--heap-all` every sample); run it from bench/ as `node --predictable --expose-gc
 * --min-semi-space-size=256 --max-semi-space-size=256 --import tsx --conditions=@gemloop/source
 * src/subagent/subagent-two-checkouts.ts --heap --a=... --b=..`. Its samples still spread by
 * ±5 KB a run (new space, from sample to sample, the same code on both sides: helper subagent49),
 * so it resolves a few KB, not a few hundred bytes.
 *
 * The checkouts' copies of core share this process, so each must load from its own source (the
 * `@gemloop/source` condition) and both must speak the fake's wire format.
 */

import { resolve } from 'node:path';
import type { Agent } from '@gemloop/core';
import { createFakeGemini } from '@gemloop/testing';
import { z } from 'zod';
import { commandFlags } from '../command-flags.ts';
import { balancedOrders, extraPerChildStep, median } from './balanced-turns.ts';
import { CHILD_INSTRUCTIONS, runOnce, subagentScript, timedRun } from './subagent-fake.ts';

type Core = typeof import('@gemloop/core');
type Composition = typeof import('@gemloop/core/composition');

const flags = commandFlags();
const rounds = Number(flags.get('rounds') ?? 30);
const runsPerRound = Number(flags.get('runs') ?? 30);
const warmupRuns = Number(flags.get('warmup') ?? 400);
const mode = flags.get('mode') === 'stream' ? 'stream' : 'run';
const checkoutA = flags.get('a');
const checkoutB = resolve(flags.get('b') ?? '.');
if (checkoutA === undefined) throw new Error('Give the older checkout with --a=<path>.');
const CHILD_STEPS = 4;
const MODEL = 'gemini-2.5-flash';

/** The fake of subagent-bench.ts: the child adds until its fourth step, the parent delegates once. */
const fake = createFakeGemini({
  script: subagentScript(CHILD_STEPS),
});
const resetFake = (): void => fake.reset();

/** A checkout's two parents (by hand, and with `subagent(child)`), built from its own source. */
async function parentsOf(root: string): Promise<[Agent, Agent]> {
  const core = (await import(resolve(root, 'packages/core/src/index.ts'))) as Core;
  const composition = (await import(
    resolve(root, 'packages/core/src/composition/index.ts')
  )) as Composition;
  const gemini = core.createGemini({
    apiKey: 'bench-key-not-secret',
    fetch: fake.fetch,
    retry: false,
  });
  const add = core.defineTool({
    name: 'add',
    parameters: z.object({ a: z.number(), b: z.number() }),
    execute: ({ a, b }) => ({ sum: a + b }),
  });
  const child = core.createAgent({
    gemini,
    model: MODEL,
    instructions: CHILD_INSTRUCTIONS,
    tools: [add],
    telemetry: false,
  });
  // The by-hand tool of subagent-bench.ts: the subagent's declaration, the same work.
  const byHandTool = core.defineTool({
    name: 'delegate',
    description: 'Delegates a task.',
    parameters: z.object({
      task: z
        .string()
        .describe('What the subagent should do, with everything it needs to know to do it.'),
    }),
    execute: async ({ task }, { signal }) => {
      if (mode === 'run') return { answer: (await child.run(task, { signal })).text };
      const stream = child.stream(task, { signal });
      for await (const _event of stream) {
        // read and dropped
      }
      return { answer: (await stream.result).text };
    },
  });
  const parent = (tool: unknown): Agent =>
    core.createAgent({
      gemini,
      instructions: 'You are the parent.',
      model: MODEL,
      tools: [tool as typeof byHandTool],
      telemetry: false,
    });
  return [
    parent(byHandTool),
    parent(composition.subagent(child, { name: 'delegate', description: 'Delegates a task.' })),
  ];
}

// 0: A by hand, 1: A subagent, 2: B by hand, 3: B subagent. Each group of four runs takes the next
// of balancedOrders(4) (each side in each place, and after each other side within a group, equally
// often); each run is timed alone, the fake reset and the event loop turned between runs, so that
// collections fall between runs (balanced-turns.ts).
const sides = [...(await parentsOf(checkoutA)), ...(await parentsOf(checkoutB))];
const orders = balancedOrders(sides.length);
for (let index = 0; index < warmupRuns; index++) {
  for (const side of orders[index % orders.length] as number[])
    await timedRun(sides[side] as Agent, mode, resetFake);
}
if (flags.has('heap')) {
  await printHeap();
  process.exit(0);
}
const cpu: number[][] = sides.map(() => []);
for (let index = 0; index < rounds * runsPerRound; index++) {
  for (const side of orders[index % orders.length] as number[])
    (cpu[side] as number[]).push(await timedRun(sides[side] as Agent, mode, resetFake));
}
const [handA, subA, handB, subB] = cpu as [number[], number[], number[], number[]];
const perChildStep = (base: number[], later: number[]): string =>
  `${extraPerChildStep(base, later, CHILD_STEPS).toFixed(1)}%`;
console.log(
  `${mode}: µs CPU per run, A by hand ${median(handA).toFixed(0)}, subagent ${median(subA).toFixed(0)}; ` +
    `B by hand ${median(handB).toFixed(0)}, subagent ${median(subB).toFixed(0)}. Extra per child step: ` +
    `A ${perChildStep(handA, subA)}, B ${perChildStep(handB, subB)}; B against A: by hand ` +
    `${perChildStep(handA, handB)}, subagent ${perChildStep(subA, subB)}`,
);

/**
 * `--heap`: the bytes each side allocates a run instead of its CPU (helper subagent48's method,
 * which load does not move): `used_heap_size` across `--heap-runs` runs after a full `gc()`,
 * the median of `--heap-samples`, with the young space large enough from the start that no
 * scavenge falls in a sample (`--min-semi-space-size=256` as well as the maximum, so that it does
 * not start small and grow by scavenges; checked with `--trace-gc`; see the usage above).
 */
async function printHeap(): Promise<void> {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('--heap needs node --expose-gc (NODE_OPTIONS).');
  const { getHeapStatistics, getHeapSpaceStatistics } = await import('node:v8');
  const spaces = (): Map<string, number> =>
    new Map(getHeapSpaceStatistics().map((space) => [space.space_name, space.space_used_size]));
  const runs = Number(flags.get('heap-runs') ?? 100);
  const samples = Number(flags.get('heap-samples') ?? 7);
  const bytes: number[][] = sides.map(() => []);
  for (let sample = 0; sample < samples; sample++) {
    for (let side = 0; side < sides.length; side++) {
      fake.reset();
      collect();
      const before = getHeapStatistics().used_heap_size;
      const spacesBefore = spaces();
      for (let index = 0; index < runs; index++) await runOnce(sides[side] as Agent, mode);
      if (flags.has('heap-spaces'))
        console.log(
          side,
          [...spaces()]
            .map(
              ([name, used]) =>
                `${name} ${((used - (spacesBefore.get(name) ?? 0)) / runs).toFixed(0)}`,
            )
            .join(', '),
        );
      (bytes[side] as number[]).push((getHeapStatistics().used_heap_size - before) / runs);
    }
  }
  if (flags.has('heap-all'))
    console.log(bytes.map((row) => row.map((value) => (value / 1000).toFixed(1)).join(' ')));
  const kb = (side: number): string => (median(bytes[side] as number[]) / 1000).toFixed(1);
  console.log(
    `${mode}: KB allocated per run (median of ${samples} × ${runs} runs), A by hand ${kb(0)}, ` +
      `subagent ${kb(1)}; B by hand ${kb(2)}, subagent ${kb(3)}. Subagent over by hand: ` +
      `A ${(median(bytes[1] as number[]) / 1000 - median(bytes[0] as number[]) / 1000).toFixed(1)}, ` +
      `B ${(median(bytes[3] as number[]) / 1000 - median(bytes[2] as number[]) / 1000).toFixed(1)}`,
  );
}
