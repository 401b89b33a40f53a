import type { Gemini } from '@gemloop/core';
import { GemloopError } from '@gemloop/core';
import {
  checkedWhereUsed,
  checkOptionsCopy,
  type DeclaredOptions,
  defineOptions,
} from '@gemloop/core/internal';
import type { TrajectoryCall } from '../canary/compare-tool-calls.ts';
import type { EvalCase } from '../eval-case.ts';
import type { EvalDrift } from '../eval-result.ts';
import { replayRun } from '../replay/replay-run.ts';
import { toRunOutput } from '../run-attempt.ts';
import { runEvalObserved } from '../run-eval.ts';
import type { RunEvalOptions } from '../run-eval-options.ts';
import type { EvalRunOutput } from '../scorer.ts';

/** Options of {@link traceCase}. */
export type TraceCaseOptions = {
  /** Builds the agent under test (a suite's `createAgent`), on the client it is given. */
  createAgent: NonNullable<RunEvalOptions['createAgent']>;
  /**
   * The model the run continues on once its requests leave the recording; without it, a case
   * whose request changed throws (it cannot be known offline).
   */
  live?: Gemini | undefined;
  /** Time limit of the offline replay. @defaultValue 120000 */
  timeoutMs?: number | undefined;
  streaming?: boolean | undefined;
  signal?: AbortSignal | undefined;
};

/** The tool calls an agent makes on a recorded case, and what it cost to learn them. */
export type CaseTrace = {
  caseId: string;
  toolCalls: TrajectoryCall[];
  /**
   * Whether a model was asked: `false` when every request the agent sent was the recorded one
   * (the recorded answers then decide the run, offline, for nothing).
   */
  live: boolean;
  /** Where the agent's requests first left the recording (then the run went live from there). */
  drift?: EvalDrift | undefined;
  /** Model calls sent to `live`. */
  liveCalls: number;
};

/**
 * The trajectory an agent takes on a recorded single-input case, offline when it can be: the
 * recorded model turns are served while the agent sends the recorded requests (the same prompt,
 * tools and history: the recorded answer is then the answer), and the run continues on `live`
 * from the first request that differs (`replayRun` up to it). What `gemloop eval bisect` runs at
 * each commit, so a commit that did not change what the model is asked costs nothing.
 * @throws GemloopError when the replay errs, or a request changed and no `live` model is given.
 */
export async function traceCase(evalCase: EvalCase, given: TraceCaseOptions): Promise<CaseTrace> {
  // Each option read once (attack23): read again after the replay, a getter could give the
  // offline run one `createAgent` or `streaming` and the live one another.
  const options = checkOptionsCopy(traceCaseKeys, given);
  let output: EvalRunOutput | undefined;
  const replay = await runEvalObserved(
    {
      cases: [evalCase],
      scorers: [],
      createAgent: options.createAgent,
      mode: 'replay',
      concurrency: 1,
      timeoutMs: options.timeoutMs,
      streaming: options.streaming,
      // The offline replay stops on it too: given to the live fork only, an interrupted bisect
      // waited for a replayed tool to finish.
      signal: options.signal,
    },
    (_case, _repeat, run) => {
      output = run;
    },
  );
  const attempt = replay.attempts[0];
  const calls = (run: EvalRunOutput): TrajectoryCall[] =>
    run.toolCalls.map(({ name, args }) => ({ name, args }));
  if (attempt?.status === 'pass' && output !== undefined) {
    return { caseId: evalCase.id, toolCalls: calls(output), live: false, liveCalls: 0 };
  }
  const drift = attempt?.drift;
  if (drift === undefined) {
    throw new GemloopError({
      message: `case '${evalCase.id}': the offline replay failed (${attempt?.error?.message ?? 'no run'}).`,
    });
  }
  if (options.live === undefined) {
    throw new GemloopError({
      message: `case '${evalCase.id}': ${drift.reason}, so the recording cannot answer it: give a live model (options.live; GEMINI_API_KEY for gemloop eval bisect) to continue the run from there.`,
    });
  }
  const fork = await replayRun(evalCase, {
    until: drift.call,
    continueOn: options.live,
    createAgent: (context) => options.createAgent({ ...context, mode: 'live' }),
    streaming: options.streaming,
    signal: options.signal,
  });
  return {
    caseId: evalCase.id,
    toolCalls: calls(toRunOutput([fork.result])),
    live: true,
    drift,
    liveCalls: fork.continuedCalls,
  };
}

// The keys of traceCase's options, each checked where it is used (runEval, replayRun): a misspelt
// `stream` ran the replay unary, a misspelt `signal` left it unstoppable (attack16).
const traceCaseKeys: DeclaredOptions<TraceCaseOptions> = defineOptions<TraceCaseOptions>({
  name: 'traceCase',
  example: '{ createAgent, live }',
  checks: {
    createAgent: checkedWhereUsed,
    live: checkedWhereUsed,
    timeoutMs: checkedWhereUsed,
    streaming: checkedWhereUsed,
    signal: checkedWhereUsed,
  },
});
