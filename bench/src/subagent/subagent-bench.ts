/**
 * What a subagent call costs over the same work done by hand (issue 30's line: at most 5% per
 * child step). Interleaved A/B in one process, so load and CPU frequency fall on both alike:
 *
 * - by hand: the parent's tool runs `child.run(task, { signal })` in its `execute`;
 * - subagent: the parent lists `subagent(child, { name, description })`.
 *
 * Both parents make one call of a child that takes CHILD_STEPS model steps (tool calls, then an
 * answer), against the fake Gemini in-process (`fake.fetch`: the wire bytes, no socket). A second
 * by-hand parent (identical to the first) is the A/A control: this machine's noise alone. The three
 * run in groups of three, each group in the next of the six orders (balanced-turns.ts), each run
 * timed alone with the event loop turned between runs, so a collection falls between runs rather
 * than inside one. It prints the CPU per run of each side and, for `run` and `stream`, the subagent's
 * and the control's extra CPU a child step: the median of the differences within the groups, in %
 * of a by-hand step.
 *
 *   bench/node_modules/.bin/tsx --conditions=@gemloop/source bench/src/subagent/subagent-bench.ts \
 *     [--rounds=40] [--runs=50] [--warmup=500] [--modes=run,stream] [--processes=1]
 *
 * `--rounds × --runs` groups are timed (2,000 by default) after `--warmup` groups. `--processes=N`
 * runs the bench in N fresh processes one after another and prints each one's figures and their
 * medians, the figures RESULTS.md reports. With this method three processes at load 8–10 read
 * `run` 3.6–4.7 % with A/A controls of 0.0–0.4 %, where the old one (a fixed rotation, collections
 * inside the runs, the median of per-round means) spread by ±4 % with A/A controls of −4.2 to 7.5 %
 * at load 12–22 (helper subagent50, bench/RESULTS.md). The unit, a by-hand step, keeps its share of
 * the collections that now run between the runs. Each figure comes with a verdict that takes
 * the A/A control as its noise band and gives none when that band is as wide as the goal.
 */

import { execFileSync } from 'node:child_process';
import { type Agent, createAgent, createGemini, defineTool } from '@gemloop/core';
import { subagent } from '@gemloop/core/composition';
import { createFakeGemini } from '@gemloop/testing';
import { z } from 'zod';
import { commandFlags } from '../command-flags.ts';
import { spread } from '../report/stats.ts';
import { balancedOrders, extraPerChildStep, median } from './balanced-turns.ts';
import { verdictOf } from './goal-verdict.ts';
import { CHILD_INSTRUCTIONS, subagentScript, timedRun } from './subagent-fake.ts';

const flags = commandFlags();
const rounds = Number(flags.get('rounds') ?? 40);
const runsPerRound = Number(flags.get('runs') ?? 50);
const warmupRuns = Number(flags.get('warmup') ?? 500);
const modes = (flags.get('modes') ?? 'run,stream')
  .split(',')
  .filter((mode): mode is 'run' | 'stream' => mode === 'run' || mode === 'stream');
const CHILD_STEPS = 4;
const MODEL = 'gemini-2.5-flash';

/**
 * One fake Gemini, answered in-process through `fetch` (HTTP requests and responses as bytes, no
 * socket), that answers from the request: the child calls `add` until it has made CHILD_STEPS - 1
 * calls, then answers; the parent calls `delegate` once, then answers.
 */
const fake = createFakeGemini({
  script: subagentScript(CHILD_STEPS),
});
const resetFake = (): void => fake.reset();
const gemini = createGemini({ apiKey: 'bench-key-not-secret', fetch: fake.fetch, retry: false });

const add = defineTool({
  name: 'add',
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => ({ sum: a + b }),
});

function makeParents(streamedChild: boolean): { byHand: Agent; asSubagent: Agent } {
  const child = createAgent({
    gemini,
    model: MODEL,
    instructions: CHILD_INSTRUCTIONS,
    tools: [add],
    telemetry: false,
  });
  const byHandTool = defineTool({
    name: 'delegate',
    description: 'Delegates a task.',
    // The declaration a subagent sends by default (composition/subagent.ts), so both
    // parents send the same bytes and the figure is the call's cost alone: without the
    // description the subagent's requests were 117 B longer, which the fake parses twice a run.
    parameters: z.object({
      task: z
        .string()
        .describe('What the subagent should do, with everything it needs to know to do it.'),
    }),
    // The same work as the subagent's: in a streamed parent the child streams too, and its events
    // are read (here dropped; the subagent forwards them into the parent's stream).
    execute: async ({ task }, { signal }) => {
      if (!streamedChild) return { answer: (await child.run(task, { signal })).text };
      const stream = child.stream(task, { signal });
      for await (const _event of stream) {
        // read and dropped
      }
      return { answer: (await stream.result).text };
    },
  });
  const byHand = createAgent({
    gemini,
    instructions: 'You are the parent.',
    model: MODEL,
    tools: [byHandTool],
    telemetry: false,
  });
  const asSubagent = createAgent({
    gemini,
    instructions: 'You are the parent.',
    model: MODEL,
    tools: [subagent(child, { name: 'delegate', description: 'Delegates a task.' })],
    telemetry: false,
  });
  return { byHand, asSubagent };
}

/** `--processes=N`: the bench in N fresh processes, each one's figures, then their medians. */
function inProcesses(count: number): void {
  const args = process.argv.slice(2).filter((argument) => !argument.startsWith('--processes'));
  const figures = new Map<string, { extra: number[]; control: number[] }>();
  for (let index = 0; index < count; index++) {
    const output = execFileSync(
      process.execPath,
      [...process.execArgv, process.argv[1] as string, ...args],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    for (const line of output.split('\n')) {
      const found =
        /^(run|stream): .*extra per child step (-?[\d.]+)% .*A\/A control (-?[\d.]+)%/.exec(line);
      if (found === null) continue;
      console.log(`process ${index + 1}/${count}, ${line}`);
      const [, mode, extra, control] = found as unknown as [string, string, string, string];
      const entry = figures.get(mode) ?? { extra: [], control: [] };
      entry.extra.push(Number(extra));
      entry.control.push(Number(control));
      figures.set(mode, entry);
    }
  }
  const list = (values: number[]): string =>
    [...values]
      .sort((a, b) => a - b)
      .map((value) => value.toFixed(1))
      .join(', ');
  for (const [mode, { extra, control }] of figures) {
    const { median: middle, p25, p75 } = spread(extra);
    console.log(
      `${mode}, ${extra.length} processes: extra per child step, median ${middle.toFixed(1)}% ` +
        `(quartiles ${p25.toFixed(1)} to ${p75.toFixed(1)}; ${list(extra)}); ` +
        `A/A control, median ${spread(control).median.toFixed(1)}% (${list(control)}); ` +
        `verdict: ${verdictOf(middle, spread(control).median)}`,
    );
  }
}

const processes = Number(flags.get('processes') ?? 1);
if (processes > 1) {
  inProcesses(processes);
  process.exit(0);
}

for (const mode of modes) {
  const { byHand, asSubagent } = makeParents(mode === 'stream');
  // A second by-hand parent, identical to the first: its line (A/A) shows how far this machine's
  // noise alone moves the figure, next to the subagent's.
  const { byHand: control } = makeParents(mode === 'stream');
  const sides = [byHand, asSubagent, control];
  // Each group of three runs takes the next of the six orders (balancedOrders): each side goes in
  // each place, and runs right after each other side, equally often. The warm-up takes the same
  // turns: warmed one side after the other, the side warmed first had V8 optimise the shared loop
  // for its objects alone (streamed, by hand first: 6.2, 2.3, 8.0 %; the subagent first: 3.6, 4.3,
  // 2.7 %).
  const orders = balancedOrders(sides.length);
  for (let index = 0; index < warmupRuns; index++) {
    for (const side of orders[index % orders.length] as number[])
      await timedRun(sides[side] as Agent, mode, resetFake);
  }
  // cpu[side][group]: each run timed alone, the three of a group milliseconds apart, so a
  // difference within a group leaves out this VM's drift from second to second.
  const cpu: number[][] = sides.map(() => []);
  const loopStart = process.cpuUsage();
  for (let index = 0; index < rounds * runsPerRound; index++) {
    for (const side of orders[index % orders.length] as number[])
      (cpu[side] as number[]).push(await timedRun(sides[side] as Agent, mode, resetFake));
  }
  const loopUsed = process.cpuUsage(loopStart);
  const [hand, sub, same] = cpu as [number[], number[], number[]];
  // The unit, a by-hand step, keeps its collections: they now run between the timed runs, so the
  // median by-hand run is scaled by the loop's whole CPU over its timed runs' (1.12-1.16 at load
  // 8-23). Without it a step read that much cheaper, and every figure that much higher.
  const timed = cpu.flat().reduce((sum, value) => sum + value, 0);
  const handRun = median(hand) * ((loopUsed.user + loopUsed.system) / timed);
  const extra = extraPerChildStep(hand, sub, CHILD_STEPS, handRun);
  const aa = extraPerChildStep(hand, same, CHILD_STEPS, handRun);
  // A run is CHILD_STEPS child steps plus 2 parent steps; the difference is charged to the child's.
  console.log(
    `${mode}: by hand ${(median(hand) / 1000).toFixed(3)} ms CPU per run (${(handRun / 1000).toFixed(3)} ms with ` +
      `the collections between runs), subagent ${(median(sub) / 1000).toFixed(3)} ms; ` +
      `extra per child step ${extra.toFixed(1)}% of a step (median of the differences within ` +
      `${hand.length} groups); A/A control ${aa.toFixed(1)}%; verdict: ${verdictOf(extra, aa)}`,
  );
}
