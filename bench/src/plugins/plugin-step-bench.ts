/**
 * `pnpm --filter @gemloop/bench run plugins [-- --rounds=N --steps=N]`: what the plugin seam costs
 * a step (issue 53). In one process, against the fake Gemini played in-process (its `fetch`: no
 * sockets), rounds interleave runs of the same 20-step tool loop by agents that differ only in
 * their plugins:
 *
 * - off, off again: no plugins (the A/A control: how far two identical agents differ here);
 * - empty: one plugin with a name and no hook (the seam's own cost when no hook is on: goal 0);
 * - every hook: one plugin with every hook, each doing nothing (the seam's cost per hook chain);
 * - masking: a plugin that masks e-mail addresses in tool results and restores them in
 *   arguments (what a real plugin adds);
 * - guardrails (tools): `guardrails()` with one tool guardrail checking each call before and
 *   after (`allow`, pass): the built-in feature's cost on the tool path;
 * - guardrails (all): input, output and tool guardrails that all pass (the input and output
 *   checks run once a run, so their share of a step is a twentieth).
 * - toolOutput: `toolOutput({ maxTokens: 25_000 })`, the default cap as the budget's plugin
 *   (afterToolCall: what a default plugin would add to every agent), and `toolOutput: false`, no
 *   cap at all (against "off", the default cap's own cheap check in the loop);
 * - steering: the built-in steering plugin, on (`run(input, { steering: createSteering() })`,
 *   a controller nobody sends to: what steering costs a step when it is on). Off, it is not
 *   there at all (the "off" rows: a run or stream nobody steers loads no part of it).
 * - prices off, own pricer: `prices: false` (no pricing plugin: every cost unknown) and a
 *   `Pricer` of one's own: what the default pricing plugin (gemloop's table, every other row has
 *   it) costs a step against "prices off", and what a user's pricer costs instead.
 * - continuation off: `continuation: false`, an agent without the continuation plugin every
 *   other row has by default (its wrapper around each model call's requests: what the default
 *   plugin costs a step, against "off"; goal 0 within the A/A band).
 * - loopGuard, toolResultCache, modelFallback: the loop-economy plugins on, none of them acting
 *   (the calls differ, so the guard never trips and the cache never hits; no model call fails, so
 *   the fallback never switches): the bookkeeping each adds a step. Off, each is absent (the
 *   "off" rows): an agent pays for a plugin only when it lists it.
 * - prompt cache: the `cache` option (`{ minTokens: 0 }`, so the fake's cache is made once, by
 *   the first run, and every later call is sent through it): its plugin's `wrapModelCall` and a
 *   request without the tools it holds. Off (no `cache`), its plugin is not in the agent's list
 *   (the "off" rows).
 * - tree budget: `run(input, { budget: { maxSteps: 1000, maxTokens: 10_000_000 } })`, never
 *   reached: the tree budget plugin's checks (`beforeModelCall`, and its `wrapModelCall` around
 *   each call; the loop counts the tree's meter with or without it). Off (no `budget`), it is not
 *   in the run's list (the "off" rows).
 * - compaction: `compaction({ maxTokens: 10_000_000 })`, never reached: its plugin's
 *   `beforeModelCall` (the history's estimate against the threshold, each step; the run's
 *   plugins path, which it puts every compacting run on). Off (no `compaction`), no part of it is
 *   loaded nor in the run's list (the "off" rows): the loop itself has no compaction phase.
 * - request wrapper: one plugin with only `wrapModelRequest`, passing each request on (the request
 *   level's cost: one call per request, no run hook, no plugin engine per run; the Interactions
 *   backend sits at this level and answers instead of passing on).
 * - reserveBudget: `reserveBudget({ pool, usd: 1_000 })` on a pool that never runs out: its hold
 *   at the run's start, the spend check after each model call (the run's priced steps summed) and
 *   the settling at its end. Off (no `reserveBudget` in `plugins`), absent (the "off" rows).
 * - memory: `memoryPlugin` over an in-memory store holding three memories and an embedding
 *   function of one's own (no network): the recall before the run's first model call, the note
 *   sent before the history on every call, and the tool hooks' name check. Off, absent.
 * - handoff (not taken): `handoff(billing)` among the tools, never called: its declaration in
 *   every request and its plugin's `afterToolCall` on every tool call. Off (no handoff tool),
 *   absent. A subagent tool's cost when called is `subagent-bench.ts`'s.
 *
 * Prints the median client CPU per step of each (µs, `process.cpuUsage`, the fake's share
 * included and the same in every variant), and the medians of the per-round differences to "off".
 * Exits 1 when "empty" is over "off" by more than the A/A band or 5 µs, whichever is wider.
 */
import { loadavg } from 'node:os';
import { type AgentOptions, createAgent, createGemini, defineTool } from '@gemloop/core';
import { createBudgetPool, reserveBudget } from '@gemloop/core/budget';
import { compaction, toolOutput } from '@gemloop/core/compaction';
import { handoff } from '@gemloop/core/composition';
import { modelFallback } from '@gemloop/core/fallback';
import { type Guardrails, guardrails } from '@gemloop/core/guardrails';
import { loopGuard } from '@gemloop/core/loop-guard';
import { createInMemoryStore, createMemory, memoryPlugin } from '@gemloop/core/memory';
import type { Pricer } from '@gemloop/core/models';
import { type AgentPlugin, definePlugin } from '@gemloop/core/plugins';
import { createSteering } from '@gemloop/core/steering';
import { toolResultCache } from '@gemloop/core/tool-result-cache';
import { createFakeGemini, turn } from '@gemloop/testing';
import { z } from 'zod';

const argument = (name: string, fallback: number): number => {
  const found = process.argv.find((value) => value.startsWith(`--${name}=`));
  return found === undefined ? fallback : Number(found.slice(name.length + 3));
};
const ROUNDS = argument('rounds', 60);
const STEPS = argument('steps', 20);
const MODEL = 'gemini-2.5-flash';

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

// STEPS - 1 turns of one call each, then the answer: every run plays the same script.
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

const empty = definePlugin({ name: 'empty' });
const everyHook = definePlugin({
  name: 'every-hook',
  startRun: () => undefined,
  endRun: () => {},
  beforeModelCall: () => undefined,
  wrapModelCall: (call, next) => next(call),
  afterModelCall: () => {},
  afterAnswer: () => undefined,
  beforeToolCall: () => undefined,
  wrapToolCall: (_call, next) => next(),
  afterToolCall: () => undefined,
});
const requestWrapper = definePlugin({
  name: 'request-wrapper',
  wrapModelRequest: (next) => ({
    generate: (input) => next.generate(input),
    stream: (input) => next.stream(input),
  }),
});
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
const masking = definePlugin({
  name: 'masking',
  startRun: () => new Map<string, string>(),
  afterToolCall: ({ result }, run) => {
    const text = JSON.stringify(result);
    if (!EMAIL.test(text)) return undefined;
    return {
      result: JSON.parse(
        text.replace(EMAIL, (value) => {
          const token = `[EMAIL_${run.state.size + 1}]`;
          run.state.set(token, value);
          return token;
        }),
      ) as unknown,
    };
  },
  beforeToolCall: ({ args }, run) => {
    const text = JSON.stringify(args);
    if (!text.includes('[EMAIL_')) return undefined;
    return {
      type: 'args',
      args: JSON.parse(text.replace(/\[EMAIL_\d+\]/g, (token) => run.state.get(token) ?? token)),
    };
  },
});

const toolGuardrail = {
  name: 'policy',
  before: () => ({ type: 'allow' as const }),
  after: () => undefined,
};
const guardedTools = guardrails({ tools: [toolGuardrail] });
const guardedAll = guardrails({
  input: [{ name: 'input', check: () => undefined }],
  output: [{ name: 'output', check: () => undefined }],
  tools: [toolGuardrail],
});

// reserveBudget: a pool no run exhausts (a run here costs well under a cent).
const pool = createBudgetPool({ name: 'bench', maxCostUsd: 1e9 });
// memory: a deterministic embedding (letters counted into 8 dimensions), three memories stored.
const embed = async ({ text }: { text: string }): Promise<readonly number[]> => {
  const vector = [1, 0, 0, 0, 0, 0, 0, 0];
  for (let index = 0; index < text.length; index++)
    vector[text.charCodeAt(index) % 8] = (vector[text.charCodeAt(index) % 8] as number) + 1;
  return vector;
};
const memory = createMemory({ store: createInMemoryStore(), embed });
for (const text of ['Dana is a customer.', 'Dana prefers e-mail.', 'Dana lives in Lyon.'])
  await memory.remember('dana', text);
const billing = createAgent({ gemini, model: MODEL, name: 'billing', telemetry: false });

const agentWith = (
  plugins: readonly AgentPlugin[] | undefined,
  guarded: Guardrails | undefined = undefined,
  budget: {
    toolOutput?: ReturnType<typeof toolOutput> | false;
    cache?: { minTokens: number };
    continuation?: false;
    prices?: false | Pricer;
    compaction?: ReturnType<typeof compaction>;
    tools?: AgentOptions['tools'];
  } = {},
) =>
  createAgent({
    gemini,
    model: MODEL,
    tools: [lookup],
    telemetry: false,
    maxSteps: STEPS + 1,
    ...(plugins === undefined ? {} : { plugins }),
    ...(guarded === undefined ? {} : { guardrails: guarded }),
    ...budget,
  });
/** A pricer of one's own (a gateway's flat price): the guard around a user's pricer, per call. */
const flatPricer: Pricer = {
  name: 'flat',
  price: () => ({
    currency: 'USD',
    total: '0.001',
    input: '0.0004',
    cachedInput: '0',
    output: '0.0006',
    thinking: '0',
  }),
};
const variants = {
  off: agentWith(undefined),
  'off again': agentWith(undefined),
  empty: agentWith([empty]),
  'every hook': agentWith([everyHook as AgentPlugin]),
  masking: agentWith([masking as AgentPlugin]),
  'guardrails (tools)': agentWith(undefined, guardedTools),
  'guardrails (all)': agentWith(undefined, guardedAll),
  toolOutput: agentWith(undefined, undefined, { toolOutput: toolOutput({ maxTokens: 25_000 }) }),
  'no cap': agentWith(undefined, undefined, { toolOutput: false }),
  steering: agentWith(undefined),
  loopGuard: agentWith([loopGuard() as AgentPlugin]),
  toolResultCache: agentWith([
    toolResultCache({
      tools: { lookup: { effect: 'read', cacheKey: ({ who, n }) => `${who}/${n}` } },
    }) as AgentPlugin,
  ]),
  modelFallback: agentWith([modelFallback({ models: ['gemini-2.5-pro'] }) as AgentPlugin]),
  'prompt cache': agentWith(undefined, undefined, { cache: { minTokens: 0 } }),
  'tree budget': agentWith(undefined),
  'continuation off': agentWith(undefined, undefined, { continuation: false }),
  'prices off': agentWith(undefined, undefined, { prices: false }),
  'own pricer': agentWith(undefined, undefined, { prices: flatPricer }),
  compaction: agentWith(undefined, undefined, {
    compaction: compaction({ maxTokens: 10_000_000 }),
  }),
  'request wrapper': agentWith([requestWrapper]),
  reserveBudget: agentWith([reserveBudget({ pool, usd: 1_000 }) as AgentPlugin]),
  memory: agentWith([memoryPlugin({ memory, scope: 'dana' }) as AgentPlugin]),
  'handoff (not taken)': agentWith(undefined, undefined, {
    tools: [lookup, handoff(billing)],
  }),
};
type Variant = keyof typeof variants;
const names = Object.keys(variants) as Variant[];

const cpuPerStep = async (name: Variant): Promise<number> => {
  const before = process.cpuUsage();
  const result = await variants[name].run(
    'Look Dana up, again and again.',
    name === 'steering'
      ? { steering: createSteering() }
      : name === 'tree budget'
        ? { budget: { maxSteps: 1000, maxTokens: 10_000_000 } }
        : undefined,
  );
  const spent = process.cpuUsage(before);
  if (result.steps.length !== STEPS) throw new Error(`${name}: ${result.steps.length} steps`);
  return (spent.user + spent.system) / STEPS;
};

const loadAtStart = loadavg()[0] as number;
for (let round = 0; round < 10; round++) for (const name of names) await cpuPerStep(name);
const times = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<
  Variant,
  number[]
>;
const differences = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<
  Variant,
  number[]
>;
for (let round = 0; round < ROUNDS; round++) {
  // ABBA: the order flips every round, so neither end of a round is always the same variant's.
  const order = round % 2 === 0 ? names : [...names].reverse();
  const measured = {} as Record<Variant, number>;
  for (const name of order) measured[name] = await cpuPerStep(name);
  for (const name of names) {
    times[name].push(measured[name]);
    differences[name].push(measured[name] - measured.off);
  }
}
const loadAtEnd = loadavg()[0] as number;

console.log(
  `plugin seam, client CPU per step (${ROUNDS} rounds of ${STEPS}-step runs, in-process fake; load ${loadAtStart.toFixed(1)} → ${loadAtEnd.toFixed(1)})`,
);
for (const name of names) {
  const diff = median(differences[name]);
  console.log(
    `  ${name.padEnd(20)} ${median(times[name]).toFixed(1).padStart(7)} µs${name === 'off' ? '' : `   ${diff >= 0 ? '+' : ''}${diff.toFixed(1)} µs vs off`}`,
  );
}
const band = Math.abs(median(differences['off again']));
const allowed = Math.max(5, band);
const emptyCost = median(differences.empty);
console.log(
  `  empty plugin vs off: ${emptyCost.toFixed(1)} µs (allowed ${allowed.toFixed(1)}: the A/A band or 5 µs)`,
);
process.exitCode = emptyCost > allowed ? 1 : 0;
