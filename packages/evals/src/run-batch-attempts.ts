import type { Content, Gemini } from '@gemloop/core';
import type {
  BatchRunState,
  BatchRuns,
  BatchRunsOptions,
  BatchRunsState,
} from '@gemloop/core/batch';
import { createBatchRuns } from '@gemloop/core/batch';
import { createBatches } from '@gemloop/core/http';
import { costOf } from '@gemloop/core/models';
import { describeError } from './attempt-error.ts';
import type { EvalCase } from './eval-case.ts';
import type { EvalAttempt } from './eval-result.ts';
import {
  checkScore,
  type EvalRunOutput,
  type EvalToolCall,
  type Score,
  type Scorer,
  scorerCase,
  scorerCopy,
} from './scorer.ts';

/**
 * How `runEval({ mode: 'batch' })` runs the cases: the agent as `createBatchRuns` of
 * `@gemloop/core/batch` takes it (model, instructions, tools, generation config), since a batch
 * line is a bare request, not an `Agent`.
 */
export type EvalBatchOptions = Omit<BatchRunsOptions, 'gemini'> & {
  /** Gets the job's state after each step (save it to see a job of hours through). */
  onState?: ((state: BatchRunsState) => void | Promise<void>) | undefined;
};

/** A job of the batch: one attempt of one case. @internal */
export type BatchJob = { evalCase: EvalCase; repeat: number };

/**
 * Runs every single-input attempt as one run of one batch job (each round of every run one line
 * of one batch, billed at the Batch API's price; the function tools run here between rounds), then
 * scores each. An attempt of a conversation or simulated-user case is an error (a batch line has
 * no chat session to continue); a job that fails as a whole (refused, rate-limited, timed out)
 * makes every attempt an error with that cause.
 * @internal
 */
export async function runBatchAttempts(
  jobs: readonly BatchJob[],
  settings: {
    gemini: Gemini;
    batch: EvalBatchOptions;
    scorers: readonly Scorer[];
    signal: AbortSignal;
    now: () => number;
    /** Scrubs the eval's keys from an error's message before it is cut to its bound. */
    redact?: ((text: string) => string) | undefined;
  },
): Promise<EvalAttempt[]> {
  const started = settings.now();
  const base = (job: BatchJob) => ({
    caseId: job.evalCase.id,
    repeat: job.repeat,
    tags: job.evalCase.tags ?? [],
    ...(job.evalCase.runFile === undefined ? {} : { runFile: job.evalCase.runFile }),
  });
  const failed = (job: BatchJob, error: unknown): EvalAttempt => ({
    ...base(job),
    status: 'error',
    scores: [],
    text: '',
    error: describeError(error, settings.redact),
    totalTokens: 0,
    costUsd: null,
    latencyMs: settings.now() - started,
  });
  const attempts: (EvalAttempt | undefined)[] = jobs.map((job) =>
    job.evalCase.conversation !== undefined || job.evalCase.simulatedUser !== undefined
      ? failed(
          job,
          new Error(
            `case '${job.evalCase.id}' is a conversation: batch mode runs single-input cases (run it in 'replay' or 'live' mode).`,
          ),
        )
      : undefined,
  );
  const batched = jobs.flatMap((_job, index) => (attempts[index] === undefined ? [index] : []));
  if (batched.length === 0) return attempts as EvalAttempt[];
  const { onState, ...batchOptions } = settings.batch;
  let done: BatchRunsState;
  // The last state a step gave: its pending job is the one to cancel when the eval gives up.
  let last: BatchRunsState | undefined;
  try {
    const runs = createBatchRuns({ ...batchOptions, gemini: settings.gemini });
    const inputs = batched.map((index) => inputOf((jobs[index] as BatchJob).evalCase));
    const recordState = async (state: BatchRunsState): Promise<void> => {
      last = state;
      await onState?.(state);
    };
    let state = runs.start(inputs);
    while (!runs.isDone(state)) {
      state =
        state.pending === undefined
          ? await submitRound(runs, state, settings.signal, recordState, settings.gemini)
          : await runs.step(state, { signal: settings.signal, onState: recordState });
    }
    done = state;
  } catch (error) {
    if (settings.signal.aborted) await cancelJob(settings.gemini, last?.pending?.batchName);
    for (const index of batched) attempts[index] = failed(jobs[index] as BatchJob, error);
    return attempts as EvalAttempt[];
  }
  const latencyMs = settings.now() - started;
  await Promise.all(
    batched.map(async (jobIndex, runIndex) => {
      const job = jobs[jobIndex] as BatchJob;
      const run = done.runs[runIndex] as BatchRunState;
      const usage = usageOf(run, batchOptions.model);
      if (run.status !== 'done') {
        attempts[jobIndex] = {
          ...failed(
            job,
            Object.assign(new Error(run.error ?? 'the run did not finish'), {
              name: 'BatchRunError',
            }),
          ),
          ...usage,
          latencyMs,
        };
        return;
      }
      const output = toRunOutput(run, batchOptions.generationConfig?.responseMimeType);
      try {
        const scores: Score[] = [];
        for (const scorer of settings.scorers) {
          const score = checkScore(
            scorer,
            await untilAborted(
              scorer.score({
                evalCase: scorerCase(job.evalCase),
                run: scorerCopy(output),
                signal: settings.signal,
              }),
              settings.signal,
            ),
          );
          if (score !== undefined) scores.push(score);
        }
        attempts[jobIndex] = {
          ...base(job),
          status: scores.every((score) => score.pass) ? 'pass' : 'fail',
          scores,
          text: output.text,
          ...usage,
          latencyMs,
        };
      } catch (error) {
        attempts[jobIndex] = { ...failed(job, error), ...usage, latencyMs };
      }
    }),
  );
  return attempts as EvalAttempt[];
}

/**
 * How long a round's create request may go on in the background once the eval is stopped: long
 * enough for Google to answer with the job's name (then cancelled), bounded so that nothing of a
 * stopped eval runs on for long.
 */
const CREATE_AFTER_STOP_MS = 30_000;

/**
 * The step that submits a round, its create request not aborted with the eval: aborted, the
 * request may have made the job at Google all the same, and its answer, the job's name, was lost,
 * so nothing could cancel it (it ran on, billed, unnoticed). When the eval's signal aborts during
 * the create, the step throws its reason at once (the eval ends at its limit, not when Google
 * answers) and the create goes on in the background for up to {@link CREATE_AFTER_STOP_MS}: the
 * job its answer names is then cancelled there. A create that answered before the stop was seen
 * throws the reason too, with the job named in the last state, which the caller cancels.
 */
async function submitRound(
  runs: BatchRuns,
  state: BatchRunsState,
  signal: AbortSignal,
  onState: (state: BatchRunsState) => Promise<void>,
  gemini: Gemini,
): Promise<BatchRunsState> {
  signal.throwIfAborted();
  const create = new AbortController();
  let stopped!: (reason: unknown) => void;
  const stop = new Promise<never>((_resolve, reject) => {
    stopped = reject;
  });
  let bound: ReturnType<typeof setTimeout> | undefined;
  const onAbort = (): void => {
    bound = setTimeout(() => create.abort(signal.reason), CREATE_AFTER_STOP_MS);
    stopped(signal.reason);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  // Rejected by a stop that comes after the race settled: nobody waits on it then.
  stop.catch(() => {});
  // Whether the job is named yet: in a state given to `onState` (the caller's last state, which
  // it cancels), or in the step's answer.
  let named = false;
  const recordState = async (next: BatchRunsState): Promise<void> => {
    if (next.pending !== undefined) named = true;
    await onState(next);
  };
  const creating = runs
    .step(state, { signal: create.signal, onState: recordState })
    .then((next) => {
      named = true;
      return next;
    });
  try {
    const next = await Promise.race([creating, stop]);
    signal.throwIfAborted();
    return next;
  } catch (error) {
    if (signal.aborted && !named) {
      // Given up on before Google answered: the job its answer names is cancelled in the
      // background (a create that answered is the caller's to cancel, by the last state).
      void creating
        .then((late) => cancelJob(gemini, late.pending?.batchName))
        .catch(() => {})
        .finally(() => clearTimeout(bound));
    } else clearTimeout(bound);
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (!signal.aborted) clearTimeout(bound);
  }
}

/** How long cancelling a job the eval gave up on may take before it is left to expire. */
const CANCEL_TIMEOUT_MS = 10_000;

/**
 * Cancels the job of a round the eval gave up on (its time limit): createBatchRuns leaves a job
 * running on abort so that a saved state can resume it, but runEval keeps no state to resume, and
 * the job went on at Google, billed for answers no one reads, for up to 48 hours (attack43a).
 * Best effort, bounded: a cancel that fails leaves the job to expire, as before.
 */
async function cancelJob(gemini: Gemini, batchName: string | undefined): Promise<void> {
  if (batchName === undefined) return;
  try {
    await createBatches(gemini).cancel(batchName, {
      signal: AbortSignal.timeout(CANCEL_TIMEOUT_MS),
    });
  } catch {
    // Left to expire: the attempts already say the eval gave up on the job.
  }
}

/**
 * `value`, or the signal's reason once it aborts. The job's time limit aborts the signal, but a
 * scorer that ignores it (a hung judge call) would otherwise hold `runEval` for ever; the other
 * modes race each attempt against its timer the same way.
 */
function untilAborted<T>(value: T | Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(value)
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** A case's history, then its input. */
function inputOf(evalCase: EvalCase): Content[] {
  const input = evalCase.input ?? '';
  return [
    ...(evalCase.history ?? []),
    ...(typeof input === 'string' ? [{ role: 'user' as const, parts: [{ text: input }] }] : input),
  ];
}

/**
 * Tokens and cost at the batch tier. A batch run keeps prompt, candidates and total counts; the
 * rest of the total (thinking) is billed at the output rate (ai.google.dev/gemini-api/docs/pricing).
 */
function usageOf(
  run: BatchRunState,
  model: string,
): { totalTokens: number; costUsd: string | null } {
  const { promptTokenCount, candidatesTokenCount, totalTokenCount } = run.usage;
  const thoughtsTokenCount = Math.max(0, totalTokenCount - promptTokenCount - candidatesTokenCount);
  const cost = costOf(
    { promptTokenCount, candidatesTokenCount, thoughtsTokenCount },
    model,
    'batch',
  );
  return { totalTokens: totalTokenCount, costUsd: cost.total };
}

/** What the scorers judge, from the run's history: its answer, and each call with its response. */
function toRunOutput(run: BatchRunState, responseMimeType: string | undefined): EvalRunOutput {
  const toolCalls: EvalToolCall[] = [];
  const contents = run.contents;
  contents.forEach((content, index) => {
    if (content.role !== 'model') return;
    const responses = (contents[index + 1]?.parts ?? []).flatMap((part) =>
      part.functionResponse === undefined ? [] : [part.functionResponse],
    );
    for (const part of content.parts ?? []) {
      const call = part.functionCall;
      if (call === undefined) continue;
      const response = responses.find(
        (candidate) =>
          (call.id !== undefined && candidate.id === call.id) ||
          (call.id === undefined && candidate.name === call.name),
      )?.response as Record<string, unknown> | undefined;
      const error = typeof response?.['error'] === 'string' ? response['error'] : undefined;
      toolCalls.push({
        name: String(call.name),
        args: (call.args ?? {}) as Record<string, unknown>,
        outcome: error === undefined ? 'success' : 'execution-error',
        ...(error === undefined
          ? {
              output:
                response !== undefined && 'output' in response ? response['output'] : response,
            }
          : { error }),
      });
    }
  });
  const text = run.text ?? '';
  let output: unknown;
  if (responseMimeType === 'application/json') {
    try {
      output = JSON.parse(text);
    } catch {
      output = undefined;
    }
  }
  return { text, turns: [text], output, toolCalls };
}
