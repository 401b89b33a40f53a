import type { AgentResult, AgentUsage } from '@gemloop/core';
import { readCost, unknownCost } from '@gemloop/core/internal';
import { addCosts, type Cost } from '@gemloop/core/models';
import { MAX_RUN_FILE_CHARS, SECOND_RUN_START } from '../cases-from-run.ts';
import { EvalDatasetError } from '../eval-dataset-error.ts';
import { textLines } from '../parse-eval-cases.ts';

/** One tool call of a trajectory: its step (1-based), tool and arguments. */
export type RunTrajectoryCall = { step: number; name: string; args: unknown };

/** Tokens of a run, summed over its model calls. */
export type TrajectoryTokens = { input: number; output: number; thinking: number; total: number };

/**
 * What a run did, as {@link diffRuns} compares runs: its tool calls in order, its answer, its
 * steps, tokens and cost. Made from a recorded run file ({@link trajectoryFromRunFile}: the
 * recorder's redacted arguments) or from results ({@link trajectoryFromResults}).
 */
export type RunTrajectory = {
  toolCalls: RunTrajectoryCall[];
  /** The final answer's text (the run-end line's, the last result's), `undefined` when none was recorded. */
  text: string | undefined;
  steps: number;
  tokens: TrajectoryTokens;
  /** US dollars as an exact decimal string, `null` when a price was unknown. */
  costUsd: string | null;
};

/**
 * The trajectory of a recorded run file (core's recorder format 1): a last line without its end
 * is left out (a file cut by a crash), and the arguments are the recorded ones (secret arguments
 * already `'[redacted]'`).
 * @throws {@link EvalDatasetError} for a file past {@link MAX_RUN_FILE_CHARS} characters, and
 *   for a whole line that is not a JSON object (with its line number), as `caseFromRunFile`.
 */
export function trajectoryFromRunFile(text: string, runFile: string): RunTrajectory {
  if (text.length > MAX_RUN_FILE_CHARS) {
    throw new EvalDatasetError({
      source: runFile,
      problem: `more than ${MAX_RUN_FILE_CHARS} characters; not read.`,
    });
  }
  const trajectory = emptyTrajectory();
  let cost: Cost | undefined;
  let runCost: Cost | undefined;
  // A run read back from elsewhere (a durable run's lines) may have no step-end lines: its model
  // calls and their usage metadata count then, and its cost is unknown.
  let modelCalls = 0;
  const callTokens: TrajectoryTokens = { input: 0, output: 0, thinking: 0, total: 0 };
  const lines = textLines(text);
  let started = false;
  for (const [index, raw] of lines.entries()) {
    if (raw.trim() === '') continue;
    const line = parseLine(raw);
    if (line === undefined) {
      // The last line without its end is one a crash cut while it was written: left out.
      if (index === lines.length - 1) continue;
      // A whole line lost in the middle (torn, edited): a call the run made would be missing,
      // and a diff of it said SAME to a gate (attack43a). No byte of it quoted: it may be anything.
      throw new EvalDatasetError({
        source: runFile,
        line: index + 1,
        problem:
          'this line of the run is not a JSON object (torn or edited), so a tool call or step it recorded would be missing from the trajectory; repair or remove the file, or record the run again.',
      });
    }
    if (line['type'] === 'run-start') {
      // Two runs read as one doubled the steps and cost and added calls (attack59c).
      if (started)
        throw new EvalDatasetError({ source: runFile, line: index + 1, problem: SECOND_RUN_START });
      started = true;
    } else if (line['type'] === 'tool-call-start' && typeof line['toolName'] === 'string') {
      trajectory.toolCalls.push({
        step: Number(line['stepNumber']) || 0,
        name: line['toolName'],
        args: line['args'] ?? {},
      });
    } else if (line['type'] === 'step-end') {
      trajectory.steps++;
      addTokens(trajectory.tokens, line['usage'] as Partial<AgentUsage> | undefined);
      cost = sumCost(cost, line['cost']);
    } else if (line['type'] === 'model-call-end' && line['response'] !== undefined) {
      modelCalls++;
      const usage = (line['response'] as { usageMetadata?: Partial<AgentUsage> } | null)
        ?.usageMetadata;
      addTokens(callTokens, usage);
    } else if (line['type'] === 'run-end') {
      trajectory.text = typeof line['text'] === 'string' ? line['text'] : undefined;
      runCost = readCost(line['cost']);
    }
  }
  if (trajectory.steps === 0 && modelCalls > 0) {
    trajectory.steps = modelCalls;
    trajectory.tokens = callTokens;
    trajectory.costUsd = runCost === undefined ? null : runCost.total;
    return trajectory;
  }
  trajectory.costUsd = cost === undefined ? '0' : cost.total;
  return trajectory;
}

/**
 * The trajectory of one run made of consecutive results (a fork's replayed steps, then the run
 * after it: `trajectoryFromResults(fork.replayed, fork.forked)`); `undefined` entries are skipped.
 * Arguments are as the tools got them: give runs whose tools hold no secret arguments, or
 * diff their recorded run files.
 */
export function trajectoryFromResults(
  ...results: readonly (AgentResult<unknown> | undefined)[]
): RunTrajectory {
  const trajectory = emptyTrajectory();
  let cost: Cost | undefined;
  for (const result of results) {
    if (result === undefined) continue;
    for (const step of result.steps) {
      trajectory.steps++;
      for (const call of step.toolCalls) {
        trajectory.toolCalls.push({
          step: trajectory.steps,
          name: call.toolName,
          args: call.rawArgs,
        });
      }
      addTokens(trajectory.tokens, step.usage);
      cost = sumCost(cost, step.cost);
    }
    // The last result's answer, as a run file's run-end line keeps it.
    trajectory.text = result.text;
  }
  trajectory.costUsd = cost === undefined ? '0' : cost.total;
  return trajectory;
}

function emptyTrajectory(): RunTrajectory {
  return {
    toolCalls: [],
    text: undefined,
    steps: 0,
    tokens: { input: 0, output: 0, thinking: 0, total: 0 },
    costUsd: '0',
  };
}

function parseLine(raw: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function addTokens(tokens: TrajectoryTokens, usage: Partial<AgentUsage> | undefined): void {
  const count = (value: unknown): number =>
    typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
  tokens.input += count(usage?.promptTokenCount);
  tokens.output += count(usage?.candidatesTokenCount);
  tokens.thinking += count(usage?.thoughtsTokenCount);
  tokens.total += count(usage?.totalTokenCount);
}

function sumCost(sum: Cost | undefined, value: unknown): Cost {
  // A run file is hostile bytes: a step whose cost does not read as one (none, a total that is no
  // decimal, a number, another currency) makes the sum unknown, never a wrong number ('abc', 5,
  // or a total that left the step out).
  const cost = readCost(value) ?? unknownCost('a step of the run file has no readable cost');
  return sum === undefined ? cost : addCosts(sum, cost);
}
