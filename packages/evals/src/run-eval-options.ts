import type { Agent, Gemini } from '@gemloop/core';
import type { OtelTracerProvider } from '@gemloop/core/telemetry';
import type { EvalCase } from './eval-case.ts';
import type { EvalEvent } from './eval-event.ts';
import type { EvalAttempt } from './eval-result.ts';
import type { EvalBatchOptions } from './run-batch-attempts.ts';
import type { Scorer } from './scorer.ts';

/** What the agent factory gets for each attempt. */
export type EvalAgentContext = {
  /** The client to build the agent on: the fake serving the recording (replay) or the API (live). */
  gemini: Gemini;
  evalCase: EvalCase;
  mode: 'replay' | 'live';
  /**
   * The model to build the agent on, when the caller chose one (`runEval({ model })`, each side
   * of `runCanary`); an agent built on another model is refused. `undefined`: the agent's own.
   */
  model?: string | undefined;
  /**
   * The recorded output of a tool call with these arguments, so a tool replays without running:
   * `{ found: true, output }`, or `{ found: false }` when the recording has no such call.
   */
  recordedToolOutput(
    name: string,
    args: unknown,
  ): { found: true; output: unknown } | { found: false };
};

/** Options of `runEval`. */
export type RunEvalOptions = {
  /**
   * Builds the agent for one attempt on the client it is given (a fresh agent per attempt).
   * Needed in `replay` and `live` modes; `batch` mode takes `batch` instead.
   */
  createAgent?:
    | ((context: EvalAgentContext) => Agent<unknown> | Promise<Agent<unknown>>)
    | undefined;
  cases: readonly EvalCase[];
  scorers: readonly Scorer[];
  /**
   * `replay`: each case's recorded model turns are served by the fake, and a request that
   * differs from the recorded one is drift. `live`: the agent talks to the API (`live`). `batch`:
   * every single-input case is one run of one Batch API job (`batch`: the model, instructions and
   * tools, as `createBatchRuns` of `@gemloop/core/batch` takes them), at the batch price, on the
   * `live` client; for a run that need not be interactive (answered within 48 hours). A
   * conversation case is an error attempt in this mode.
   * @defaultValue `'replay'`
   */
  mode?: 'replay' | 'live' | 'batch' | undefined;
  /** The agent of `batch` mode (see `mode`). */
  batch?: EvalBatchOptions | undefined;
  /** How the live client is made (its retries and rate limits are the client's). */
  live?:
    | {
        apiKey?: string | undefined;
        baseUrl?: string | undefined;
        /** createGemini's `allowInsecureHttp`: an `http://` `baseUrl` on a host that is not loopback. */
        allowInsecureHttp?: boolean | undefined;
        fetch?: typeof globalThis.fetch | undefined;
        gemini?: Gemini | undefined;
      }
    | undefined;
  /**
   * The model every attempt's agent is built on: `createAgent` gets it as `context.model`, and an
   * attempt whose agent runs another model is an error (a canary that compared one model with
   * itself would pass whatever the upgrade does). @defaultValue the agent's own
   */
  model?: string | undefined;
  /** Attempts at once. @defaultValue 4 */
  concurrency?: number | undefined;
  /** Attempts per case (for models that do not answer the same twice). @defaultValue 1 */
  repeats?: number | undefined;
  /**
   * Time limit of one attempt, scoring included; in `batch` mode, of the whole job. A limit past
   * the longest timer (2147483647 ms, about 24.8 days), `Infinity` included, is no limit.
   * @defaultValue 120000 (`batch`: 172800000, the Batch API's 48 hours)
   */
  timeoutMs?: number | undefined;
  /** Runs with `agent.stream()` rather than `agent.run()`. @defaultValue false */
  streaming?: boolean | undefined;
  /** Names the eval run in its result. @defaultValue `'eval'` */
  name?: string | undefined;
  /**
   * The model that plays a case's simulated user (`EvalCase.simulatedUser`), live in both modes
   * (a replay replays the agent's turns, not the user's). @defaultValue none: such a case errors
   */
  simulatedUser?: { gemini: Gemini; model?: string | undefined } | undefined;
  /**
   * Stops the eval: no case is started once it aborts, the running ones are aborted (their
   * agents' runs and scorers get the abort), a batch job is cancelled, and `runEval` rejects with
   * the signal's reason. What `gemloop eval` aborts on Ctrl-C.
   */
  signal?: AbortSignal | undefined;
  /** Called after each attempt, for progress. */
  onAttempt?: ((attempt: EvalAttempt, done: number, total: number) => void) | undefined;
  /**
   * Gets the run's events as they happen: `suite-start`, each attempt's `case-start` and
   * `case-end` (with its status and every score and reason), `suite-end` with the result (see
   * {@link EvalEvent}). Called synchronously; a listener that throws ends `runEval` with its error.
   */
  onEvent?: ((event: EvalEvent) => void) | undefined;
  /**
   * OpenTelemetry: a `gemloop.eval` span around the run and a `gemloop.eval.case` span around each
   * attempt (its status, scores, drift, tokens, cost, latency as attributes), each active while
   * its work runs, so the agent's own run spans nest under their case wherever a context manager
   * is registered (the Node SDK registers one). @defaultValue no spans
   */
  telemetry?: { tracerProvider: OtelTracerProvider } | undefined;
  /** The clock of latencies (ms). @defaultValue `performance.now` */
  now?: (() => number) | undefined;
};
