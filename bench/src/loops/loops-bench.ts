/**
 * The figures of issue 54's loop guard and tool-result cache, against the fake Gemini in-process
 * (`fake.fetch`: the wire bytes, no socket):
 *
 * 1. Per-step CPU of each plugin when on: runs of STEPS steps of distinct calls (no steer, every
 *    read a miss that is stored), interleaved with the same runs without plugins and an identical
 *    plain agent (the A/A control: this machine's noise). Off, a plugin costs nothing: an agent
 *    without plugins never calls a hook (the seam's lists are empty), which the A/A row bounds.
 * 2. A scripted 40-step run whose model repeats one call from step 5 on and never heeds a steer:
 *    steps and dollars without the guard, and with it.
 * 3. A chat of 10 questions that each re-read the same 5 documents, its window one turn (old reads
 *    out of the context, as after a compaction): billed tokens and tool executions with the
 *    session cache and without.
 *
 *   bench/node_modules/.bin/tsx --conditions=@gemloop/source bench/src/loops/loops-bench.ts \
 *     [--rounds=20] [--runs=20] [--warmup=100] [--modes=run,stream]
 */

import { loadavg } from 'node:os';
import {
  type Agent,
  createAgent,
  createChatSession,
  createGemini,
  defineTool,
} from '@gemloop/core';
import { loopGuard } from '@gemloop/core/loop-guard';
import type { AgentPlugin } from '@gemloop/core/plugins';
import { toolResultCache } from '@gemloop/core/tool-result-cache';
import type { Content } from '@gemloop/core/wire';
import { createFakeGemini, turn } from '@gemloop/testing';
import { z } from 'zod';
import { commandFlags } from '../command-flags.ts';

const flags = commandFlags();
const rounds = Number(flags.get('rounds') ?? 20);
const runsPerRound = Number(flags.get('runs') ?? 20);
const warmupRuns = Number(flags.get('warmup') ?? 100);
const modes = (flags.get('modes') ?? 'run,stream')
  .split(',')
  .filter((mode): mode is 'run' | 'stream' => mode === 'run' || mode === 'stream');
const MODEL = 'gemini-2.5-flash';
const STEPS = 8;
const DOCUMENTS = ['pricing', 'roadmap', 'security', 'support', 'onboarding'];

/** Model turns so far in a request's contents. */
const modelTurns = (contents: Content[]): number =>
  contents.filter((content) => content.role === 'model').length;

const fake = createFakeGemini({
  script: (request) => {
    const body = request.body as { contents: Content[] };
    const text = body.contents[0]?.parts[0]?.text ?? '';
    const made = modelTurns(body.contents);
    if (text.startsWith('steps')) {
      return made < STEPS - 1 ? turn.call('lookup', { n: made }) : turn.text('Done.');
    }
    if (text.startsWith('loop')) return turn.call('lookup', { n: Math.min(made, 4) });
    // The chat: the last content is the question (read all five) or their responses (answer).
    const last = body.contents.at(-1);
    return last?.parts.some((part) => part.functionResponse !== undefined)
      ? turn.text('Answered from the documents.')
      : turn.calls(DOCUMENTS.map((id) => ({ name: 'read_doc', args: { id } })));
  },
});
const gemini = createGemini({ apiKey: 'bench-key-not-secret', fetch: fake.fetch, retry: false });

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a number up.',
  parameters: z.object({ n: z.number() }),
  execute: ({ n }) => ({ n, value: n * 2, note: 'bench data' }),
});
let executions = 0;
const readDoc = defineTool({
  name: 'read_doc',
  description: 'Reads a document.',
  parameters: z.object({ id: z.string() }),
  execute: ({ id }) => {
    executions++;
    return { id, text: `The ${id} document. `.repeat(40) };
  },
});

const agentWith = (plugins: AgentPlugin<never>[], maxSteps = 40): Agent =>
  createAgent({
    gemini,
    model: MODEL,
    tools: [lookup, readDoc],
    maxSteps,
    telemetry: false,
    plugins,
  });

async function once(agent: Agent, mode: 'run' | 'stream', input: string) {
  if (mode === 'run') return agent.run(input);
  const stream = agent.stream(input);
  for await (const _event of stream) {
    // Read every event, as a UI would.
  }
  return stream.result;
}

async function cpuOf(agent: Agent, mode: 'run' | 'stream', runs: number): Promise<number> {
  const start = process.cpuUsage();
  for (let index = 0; index < runs; index++) await once(agent, mode, 'steps');
  const used = process.cpuUsage(start);
  return (used.user + used.system) / runs;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

console.log(
  `load ${loadavg()
    .map((value) => value.toFixed(2))
    .join(' ')}, Node ${process.version}`,
);

// 1. Per-step CPU when on.
for (const mode of modes) {
  const sides: [string, Agent][] = [
    ['plain', agentWith([])],
    ['plain (A/A)', agentWith([])],
    ['loopGuard()', agentWith([loopGuard() as AgentPlugin<never>])],
    [
      'toolResultCache()',
      agentWith([toolResultCache({ tools: { lookup: { effect: 'read' } } }) as AgentPlugin<never>]),
    ],
  ];
  for (const [, agent] of sides) await cpuOf(agent, mode, warmupRuns);
  const samples = new Map<string, number[]>(sides.map(([name]) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    // Each side goes first in turn.
    for (let at = 0; at < sides.length; at++) {
      const [name, agent] = sides[(at + round) % sides.length] as [string, Agent];
      (samples.get(name) as number[]).push(await cpuOf(agent, mode, runsPerRound));
    }
  }
  const plain = samples.get('plain') as number[];
  const perStep = median(plain) / STEPS;
  for (const [name] of sides.slice(1)) {
    const values = samples.get(name) as number[];
    const extra = median(values.map((value, index) => value - (plain[index] as number))) / STEPS;
    console.log(
      `${mode}: ${name} per step ${(median(values) / STEPS).toFixed(0)} µs, extra ${extra.toFixed(1)} µs (${((extra / perStep) * 100).toFixed(1)}% of plain's ${perStep.toFixed(0)} µs)`,
    );
  }
}

// 2. The 40-step repeating run.
for (const [name, plugins] of [
  ['without the guard', []],
  ['with loopGuard()', [loopGuard() as AgentPlugin<never>]],
] as const) {
  const result = await once(agentWith([...plugins]), 'run', 'loop');
  console.log(
    `40-step repeating run, ${name}: ${result.steps.length} steps, ${result.usage.totalTokenCount} tokens, $${result.cost.total} (${result.finishReason}${result.stoppedBy === undefined ? '' : `: ${result.stoppedBy.reason}`})`,
  );
}

// 3. The chat re-reading five documents.
for (const [name, plugins] of [
  ['without the cache', []],
  [
    'with toolResultCache({ scope: session })',
    [
      toolResultCache({
        scope: 'session',
        tools: { read_doc: { effect: 'read' } },
      }) as AgentPlugin<never>,
    ],
  ],
] as const) {
  executions = 0;
  const chat = createChatSession({ agent: agentWith([...plugins]), limit: { maxTurns: 1 } });
  let tokens = 0;
  for (let question = 0; question < 10; question++) {
    const result = await chat.send(`Question ${question + 1} about the five documents.`);
    tokens += result.usage.totalTokenCount;
  }
  await chat.close();
  console.log(
    `chat re-reading 5 documents x 10 questions, ${name}: ${tokens} billed tokens, ${executions} tool executions`,
  );
}
