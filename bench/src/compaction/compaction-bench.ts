/**
 * `pnpm --filter @gemloop/bench run compaction [-- --turns=N]`: a 300-turn tool conversation,
 * each turn a 20 KB tool result, on a model with a 128k window, against the fake Gemini in its
 * own process with implicit caching simulated by Google's rule. Three contenders:
 *
 * - `compaction`: the agent's `compaction` option (threshold 80% of the 128k window; older turns
 *   summarized in large, rare steps, the first turn and the recent ones kept byte for byte);
 * - `whole`: the history kept whole, on a window large enough to hold it (the fake has no limit);
 * - `sliding`: a naive sliding window that rewrites the history on every step (the oldest turns
 *   dropped as soon as the newest no longer fits), through the same `onCompaction` seam.
 *
 * Billed tokens weigh uncached input 1, cached input CACHED_RATIO and output OUTPUT_RATIO (Gemini
 * 2.5 Flash's standard prices, https://ai.google.dev/gemini-api/docs/pricing, checked 2026-11:
 * input $0.30, context caching $0.03, output $2.50 per 1M tokens; the dollar price table lands
 * separately). The end-of-script question is answered by the fake from its request alone.
 * Prints a Markdown section for bench/RESULTS.md.
 */
import { fork } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { type CompactionOptions, compaction as compactionValue } from '@gemloop/core/compaction';
import { estimateContentTokens, estimateSentTokens } from '@gemloop/core/internal';
import type { Content } from '@gemloop/core/wire';
import { z } from 'zod';

const turnsArgument = process.argv.find((argument) => argument.startsWith('--turns='));
const TURNS = turnsArgument === undefined ? 300 : Number(turnsArgument.slice('--turns='.length));
const WINDOW = 128_000;
const THRESHOLD = Math.floor(WINDOW * 0.8);
const CACHED_RATIO = 0.03 / 0.3;
const OUTPUT_RATIO = 2.5 / 0.3;
/** A fact every 50 pages (and on page 1): what the end-of-script question asks for. */
const FACT_EVERY = 50;

const FILLER = 'The committee reviewed the quarterly figures and noted steady progress. '.repeat(
  280,
);

const fetchPage = defineTool({
  name: 'fetch_page',
  description: 'Fetches page n of the archive.',
  parameters: z.object({ n: z.number() }),
  execute: ({ n }) => ({
    n,
    // The fact, when the page has one, comes first: a summarizer's transcript keeps the start.
    page: `${n === 1 || n % FACT_EVERY === 0 ? `FACT-${n}: code${n * 7}. ` : ''}${FILLER}`.slice(
      0,
      20_000,
    ),
  }),
});

const expectedFacts = Array.from({ length: TURNS }, (_, index) => index + 1)
  .filter((n) => n === 1 || n % FACT_EVERY === 0)
  .map((n) => `FACT-${n}: code${n * 7}`)
  .sort();

type Row = {
  name: string;
  requests: number;
  maxPromptTokens: number;
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
  billed: number;
  hitRate: number;
  compactions: number;
  factsKept: number;
  clientCpuMs: number;
  decisionCpuMs: number;
  wallMs: number;
};

async function startFake(turns: number): Promise<{ url: string; close: () => void }> {
  const child = fork(fileURLToPath(new URL('./compaction-fake.ts', import.meta.url)), [
    String(turns),
  ]);
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { url: string }).url));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the fake exited with ${code}`)));
  });
  return { url, close: () => child.send('close') };
}

/** Keeps the first content and the newest turns that fit under the threshold: a new prefix each step. */
function slidingWindow(before: readonly Content[]): Content[] {
  const kept: Content[] = [];
  let tokens = estimateContentTokens([before[0] as Content]);
  for (let index = before.length - 1; index > 0; index -= 2) {
    const pair = before.slice(index - 1, index + 1);
    const pairTokens = estimateContentTokens(pair);
    if (tokens + pairTokens > THRESHOLD * 0.9 || index - 1 < 1) break;
    kept.unshift(...pair);
    tokens += pairTokens;
  }
  return [before[0] as Content, ...kept];
}

async function run(
  name: string,
  compaction: CompactionOptions | undefined,
  turns = TURNS,
): Promise<Row> {
  const fake = await startFake(turns);
  try {
    const gemini = createGemini({
      baseUrl: fake.url,
      apiKey: 'bench-key',
      retry: false,
    });
    const sent: number[] = [];
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      instructions: 'You are a careful archivist.',
      tools: [fetchPage],
      maxSteps: TURNS + 5,
      telemetry: false,
      ...(compaction === undefined ? {} : { compaction: compactionValue(compaction) }),
    });
    const cpuBefore = process.cpuUsage();
    const startedAt = performance.now();
    const result = await agent.run('Read every page of the archive, then list the facts.');
    const wallMs = performance.now() - startedAt;
    const cpu = process.cpuUsage(cpuBefore);
    // The decision's cost, replayed on the run's own content objects as the agent makes it on a
    // step that does not compact: a per-content estimate, memoized for the run, summed over what
    // the step sends (the last \`window\` contents: the compacted history is about that long).
    let decisionUs = 0;
    if (compaction !== undefined) {
      const estimates = new WeakMap<Content, number>();
      const window = result.compaction?.sentContents.length ?? result.contents.length;
      const decisionStart = process.cpuUsage();
      for (let step = 1; step <= result.steps.length; step++) {
        const end = Math.min(result.contents.length, 2 * step - 1);
        estimateSentTokens(result.contents.slice(Math.max(0, end - window), end), estimates);
      }
      const used = process.cpuUsage(decisionStart);
      decisionUs = used.user + used.system;
    }
    for (const step of result.steps) sent.push(step.usage.promptTokenCount);
    const usage = result.usage;
    const uncached = usage.promptTokenCount - usage.cachedContentTokenCount;
    const output = usage.candidatesTokenCount + usage.thoughtsTokenCount;
    const facts = new Set(result.text.match(/FACT-\d+: code\d+/g) ?? []);
    return {
      name,
      requests:
        result.steps.length +
        (result.compaction?.reports.filter((r) => r.summarizedContents > 0).length ?? 0),
      maxPromptTokens: Math.max(...sent),
      inputTokens: usage.promptTokenCount,
      cachedTokens: usage.cachedContentTokenCount,
      outputTokens: output,
      billed: uncached + usage.cachedContentTokenCount * CACHED_RATIO + output * OUTPUT_RATIO,
      hitRate: usage.cachedContentTokenCount / Math.max(1, usage.promptTokenCount),
      compactions: result.compaction?.reports.length ?? 0,
      factsKept: expectedFacts.filter((fact) => facts.has(fact)).length,
      clientCpuMs: (cpu.user + cpu.system) / 1000,
      decisionCpuMs: decisionUs / 1000,
      wallMs,
    };
  } finally {
    fake.close();
  }
}

// Warm-up: the loop's modules loaded and compiled before anything is measured.
await run('warm-up', { contextWindow: WINDOW, clearToolResults: false, summarize: true }, 5);
const load = loadavg();
const rows: Row[] = [];
rows.push(
  await run('compaction', { contextWindow: WINDOW, clearToolResults: false, summarize: true }),
);
rows.push(await run('whole', undefined));
rows.push(
  await run('sliding', {
    maxTokens: THRESHOLD,
    everySteps: 1,
    clearToolResults: false,
    pruneThoughts: false,
    onCompaction: ({ before }) => ({ contents: slidingWindow(before) }),
  }),
);
const loadAfter = loadavg();

const [ours, whole, sliding] = rows as [Row, Row, Row];
const format = (value: number) => Math.round(value).toLocaleString('en-US');
const lines = [
  `## Compaction: ${TURNS} turns of 20 KB tool results, 128k window`,
  '',
  `Run ${new Date().toISOString()} on ${cpus().length} cores; load average at start ${load.map((v) => v.toFixed(2)).join(' / ')}, at end ${loadAfter.map((v) => v.toFixed(2)).join(' / ')}. Threshold ${format(THRESHOLD)} tokens (80% of the window). Billed = uncached input + ${CACHED_RATIO.toFixed(2)} × cached input + ${OUTPUT_RATIO.toFixed(2)} × output (Gemini 2.5 Flash list prices, relative to input). ${expectedFacts.length} facts asked for at the end, answered by the fake from its last request alone.`,
  '',
  '| contender | model requests | largest request, tokens | input tokens | cached | implicit-cache hit rate | billed (input-token units) | compactions | facts kept | client CPU ms | decision CPU ms |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map(
    (row) =>
      `| ${row.name} | ${row.requests} | ${format(row.maxPromptTokens)} | ${format(row.inputTokens)} | ${format(row.cachedTokens)} | ${(row.hitRate * 100).toFixed(1)}% | ${format(row.billed)} | ${row.compactions} | ${row.factsKept}/${expectedFacts.length} | ${format(row.clientCpuMs)} | ${row.decisionCpuMs.toFixed(1)} |`,
  ),
  '',
  `- compaction vs whole history: **${(ours.billed / whole.billed).toFixed(3)} ×** billed (goal ≤ 0.5 ×)`,
  `- compaction vs sliding window: **${(ours.billed / sliding.billed).toFixed(3)} ×** billed (goal ≤ 0.8 ×)`,
  `- largest compaction request ${format(ours.maxPromptTokens)} tokens vs threshold ${format(THRESHOLD)}: ${ours.maxPromptTokens <= THRESHOLD ? 'under' : '**OVER**'}`,
  `- compaction decision CPU: ${((ours.decisionCpuMs / ours.clientCpuMs) * 100).toFixed(2)}% of the run's client CPU (goal < 1%)`,
];
console.log(lines.join('\n'));
