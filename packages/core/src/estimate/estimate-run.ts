import { agentTurnsOf } from '../agent/agent-turns.ts';
import type { Agent } from '../agent/create-agent.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { CallOptions } from '../http/gemini.ts';
import { dollarsToPicos } from '../models/usd.ts';
import { writeCost } from '../models/write-cost.ts';
import { describeValue } from '../options/define-options.ts';
import { preloadPricing } from '../pricing/pricing-plugin.ts';
import type { AgentInput } from '../run/agent-input.ts';
import type { Content } from '../wire/content.ts';

/**
 * One past run to learn from: an `AgentResult`, or the `run-end` line of a recorded run file
 * (`.gemloop/runs/*.jsonl`), both of which carry these two fields.
 */
export type RunSample = {
  readonly cost?: { readonly total: string | null } | undefined;
  readonly usage?: { readonly totalTokenCount: number } | undefined;
};

/** A low, middle and high figure: the 10th, 50th and 90th percentiles. */
export type EstimateBand = { p10: number; p50: number; p90: number };

/** What {@link estimateRun} found. */
export type RunEstimate = {
  /**
   * `recordings`: percentiles of the past runs given. `count-tokens`: the first request counted
   * by the API (`countTokens`) and priced with the stated {@link RunEstimate.assumption}.
   */
  source: 'recordings' | 'count-tokens';
  /** The model priced. */
  model: string;
  /**
   * US dollars for the whole run; `NaN` where the model has no price (the `assumption` says so:
   * give the agent's `prices`).
   */
  costUsd: EstimateBand;
  /** `totalTokenCount` of the whole run. */
  tokens: EstimateBand;
  /** How many past runs the band comes from (`recordings`), else 0. */
  runs: number;
  /** What the figures assume, in words, to show beside them. */
  assumption: string;
};

/** Options of {@link estimateRun}. */
export type EstimateRunOptions = {
  /**
   * Past runs of this agent (results, or recorded `run-end` lines). With at least `minRuns` of
   * them whose cost is known, the estimate is their percentiles.
   */
  recordings?: readonly RunSample[] | undefined;
  /** How many priced past runs make a band. @defaultValue 20 */
  minRuns?: number | undefined;
  /**
   * Without enough recordings: the steps a run is assumed to take at p10, p50 and p90 (each step
   * sends the first request again, plus what the steps before it added).
   * @defaultValue `{ p10: 1, p50: 2, p90: 6 }`
   */
  assumedSteps?: EstimateBand | undefined;
  /**
   * Without enough recordings: the tokens each step is assumed to write (thinking included), and
   * to add again as its tool results. @defaultValue 400
   */
  assumedOutputTokensPerStep?: number | undefined;
  /** The `countTokens` call's options (a signal, a timeout). */
  callOptions?: CallOptions | undefined;
};

const DEFAULT_MIN_RUNS = 20;
const DEFAULT_STEPS: EstimateBand = { p10: 1, p50: 2, p90: 6 };
const DEFAULT_OUTPUT_TOKENS = 400;

/**
 * What a run of `agent` on `input` will cost, before it runs: a p10–p90 band of dollars and
 * tokens, and how it was made. From the agent's past runs (`recordings`) when there are at least
 * `minRuns` priced ones; otherwise from the API's `countTokens` of the first request (the
 * agent's instructions, tools and the input) at the agent's prices, with a stated assumption for
 * the steps that follow. Spend it with a reservation (`createBudgetPool` of
 * `@gemloop/core/budget`) to keep many runs under one budget.
 *
 * @example
 * ```ts
 * const estimate = await estimateRun(agent, 'Plan a week in Lisbon.', { recordings: pastResults });
 * console.log(estimate.source, estimate.costUsd.p50, estimate.costUsd.p90, estimate.assumption);
 * ```
 *
 * @throws {@link InvalidArgumentError} for an agent `createAgent` did not make (without enough
 *   recordings), or a bad option.
 */
export async function estimateRun(
  agent: Agent<unknown>,
  input: AgentInput,
  options: EstimateRunOptions = {},
): Promise<RunEstimate> {
  const minRuns = checkCount(options.minRuns ?? DEFAULT_MIN_RUNS, 'minRuns');
  const steps = options.assumedSteps ?? DEFAULT_STEPS;
  for (const key of ['p10', 'p50', 'p90'] as const) checkCount(steps[key], `assumedSteps.${key}`);
  if (!(steps.p10 <= steps.p50 && steps.p50 <= steps.p90)) {
    throw new InvalidArgumentError({
      argument: 'estimateRun.assumedSteps',
      message: `assumedSteps must be a band with p10 <= p50 <= p90, such as { p10: 1, p50: 2, p90: 6 }; got { p10: ${steps.p10}, p50: ${steps.p50}, p90: ${steps.p90} }.`,
    });
  }
  const outputTokens = checkCount(
    options.assumedOutputTokensPerStep ?? DEFAULT_OUTPUT_TOKENS,
    'assumedOutputTokensPerStep',
  );
  const target = agentTurnsOf(agent).handoffTarget?.(undefined);
  const fromRecordings = bandOfRecordings(options.recordings ?? [], minRuns);
  if (fromRecordings !== undefined) {
    return {
      source: 'recordings',
      model: target?.config.model ?? 'unknown',
      ...fromRecordings,
      assumption: `the 10th, 50th and 90th percentiles of ${fromRecordings.runs} recorded runs of this agent`,
    };
  }
  if (target === undefined) {
    throw new InvalidArgumentError({
      argument: 'agent',
      message: `estimateRun counts the first request of an agent made by createAgent; give it at least ${minRuns} recordings for another agent.`,
    });
  }
  const { config } = target;
  const { model: _model, ...request } = config.request;
  const counted = await config.gemini.countTokens(
    {
      model: config.model,
      generateContentRequest: { ...request, contents: toContents(input) },
    },
    options.callOptions,
  );
  const promptTokens = counted.totalTokens ?? 0;
  // Priced by the agent's pricer, as its runs are: gemloop's loads with the loop, which an agent
  // that never ran has not loaded.
  await preloadPricing();
  let unpriced: string | undefined;
  const at = (stepCount: number) => {
    // Step k sends the first request plus the k-1 steps before it: their answers and as much
    // again as tool results. Whole tokens, rounded up: a price applies to no fraction of one
    // (2.5 steps, or 333.3 tokens a step, made every dollar figure NaN: attack62e).
    const prompt = Math.ceil(stepCount * promptTokens + outputTokens * stepCount * (stepCount - 1));
    const output = Math.ceil(stepCount * outputTokens);
    if (!Number.isSafeInteger(prompt + output)) throw tooLarge(stepCount, outputTokens);
    const usage = {
      promptTokenCount: prompt,
      candidatesTokenCount: output,
      totalTokenCount: prompt + output,
    };
    const cost = writeCost(config.price(usage, config.model, config.request.serviceTier));
    if (cost.total === null) unpriced ??= cost.unknown;
    return {
      tokens: usage.totalTokenCount,
      usd: cost.total === null ? Number.NaN : Number(cost.total),
    };
  };
  const [low, middle, high] = [at(steps.p10), at(steps.p50), at(steps.p90)];
  const recorded = pricedSamples(options.recordings ?? []).costs.length;
  return {
    source: 'count-tokens',
    model: config.model,
    costUsd: { p10: low.usd, p50: middle.usd, p90: high.usd },
    tokens: { p10: low.tokens, p50: middle.tokens, p90: high.tokens },
    runs: 0,
    assumption:
      `${recorded < minRuns ? `${recorded} priced recorded runs (fewer than ${minRuns}), so ` : ''}` +
      `the first request counted by countTokens (${promptTokens} tokens) at ${config.model}'s prices; ` +
      `a run of ${steps.p10}, ${steps.p50} and ${steps.p90} steps (p10, p50, p90), each writing ` +
      `${outputTokens} tokens and adding as much again as tool results, each step resending all before it; ` +
      'no context cache, no subagents' +
      (unpriced === undefined ? '' : `; the dollars are NaN: ${unpriced}`),
  };
}

/** The refusal of assumptions whose run has more tokens than a number counts exactly. */
function tooLarge(stepCount: number, outputTokens: number): InvalidArgumentError {
  return new InvalidArgumentError({
    argument: Number.isSafeInteger(Math.ceil(outputTokens))
      ? 'estimateRun.assumedSteps'
      : 'estimateRun.assumedOutputTokensPerStep',
    message: `a run of ${stepCount} steps writing ${outputTokens} tokens each is too large to count (past 2^53 - 1 tokens); assume fewer steps or tokens a step.`,
  });
}

function toContents(input: AgentInput): Content[] {
  if (typeof input === 'string') return [{ role: 'user', parts: [{ text: input }] }];
  if (Array.isArray(input)) {
    // Contents, or parts of one user message.
    const list = input as readonly unknown[];
    const first = list[0] as { role?: unknown; parts?: unknown; contents?: unknown } | undefined;
    if (first !== undefined && Array.isArray(first.parts)) return list as Content[];
    if (first !== undefined && Array.isArray(first.contents))
      return (list as { contents: Content[] }[]).flatMap((turn) => turn.contents);
    return [{ role: 'user', parts: list as Content['parts'] }];
  }
  throw new InvalidArgumentError({
    argument: 'input',
    message: 'estimateRun takes the input a run takes: a message, parts, contents or turns.',
  });
}

/** The band of the recordings' priced runs, when there are enough of them. */
function bandOfRecordings(
  recordings: readonly RunSample[],
  minRuns: number,
): { costUsd: EstimateBand; tokens: EstimateBand; runs: number } | undefined {
  if (!Array.isArray(recordings)) {
    throw new InvalidArgumentError({
      argument: 'recordings',
      message: 'recordings must be a list of past results or recorded run-end lines.',
    });
  }
  const { costs, tokens } = pricedSamples(recordings);
  if (costs.length < minRuns || costs.length === 0) return undefined;
  return { costUsd: band(costs), tokens: band(tokens), runs: costs.length };
}

/** The costs and token counts of the samples whose cost is known. */
function pricedSamples(recordings: readonly RunSample[]): { costs: number[]; tokens: number[] } {
  const costs: number[] = [];
  const tokens: number[] = [];
  for (const sample of recordings) {
    const total = sample?.cost?.total;
    const count = sample?.usage?.totalTokenCount;
    // A recording is a file the user keeps: Number() would read '' and ' ' as 0 and '0x10' as 16,
    // and JSON.parse reads 1e400 as Infinity. Only dollars as gemloop writes them, and a count.
    if (typeof total !== 'string' || dollarsToPicos(total) === undefined) continue;
    if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) continue;
    costs.push(Number(total));
    tokens.push(count);
  }
  return { costs, tokens };
}

/** Percentiles by linear interpolation between the closest ranks. @internal */
export function band(values: readonly number[]): EstimateBand {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number): number => {
    const rank = p * (sorted.length - 1);
    const below = Math.floor(rank);
    const above = Math.min(below + 1, sorted.length - 1);
    const low = sorted[below] as number;
    return low + ((sorted[above] as number) - low) * (rank - below);
  };
  return { p10: at(0.1), p50: at(0.5), p90: at(0.9) };
}

function checkCount(value: number, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError({
      argument: `estimateRun.${name}`,
      message: `${name} must be a number >= 0; got ${describeValue(value)}.`,
    });
  }
  return value;
}
