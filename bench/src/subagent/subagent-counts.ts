/**
 * What a subagent call does over the same child run by hand, counted rather than timed (the
 * subagent bench's CPU figure moves by more than its own size at load 20+: A/A controls of 8 to
 * 17 % on this machine). The same parents as `subagent-bench.ts` (a child of N model steps, run by
 * a parent's tool by hand or as `subagent(child)`), each run counted for:
 *
 * - promises made (`async_hooks` PROMISE resources);
 * - calls of gemloop's own functions (V8's precise coverage with call counts: every function of
 *   `packages/`, each call counted once, deterministic for a given script);
 * - bytes the heap grew by (`--max-semi-space-size=256` and a GC before each side, so no scavenge
 *   falls inside a side's runs: an estimate, the fake's own allocations included on both sides).
 *
 * Run with two child lengths, the difference tells what a child step costs from what a call
 * costs: a figure that does not change with the child's steps is per call.
 *
 *   bench/node_modules/.bin/tsx --conditions=@gemloop/source --expose-gc --max-semi-space-size=256 \
 *     bench/src/subagent/subagent-counts.ts [--modes=run,stream] [--runs=40] [--top=15]
 */

import { createHook } from 'node:async_hooks';
import { Session } from 'node:inspector/promises';
import { type Agent, createAgent, createGemini, defineTool } from '@gemloop/core';
import { subagent } from '@gemloop/core/composition';
import { createFakeGemini } from '@gemloop/testing';
import { z } from 'zod';
import { commandFlags } from '../command-flags.ts';
import { CHILD_INSTRUCTIONS, runOnce, subagentScript } from './subagent-fake.ts';

const flags = commandFlags();
const runs = Number(flags.get('runs') ?? 40);
const top = Number(flags.get('top') ?? 15);
const modes = (flags.get('modes') ?? 'run,stream')
  .split(',')
  .filter((mode): mode is 'run' | 'stream' => mode === 'run' || mode === 'stream');
const MODEL = 'gemini-2.5-flash';

function makeParents(
  streamedChild: boolean,
  childSteps: number,
): { byHand: Agent; asSubagent: Agent; fake: ReturnType<typeof createFakeGemini> } {
  const fake = createFakeGemini({
    script: subagentScript(childSteps),
  });
  const gemini = createGemini({ apiKey: 'bench-key-not-secret', fetch: fake.fetch, retry: false });
  const add = defineTool({
    name: 'add',
    parameters: z.object({ a: z.number(), b: z.number() }),
    execute: ({ a, b }) => ({ sum: a + b }),
  });
  const child = createAgent({
    gemini,
    model: MODEL,
    instructions: CHILD_INSTRUCTIONS,
    tools: [add],
    telemetry: false,
  });
  const byHand = createAgent({
    gemini,
    instructions: 'You are the parent.',
    model: MODEL,
    telemetry: false,
    tools: [
      defineTool({
        name: 'delegate',
        description: 'Delegates a task.',
        parameters: z.object({
          task: z
            .string()
            .describe('What the subagent should do, with everything it needs to know to do it.'),
        }),
        execute: async ({ task }, { signal }) => {
          if (!streamedChild) return { answer: (await child.run(task, { signal })).text };
          const stream = child.stream(task, { signal });
          for await (const _event of stream) {
            // read and dropped, as the subagent bench does
          }
          return { answer: (await stream.result).text };
        },
      }),
    ],
  });
  const asSubagent = createAgent({
    gemini,
    instructions: 'You are the parent.',
    model: MODEL,
    telemetry: false,
    tools: [subagent(child, { name: 'delegate', description: 'Delegates a task.' })],
  });
  return { byHand, asSubagent, fake };
}

type Counts = { promises: number; calls: Map<string, number>; heapKb: number };

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
let promises = 0;
const hook = createHook({
  init(_id, type) {
    if (type === 'PROMISE') promises++;
  },
});

type Coverage = {
  result: {
    url: string;
    functions: { functionName: string; ranges: { startOffset: number; count: number }[] }[];
  }[];
};

async function count(
  agent: Agent,
  mode: 'run' | 'stream',
  fake: ReturnType<typeof createFakeGemini>,
): Promise<Counts> {
  fake.reset();
  (globalThis as { gc?: () => void }).gc?.();
  await session.post('Profiler.takePreciseCoverage');
  promises = 0;
  const heapBefore = process.memoryUsage().heapUsed;
  hook.enable();
  for (let index = 0; index < runs; index++) await runOnce(agent, mode);
  hook.disable();
  const heapKb = (process.memoryUsage().heapUsed - heapBefore) / runs / 1024;
  const coverage = (await session.post('Profiler.takePreciseCoverage')) as unknown as Coverage;
  const calls = new Map<string, number>();
  for (const script of coverage.result) {
    const at = script.url.indexOf('/packages/');
    if (at === -1 || script.url.includes('/node_modules/')) continue;
    const file = script.url.slice(at + '/packages/'.length);
    for (const fn of script.functions) {
      const range = fn.ranges[0];
      if (range === undefined || range.count === 0) continue;
      const key = `${file} ${fn.functionName || '(anonymous)'}@${range.startOffset}`;
      calls.set(key, (calls.get(key) ?? 0) + range.count / runs);
    }
  }
  return { promises: promises / runs, calls, heapKb };
}

const sum = (calls: Map<string, number>): number => {
  let total = 0;
  for (const value of calls.values()) total += value;
  return total;
};

for (const mode of modes) {
  const extra: { steps: number; promises: number; calls: number; heapKb: number }[] = [];
  let differences: [string, number][] = [];
  for (const childSteps of [4, 8]) {
    const { byHand, asSubagent, fake } = makeParents(mode === 'stream', childSteps);
    for (let index = 0; index < 100; index++) {
      await runOnce(byHand, mode);
      await runOnce(asSubagent, mode);
    }
    const hand = await count(byHand, mode, fake);
    const sub = await count(asSubagent, mode, fake);
    console.log(
      `${mode}, child of ${childSteps} steps: promises a run ${hand.promises.toFixed(1)} by hand, ${sub.promises.toFixed(1)} as a subagent; ` +
        `gemloop function calls ${sum(hand.calls).toFixed(1)} and ${sum(sub.calls).toFixed(1)}; ` +
        `heap growth ${hand.heapKb.toFixed(1)} and ${sub.heapKb.toFixed(1)} KB`,
    );
    extra.push({
      steps: childSteps,
      promises: sub.promises - hand.promises,
      calls: sum(sub.calls) - sum(hand.calls),
      heapKb: sub.heapKb - hand.heapKb,
    });
    if (childSteps === 4) {
      const keys = new Set([...hand.calls.keys(), ...sub.calls.keys()]);
      differences = [...keys]
        .map((key): [string, number] => [
          key,
          (sub.calls.get(key) ?? 0) - (hand.calls.get(key) ?? 0),
        ])
        .filter(([, difference]) => Math.abs(difference) >= 0.5)
        .sort((left, right) => Math.abs(right[1]) - Math.abs(left[1]));
    }
  }
  const [four, eight] = extra as [(typeof extra)[number], (typeof extra)[number]];
  console.log(
    `${mode}: a subagent call adds ${four.calls.toFixed(1)} function calls and ${four.promises.toFixed(1)} promises a run ` +
      `(child of 4 steps), ${eight.calls.toFixed(1)} and ${eight.promises.toFixed(1)} (8 steps): ` +
      `per child step ${((eight.calls - four.calls) / 4).toFixed(1)} calls, ${((eight.promises - four.promises) / 4).toFixed(1)} promises`,
  );
  console.log(`${mode}: the functions a subagent call runs more (+) or less (-) often, a run:`);
  for (const [key, difference] of differences.slice(0, top)) {
    console.log(`  ${difference > 0 ? '+' : ''}${difference.toFixed(1)}  ${key}`);
  }
}
session.disconnect();
