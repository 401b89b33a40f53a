/**
 * What the subagent benches' parents allocate a run, counted by V8's sampling heap profiler
 * (objects the GCs collected included), for two checkouts as subagent-two-checkouts.ts loads them
 * (`--a`, `--b`): unlike `used_heap_size` across runs (±5 KB a run from sample to sample), the
 * total of one side a process repeats within 0.03–0.27 KB (helper subagent49, bench/RESULTS.md).
 * Run one side a process (`--sides=subA`, `subB`, `handA` or `handB`) and compare the totals; the
 * per-function rows (with two or more sides) do not compare across checkouts, as V8 inlines a
 * function into its caller in one and not in the other.
 *
 *   cd bench && node --import tsx --conditions=@gemloop/source \
 *     src/subagent/subagent-heap-profile.ts --a=<checkout> [--b=..] --sides=subB [--runs=2000] \
 *     [--interval=256] [--mode=run|stream] [--top=25]
 */
import { Session } from 'node:inspector/promises';
import { resolve } from 'node:path';
import type { Agent } from '@gemloop/core';
import { createFakeGemini } from '@gemloop/testing';
import { z } from 'zod';
import { commandFlags } from '../command-flags.ts';
import { CHILD_INSTRUCTIONS, runOnce, subagentScript } from './subagent-fake.ts';

const flags = commandFlags();
const checkoutA = resolve(flags.get('a') as string);
const checkoutB = resolve(flags.get('b') ?? '.');
const runs = Number(flags.get('runs') ?? 1000);
const interval = Number(flags.get('interval') ?? 256);
const mode = flags.get('mode') === 'stream' ? 'stream' : 'run';
const fake = createFakeGemini({ script: subagentScript(4) });
async function parentsOf(root: string): Promise<[Agent, Agent]> {
  const core = await import(resolve(root, 'packages/core/src/index.ts'));
  const composition = await import(resolve(root, 'packages/core/src/composition/index.ts'));
  const gemini = core.createGemini({ apiKey: 'k', fetch: fake.fetch, retry: false });
  const add = core.defineTool({
    name: 'add',
    parameters: z.object({ a: z.number(), b: z.number() }),
    execute: ({ a, b }: { a: number; b: number }) => ({ sum: a + b }),
  });
  const child = core.createAgent({
    gemini,
    model: 'gemini-2.5-flash',
    instructions: CHILD_INSTRUCTIONS,
    tools: [add],
    telemetry: false,
  });
  const byHand = core.defineTool({
    name: 'delegate',
    description: 'Delegates a task.',
    parameters: z.object({
      task: z
        .string()
        .describe('What the subagent should do, with everything it needs to know to do it.'),
    }),
    execute: async ({ task }: { task: string }, { signal }: { signal: AbortSignal }) => ({
      answer: (await child.run(task, { signal })).text,
    }),
  });
  const parent = (tool: unknown): Agent =>
    core.createAgent({
      gemini,
      instructions: 'You are the parent.',
      model: 'gemini-2.5-flash',
      tools: [tool],
      telemetry: false,
    });
  return [
    parent(byHand),
    parent(composition.subagent(child, { name: 'delegate', description: 'Delegates a task.' })),
  ];
}
const [handA, subA] = await parentsOf(checkoutA);
const [handB, subB] = await parentsOf(checkoutB);
const which = flags.get('sides') ?? 'sub';
const named: Record<string, Agent> = { handA, subA, handB, subB } as Record<string, Agent>;
const sides =
  which === 'sub'
    ? [subA, subB]
    : which === 'hand'
      ? [handA, handB]
      : which === 'all'
        ? [handA, subA, handB, subB]
        : which.split(',').map((name) => named[name] as Agent);
for (let i = 0; i < 1000; i++) {
  for (const s of sides) await runOnce(s as Agent, mode);
  if (i % 100 === 0) fake.reset();
}
const session = new Session();
session.connect();
await session.post('HeapProfiler.startSampling', {
  samplingInterval: interval,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
for (let i = 0; i < runs; i++) {
  for (const s of sides) await runOnce(s as Agent, mode);
  if (i % 100 === 0) fake.reset();
}
const { profile } = await session.post('HeapProfiler.stopSampling');
type Node = {
  callFrame: { functionName: string; url: string };
  selfSize: number;
  children: Node[];
};
const byFn = new Map<string, number>();
const byRoot = new Map<string, number>();
const walk = (node: Node) => {
  const url = node.callFrame.url;
  const root = url.includes(checkoutA)
    ? 'A'
    : url.includes(`${checkoutB}/packages`)
      ? 'B'
      : 'other';
  const file = url.replace(/.*packages\//, '');
  const key = `${root} ${node.callFrame.functionName || '(anon)'} ${root === 'other' ? url.slice(-50) : file}`;
  byFn.set(key, (byFn.get(key) ?? 0) + node.selfSize);
  byRoot.set(root, (byRoot.get(root) ?? 0) + node.selfSize);
  for (const c of node.children) walk(c);
};
walk(profile.head as unknown as Node);
let all = 0;
for (const value of byRoot.values()) all += value;
console.log(`${which}: all bytes a run ${(all / runs / 1000).toFixed(2)} KB`);
console.log(
  'bytes a run by code root:',
  [...byRoot].map(([k, v]) => `${k} ${(v / runs / 1000).toFixed(2)} KB`).join(', '),
);
// Per function: A vs B.
const pairs = new Map<string, [number, number]>();
for (const [key, v] of byFn) {
  const [root, ...rest] = key.split(' ');
  if (root === 'other' || !key.includes('core/src')) continue;
  const k = rest.join(' ');
  const p = pairs.get(k) ?? [0, 0];
  p[root === 'A' ? 0 : 1] += v;
  pairs.set(k, p);
}
let ta = 0;
let tb = 0;
for (const [, [a, b]] of pairs)
  if (a > 0 && b > 0) {
    ta += a;
    tb += b;
  }
console.log(
  `core functions in both: A ${(ta / runs / 1000).toFixed(2)} KB, B ${(tb / runs / 1000).toFixed(2)} KB a run`,
);
const rows = [...pairs]
  .map(([k, [a, b]]) => [k, a / runs, b / runs] as const)
  .sort((x, y) => Math.abs(y[2] - y[1]) - Math.abs(x[2] - x[1]));
for (const [k, a, b] of rows.slice(0, Number(flags.get('top') ?? 25)))
  console.log(
    `${(b - a).toFixed(0).padStart(6)}  A ${a.toFixed(0).padStart(6)}  B ${b.toFixed(0).padStart(6)}  ${k}`,
  );
