import type { CallOptions } from '../http/call-options.ts';
import type { Gemini } from '../http/gemini.ts';
import type { Logger } from '../logging/logger.ts';
import type { ModelCapabilities } from '../models/model-capabilities.ts';
import type { AnyTool } from '../tools/tool.ts';
import type { RpcStatus } from '../wire/batch.ts';
import type { Content } from '../wire/content.ts';
import type { GenerationConfig } from '../wire/request.ts';

/** Options of {@link createBatchRuns}. */
export type BatchRunsOptions = {
  /** A client made by `createGemini` for Google's Gemini API. */
  gemini: Gemini;
  /** The model every run calls, e.g. `gemini-2.5-flash`. */
  model: string;
  /** The system instruction of every run. */
  instructions?: string | undefined;
  /** Function tools (run between rounds, in this process) and built-in tools (run by the API). */
  tools?: readonly AnyTool[] | undefined;
  generationConfig?: GenerationConfig | undefined;
  /** Model rounds per run; a run still calling tools after them fails. @defaultValue 10 */
  maxSteps?: number | undefined;
  /** Time between two polls of a batch. @defaultValue 30000 */
  pollIntervalMs?: number | undefined;
  /** The label of each round's batch (`<displayName>-round-<n>`). @defaultValue 'gemloop-batch-runs' */
  displayName?: string | undefined;
  /**
   * Overrides of the model-capabilities table, for models it does not know (gateway aliases), as
   * `createAgent`'s `capabilities`: e.g. `{ requiresThoughtSignatures: true }` gives an unsigned
   * function call of an input history the documented dummy signature, as the agent does.
   */
  capabilities?: Partial<ModelCapabilities> | undefined;
  /**
   * A pino-compatible logger, as `createAgent`'s `logger`: each round submitted and collected at
   * `debug`, a round whose batch job ended without answers at `warn`, under
   * `{ component: 'batch-runs', model }`; each tool gets it as its context's `logger`. A logger
   * that throws never fails a step. @defaultValue a silent logger
   */
  logger?: Logger | undefined;
};

/** One run of a batch job, as the saved state holds it. */
export type BatchRunState = {
  /** The run's key: its results line's key in every round. */
  key: string;
  status: 'running' | 'done' | 'failed';
  /** The history: the input, then each model turn as received and each tool turn. */
  contents: Content[];
  /** Model rounds answered. */
  steps: number;
  /** The last model turn's text, once done. */
  text?: string | undefined;
  /**
   * Why the run failed: a request error of the batch, a blocked answer, too many steps, or the
   * round's whole batch job ending without answers or losing them (then
   * {@link BatchRunState.batchJob} says how).
   */
  error?: string | undefined;
  /**
   * When the run failed because its round's batch job ended without answers (`FAILED`,
   * `CANCELLED`, `EXPIRED`: the data of the `BatchJobError` that `batches.results` threw, as JSON),
   * or succeeded with a responses file that can no longer be read (deleted, or kept no longer by the
   * API: the job's state, and the download's status and why in `error`).
   * The run's history is kept as it was before that round: {@link BatchRuns.retry} sends it again.
   */
  batchJob?: BatchRunJobFailure | undefined;
  /**
   * Tokens summed over the run's rounds, every count the bill reads: price them with
   * `costOf(run.usage, model, 'batch')` (batch calls are billed at half price). Thinking tokens
   * are billed as output, tool-use prompt tokens (a built-in tool's) as input. The last three are
   * absent from a state saved by gemloop 0.1.0, which did not count them.
   */
  usage: {
    promptTokenCount: number;
    candidatesTokenCount: number;
    totalTokenCount: number;
    thoughtsTokenCount?: number | undefined;
    toolUsePromptTokenCount?: number | undefined;
    cachedContentTokenCount?: number | undefined;
  };
};

/** How a round's batch job ended without answers: a `BatchJobError`'s data, as plain JSON. */
export type BatchRunJobFailure = {
  /** `batches/{id}`. */
  batchName: string;
  /** The job's state, e.g. `BATCH_STATE_FAILED`, `BATCH_STATE_CANCELLED`, `BATCH_STATE_EXPIRED`. */
  state: string | undefined;
  /**
   * The job's google.rpc.Status, when it gave one: its `code`, `status` and `message` (cut at
   * 1,000 characters; every run of the round holds a copy, so `details` are not kept).
   */
  error?: RpcStatus | undefined;
};

/** Options of {@link BatchRuns.retry}. */
export type BatchRunsRetryOptions = {
  /** The keys of the failed runs to send again. @defaultValue every failed run */
  keys?: readonly string[] | undefined;
};

/**
 * The whole job as plain JSON: save it after each `step` (a file, a database row) and pass it back
 * to `step` or `run` in a new process to go on where it stopped. A round submitted but not yet
 * collected is `pending`: resuming waits for that batch instead of submitting another.
 */
export type BatchRunsState = {
  version: 1;
  /** Rounds submitted so far. */
  round: number;
  runs: BatchRunState[];
  pending?: { batchName: string; keys: string[] } | undefined;
};

/** Options of {@link BatchRuns.step} and {@link BatchRuns.run}. */
export type BatchRunsStepOptions = Pick<CallOptions, 'signal'> & {
  /** Called with the state after each step (and before waiting on a new batch): persist it here. */
  onState?: ((state: BatchRunsState) => void | Promise<void>) | undefined;
  /**
   * `false`: a step with a pending round reads the batch once and, when it is not done yet,
   * returns the state unchanged instead of polling. For a durable workflow that runs each step as
   * a checkpointed step and sleeps durably between them (a DBOS `runStep`, then `DBOS.sleepms`),
   * so a job of days holds no process. @defaultValue true
   */
  wait?: boolean | undefined;
};

/**
 * Many independent agent runs in batch mode: each round of every running run is one line of one
 * batch (half the price of the same calls), the tools run here between rounds, and the job is a
 * JSON state you can save and resume. Made by {@link createBatchRuns}.
 */
export interface BatchRuns {
  /**
   * The state of a new job: one run per input (a prompt, or contents). Nothing is sent. A history
   * is checked as `agent.run()` checks it, and on a model that requires thought signatures
   * (Gemini 3) an unsigned function call gets the documented dummy as the agent gives it.
   */
  start(inputs: readonly (string | Content[])[]): BatchRunsState;
  /**
   * One step: submits the next round (a batch of every running run) when none is pending, else
   * waits for the pending one, appends each answer, and runs the tools it called (a pending job
   * that ended without answers fails its runs, see {@link BatchRunState.batchJob}). Returns the new
   * state (the given one is not changed).
   */
  step(state: BatchRunsState, options?: BatchRunsStepOptions): Promise<BatchRunsState>;
  /**
   * Steps until every run is done or failed. A round whose batch job ends without answers
   * (`FAILED`, `CANCELLED`, `EXPIRED`), or whose responses file is gone, fails its runs (`batchJob`
   * says how) rather than throwing, so
   * the saved state is never stuck on that round: {@link BatchRuns.retry} sends them again.
   */
  run(state: BatchRunsState, options?: BatchRunsStepOptions): Promise<BatchRunsState>;
  /**
   * A state where failed runs (every one, or those of `keys`) run again: status back to
   * `running`, `error` and `batchJob` cleared, history, steps and usage kept, so the next step sends
   * them in a new round. Nothing is sent; the given state is not changed.
   * @throws {@link InvalidArgumentError} when a key names no run, or a run that has not failed.
   */
  retry(state: BatchRunsState, options?: BatchRunsRetryOptions): BatchRunsState;
  /** Whether every run is done or failed. */
  isDone(state: BatchRunsState): boolean;
}
