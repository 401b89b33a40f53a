/**
 * What a subagent call costs over the same work done by hand (issue 30's line: at most 5% per
 * child step). Interleaved A/B in one process, so load and CPU frequency fall on both alike:
 *
 * - by hand: the parent's tool runs `child.run(task, { signal })` in its `execute`;
 * - subagent: the parent lists `subagent(child, { name, description })`.
 *
 * Both parents make one call of a child that takes CHILD_STEPS model steps (tool calls, then an
 * answer), against the fake Gemini in-process (`fake.fetch`: the wire bytes, no socket). It prints
 * the CPU per child step of each and the median of the per-round ratios subagent ÷ by hand, for
 * `run` and `stream`; the per-child-step figure is the median of the per-round differences, and a
 * second by-hand parent (identical to the first) gives the same figure as an A/A control: this
 * machine's noise alone. Within a round the three sides take turns run by run, each going first
 * in turn.
 *
 *   bench/node_modules/.bin/tsx --conditions=@gemloop/source bench/src/subagent/subagent-bench.ts \
 *     [--rounds=100] [--runs=80] [--warmup=1000] [--modes=run,stream] [--processes=1]
 *
 * One process's figure is one sample on a shared machine: its A/A control ranged −7.5 to 8.4 %
 * within an hour here (bench/README.md). `--processes=N` runs the bench in N fresh processes one
 * after another and prints each one's figures and their medians, the figures RESULTS.md reports.
 * The defaults are the rounds that can judge the 5 % goal: 30 rounds of 40 runs read an A/A of
 * −9.0 to +13.4 % at load 1.2 (RESULTS.md, "Issue 53 at the twenty-sixth session's end"), 100 of
 * 80 an A/A of 1.3 % (run) and 3.5 % (stream). Each figure comes with a verdict that takes the A/A
 * control as its noise band and gives none when that band is as wide as the goal.
 */

import { execFileSync } from 'node:child_process';
import { type Agent, createAgent, createGemini, defineTool } from '@gemloop/core';
import { subagent } from '@gemloop/core/composition';
import { createFakeGemini } from '@gemloop/testing';
import { z } from 'zod';
import { commandFlags } from '../command-flags.ts';
import { spread } from '../report/stats.ts';
import { verdictOf } from './goal-verdict.ts';
import { CHILD_INSTRUCTIONS, runOnce, subagentScript } from './subagent-fake.ts';

const flags = commandFlags();
const rounds = Number(flags.get('rounds') ?? 100);
const runsPerRound = Number(flags.get('runs') ?? 80);
const warmupRuns = Number(flags.get('warmup') ?? 1000);
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

async function cpuOf(agent: Agent, mode: 'run' | 'stream', runs: number): Promise<number> {
  const start = process.cpuUsage();
  for (let index = 0; index < runs; index++) await runOnce(agent, mode);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / runs;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

/** The per-child-step figure of paired rounds: the median of the per-round differences (B − A). */
function perChildStepPercent(a: number[], b: number[]): number {
  const differences = b.map((value, index) => value - (a[index] as number));
  const childStepCost = median(a) / (CHILD_STEPS + 2);
  return (median(differences) / CHILD_STEPS / childStepCost) * 100;
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
  // The warm-up takes turns run by run too: warmed one side after the other, the side warmed
  // first had V8 optimise the shared loop for its objects alone, and the figure moved with the
  // order (streamed, by hand first: 6.2, 2.3, 8.0 %; the subagent first: 3.6, 4.3, 2.7 %).
  for (let index = 0; index < warmupRuns; index++) {
    for (let turn = 0; turn < sides.length; turn++)
      await runOnce(sides[(index + turn) % sides.length] as Agent, mode);
  }
  const ratios: number[] = [];
  const hand: number[] = [];
  const sub: number[] = [];
  const same: number[] = [];
  for (let round = 0; round < rounds; round++) {
    // The fake keeps every request it answers: forgotten each round, so its growing heap (and the
    // collections it causes) does not fall on whichever side runs later.
    fake.reset();
    // The sides take turns run by run (rotating which goes first), each run timed alone: this
    // VM's speed drifts within a second (bench/README.md), and blocks of runs a side let that
    // drift into the difference (A/A controls of -6 to +6 %).
    const cpu = [0, 0, 0];
    for (let index = 0; index < runsPerRound; index++) {
      for (let turn = 0; turn < sides.length; turn++) {
        const side = (index + turn) % sides.length;
        cpu[side] = (cpu[side] as number) + (await cpuOf(sides[side] as Agent, mode, 1));
      }
    }
    for (let side = 0; side < sides.length; side++)
      cpu[side] = (cpu[side] as number) / runsPerRound;
    const [a, b, c] = cpu as [number, number, number];
    hand.push(a);
    sub.push(b);
    same.push(c);
    ratios.push(b / a);
  }
  // A run is CHILD_STEPS child steps plus 2 parent steps; the difference is charged to the child's.
  console.log(
    `${mode}: by hand ${(median(hand) / 1000).toFixed(3)} ms CPU per run, subagent ${(median(sub) / 1000).toFixed(3)} ms; ` +
      `median ratio ${median(ratios).toFixed(3)}; extra per child step ` +
      `${perChildStepPercent(hand, sub).toFixed(1)}% of a step (median of the per-round differences); ` +
      `A/A control ${perChildStepPercent(hand, same).toFixed(1)}%; ` +
      `verdict: ${verdictOf(perChildStepPercent(hand, sub), perChildStepPercent(hand, same))}`,
  );
}
