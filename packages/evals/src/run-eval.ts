import type { Agent, AgentResult, Content, Gemini } from '@gemloop/core';
import { createGemini, GemloopError, InvalidArgumentError, version } from '@gemloop/core';
import { createChatSession, createMemoryHistoryStore } from '@gemloop/core/chat';
import { createSecretRedactor, MAX_TIMER_MS } from '@gemloop/core/internal';
import { silentLogger } from '@gemloop/core/logging';
import type { OtelTracerProvider } from '@gemloop/core/telemetry';
import { AttemptTimeout, describeError, evalSecrets, redactAttempt } from './attempt-error.ts';
import type { EvalCase } from './eval-case.ts';
import type { EvalEvent } from './eval-event.ts';
import type { EvalAttempt, EvalResult } from './eval-result.ts';
import { EVAL_RESULT_FORMAT } from './eval-result.ts';
import { createEvalTelemetry } from './eval-telemetry.ts';
import { findDrift } from './replay/find-drift.ts';
import { loadFake } from './replay/load-fake.ts';
import { summarizeAttempts } from './report/summarize-attempts.ts';
import { type EvalBatchOptions, runBatchAttempts } from './run-batch-attempts.ts';
import {
  checkScore,
  type EvalRunOutput,
  type EvalToolCall,
  type Score,
  type Scorer,
} from './scorer.ts';
import { firstDifference } from './scorers/deep-equal.ts';
import { nextSimulatedUserTurn } from './simulated-user.ts';

/** What the agent factory gets for each attempt. */
export type EvalAgentContext = {
  /** The client to build the agent on: the fake serving the recording (replay) or the API (live). */
  gemini: Gemini;
  evalCase: EvalCase;
  mode: 'replay' | 'live';
  /**
   * The recorded output of a tool call with these arguments, so a tool replays without running:
   * `{ found: true, output }`, or `{ found: false }` when the recording has no such call.
   */
  recordedToolOutput(
    name: string,
    args: unknown,
  ): { found: true; output: unknown } | { found: false };
};

/** Options of {@link runEval}. */
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
        fetch?: typeof globalThis.fetch | undefined;
        gemini?: Gemini | undefined;
      }
    | undefined;
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

/** The most attempts at once. */
export const MAX_EVAL_CONCURRENCY = 64;
/** The most repeats of a case. */
export const MAX_EVAL_REPEATS = 100;

/**
 * Runs every case (`repeats` times) against an agent made by `createAgent`, scores each run, and
 * returns the result (its `summary` has the pass rate a CI gate reads). A case that throws, times
 * out or is rate-limited is an `error` attempt; a replay that sent other requests than recorded is
 * a `drift` attempt; neither stops the other cases.
 */
export async function runEval(options: RunEvalOptions): Promise<EvalResult> {
  const mode = options.mode ?? 'replay';
  const concurrency = checkCount('concurrency', options.concurrency ?? 4, MAX_EVAL_CONCURRENCY);
  const repeats = checkCount('repeats', options.repeats ?? 1, MAX_EVAL_REPEATS);
  const timeoutMs = options.timeoutMs ?? (options.mode === 'batch' ? 172_800_000 : 120_000);
  if (!(timeoutMs > 0))
    throw invalid(
      'timeoutMs',
      `timeoutMs must be a positive number of milliseconds, got ${timeoutMs}.`,
    );
  if (mode !== 'replay' && mode !== 'live' && mode !== 'batch')
    throw invalid('mode', `mode must be 'replay', 'live' or 'batch', got '${String(mode)}'.`);
  if (mode === 'batch' && options.batch === undefined)
    throw invalid(
      'batch',
      "mode 'batch' needs batch: { model, instructions, tools } (what createBatchRuns of @gemloop/core/batch takes).",
    );
  if (mode !== 'batch' && typeof options.createAgent !== 'function')
    throw invalid('createAgent', `mode '${mode}' needs createAgent: (context) => agent.`);
  // A case id names the case in the result, the JUnit report and compare, which groups attempts
  // by it: two cases under one id would be scored as one (a JSONL dataset is checked on parsing;
  // a TypeScript one only here).
  const ids = new Set<string>();
  for (const evalCase of options.cases) {
    if (ids.has(evalCase.id)) {
      throw invalid(
        'cases',
        `the case id '${evalCase.id}' is used twice; give every case its own id (repeats runs one case several times).`,
      );
    }
    ids.add(evalCase.id);
  }
  const now = options.now ?? (() => performance.now());
  const jobs: { evalCase: EvalCase; repeat: number }[] = [];
  for (const evalCase of options.cases) {
    for (let repeat = 0; repeat < repeats; repeat++) jobs.push({ evalCase, repeat });
  }
  const liveGemini =
    mode === 'live' || mode === 'batch'
      ? (options.live?.gemini ??
        createGemini({
          apiKey: options.live?.apiKey,
          baseUrl: options.live?.baseUrl,
          fetch: options.live?.fetch,
        }))
      : undefined;
  const name = options.name ?? 'eval';
  const emit = options.onEvent ?? (() => {});
  // The keys never reach a result, an event, a span or a report (see redactAttempt).
  const redact = createSecretRedactor(evalSecrets(options.live?.apiKey));
  // Every public package shares one version (one changeset `fixed` group): core's is evals'.
  const telemetry = createEvalTelemetry(options.telemetry?.tracerProvider, version);
  const attempts: EvalAttempt[] = new Array(jobs.length);
  let next = 0;
  let done = 0;
  const total = jobs.length;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const index = next++;
      const job = jobs[index] as (typeof jobs)[number];
      emit({ type: 'case-start', caseId: job.evalCase.id, repeat: job.repeat, index, total });
      const attempt = await telemetry.attempt(
        { caseId: job.evalCase.id, repeat: job.repeat, tags: job.evalCase.tags ?? [] },
        async () =>
          redactAttempt(
            await runAttempt(job.evalCase, job.repeat, {
              ...options,
              createAgent: options.createAgent as AttemptSettings['createAgent'],
              mode: mode as 'replay' | 'live',
              timeoutMs,
              now,
              liveGemini,
            }),
            redact,
          ),
      );
      attempts[index] = attempt;
      done++;
      emit({ type: 'case-end', attempt, index, done, total });
      options.onAttempt?.(attempt, done, total);
    }
  };
  // Batch mode: one job for every attempt; each attempt's span and events span the whole job.
  const batchWorker = async (): Promise<void> => {
    const controller = new AbortController();
    const timer = startTimer(timeoutMs, () =>
      controller.abort(new AttemptTimeout(`the batch job took longer than ${timeoutMs} ms`)),
    );
    try {
      jobs.forEach((job, index) => {
        emit({ type: 'case-start', caseId: job.evalCase.id, repeat: job.repeat, index, total });
      });
      const all = runBatchAttempts(jobs, {
        gemini: liveGemini as Gemini,
        batch: options.batch as EvalBatchOptions,
        scorers: options.scorers,
        signal: controller.signal,
        now,
      });
      await Promise.all(
        jobs.map(async (job, index) => {
          const attempt = await telemetry.attempt(
            { caseId: job.evalCase.id, repeat: job.repeat, tags: job.evalCase.tags ?? [] },
            async () => redactAttempt((await all)[index] as EvalAttempt, redact),
          );
          attempts[index] = attempt;
          done++;
          emit({ type: 'case-end', attempt, index, done, total });
          options.onAttempt?.(attempt, done, total);
        }),
      );
    } finally {
      clearTimeout(timer);
    }
  };
  const startedAt = new Date().toISOString();
  return telemetry.suite({ name, mode, cases: options.cases.length }, async () => {
    emit({ type: 'suite-start', name, mode, cases: options.cases.length, attempts: total });
    if (mode === 'batch') await batchWorker();
    else await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
    const result: EvalResult = {
      format: 'gemloop-eval',
      version: EVAL_RESULT_FORMAT,
      name,
      mode,
      startedAt,
      attempts,
      summary: summarizeAttempts(attempts),
    };
    telemetry.summarize(result);
    emit({ type: 'suite-end', result });
    return result;
  });
}

type AttemptSettings = RunEvalOptions & {
  createAgent: NonNullable<RunEvalOptions['createAgent']>;
  mode: 'replay' | 'live';
  timeoutMs: number;
  now: () => number;
  liveGemini: Gemini | undefined;
};

async function runAttempt(
  evalCase: EvalCase,
  repeat: number,
  settings: AttemptSettings,
): Promise<EvalAttempt> {
  const started = settings.now();
  const base = {
    caseId: evalCase.id,
    repeat,
    tags: evalCase.tags ?? [],
    ...(evalCase.runFile === undefined ? {} : { runFile: evalCase.runFile }),
  };
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = startTimer(settings.timeoutMs, () => {
      const error = new AttemptTimeout(`the case took longer than ${settings.timeoutMs} ms`);
      controller.abort(error);
      reject(error);
    });
  });
  let fake: Awaited<ReturnType<typeof startReplay>> | undefined;
  let results: AgentResult<unknown>[] = [];
  try {
    const work = async (): Promise<{ scores: Score[]; output: EvalRunOutput }> => {
      let gemini: Gemini;
      if (settings.mode === 'replay') {
        fake = await startReplay(evalCase);
        gemini = fake.gemini;
      } else {
        gemini = settings.liveGemini as Gemini;
      }
      const agent = await settings.createAgent({
        gemini,
        evalCase,
        mode: settings.mode,
        recordedToolOutput: (name, args) => recordedToolOutput(evalCase, name, args),
      });
      results = await drive(
        agent,
        evalCase,
        controller.signal,
        settings.streaming === true,
        settings.simulatedUser,
      );
      const output = toRunOutput(results);
      const scores: Score[] = [];
      for (const scorer of settings.scorers) {
        const score = checkScore(
          scorer,
          await scorer.score({ evalCase, run: output, signal: controller.signal }),
        );
        if (score !== undefined) scores.push(score);
      }
      return { scores, output };
    };
    const { scores, output } = await Promise.race([work(), timedOut]);
    const drift = fake?.drift();
    const usage = totals(results);
    return {
      ...base,
      status: drift !== undefined ? 'drift' : scores.every((score) => score.pass) ? 'pass' : 'fail',
      scores,
      text: output.text,
      ...(drift === undefined ? {} : { drift }),
      ...usage,
      latencyMs: settings.now() - started,
    };
  } catch (error) {
    controller.abort(error);
    // A replay whose agent went off the recording fails on the fake's exhausted script: that is
    // drift, said as such, not an error.
    const drift = fake?.drift();
    const usage = totals(results);
    return {
      ...base,
      status: drift !== undefined ? 'drift' : 'error',
      scores: [],
      text: '',
      ...(drift === undefined ? { error: describeError(error) } : { drift }),
      ...usage,
      latencyMs: settings.now() - started,
    };
  } finally {
    clearTimeout(timer);
  }
}

async function startReplay(
  evalCase: EvalCase,
): Promise<{ gemini: Gemini; drift: () => ReturnType<typeof findDrift> }> {
  const fixtures = evalCase.fixtures;
  if (fixtures === undefined || fixtures.modelResponses.length === 0) {
    throw new GemloopError({
      message: `case '${evalCase.id}' has no recorded model turns (fixtures.modelResponses) to replay: make it with 'gemloop eval from-runs', or run it live.`,
    });
  }
  const { createFakeGemini } = await loadFake();
  const fake = createFakeGemini({
    // Each recorded answer goes back as it was (`raw`): the model's words, calls and their ids.
    script: fixtures.modelResponses.map((response) => ({ raw: response })),
    models: 'pattern',
    // Recorded signatures are shortened by the recorder; the fake cannot have issued them.
    signatureValidation: 'off',
  });
  const gemini = createGemini({ apiKey: 'replay', fetch: fake.fetch, retry: false });
  const recorded = fixtures.requests;
  return {
    gemini,
    drift: () =>
      recorded === undefined
        ? fake.modelRequests.length > fixtures.modelResponses.length
          ? findDrift(
              fixtures.modelResponses,
              fake.modelRequests.map((r) => r.body),
            )
          : undefined
        : findDrift(
            recorded,
            fake.modelRequests.map((request) => request.body),
          ),
  };
}

async function drive(
  agent: Agent<unknown>,
  evalCase: EvalCase,
  signal: AbortSignal,
  streaming: boolean,
  simulatedUser: RunEvalOptions['simulatedUser'],
): Promise<AgentResult<unknown>[]> {
  const spec = evalCase.simulatedUser;
  if (spec === undefined && evalCase.conversation === undefined) {
    // A single input: one run on the case's history, as an app calls the agent.
    const input = evalCase.input ?? '';
    const added: Content[] =
      typeof input === 'string' ? [{ role: 'user', parts: [{ text: input }] }] : input;
    const contents = [...(evalCase.history ?? []), ...added];
    return [
      streaming
        ? await agent.stream(contents, { signal }).result
        : await agent.run(contents, { signal }),
    ];
  }
  // A conversation goes through a real chat session, turn by turn, as an app's chat does: its
  // stored history (the case's history seeded as the first turn), its limits, its saves.
  const store = createMemoryHistoryStore();
  const sessionId = `eval-${evalCase.id}`;
  if (evalCase.history !== undefined && evalCase.history.length > 0) {
    await store.append(sessionId, { contents: [...evalCase.history] }, { logger: silentLogger });
  }
  const chat = createChatSession({ agent, store, id: sessionId });
  const send = async (message: string): Promise<AgentResult<unknown>> =>
    streaming
      ? await chat.sendStream(message, { signal }).result
      : await chat.send(message, { signal });
  const results: AgentResult<unknown>[] = [];
  if (spec !== undefined) {
    if (simulatedUser === undefined) {
      throw new InvalidArgumentError({
        argument: 'simulatedUser',
        message: `case '${evalCase.id}' has a simulated user: give runEval({ simulatedUser: { gemini, model } }), the model that plays it.`,
      });
    }
    const transcript: { role: 'user' | 'agent'; text: string }[] = [];
    const maxTurns = spec.maxTurns ?? 5;
    for (let turn = 0; turn < maxTurns; turn++) {
      let message: string;
      if (turn === 0 && spec.firstMessage !== undefined) {
        message = spec.firstMessage;
      } else {
        const next = await nextSimulatedUserTurn({
          gemini: simulatedUser.gemini,
          model: simulatedUser.model ?? 'gemini-3-flash-preview',
          spec,
          transcript,
          signal,
        });
        if (next.done) break;
        message = next.message;
      }
      transcript.push({ role: 'user', text: message });
      const result = await send(message);
      results.push(result);
      transcript.push({ role: 'agent', text: result.text });
    }
    return results;
  }
  for (const turn of evalCase.conversation ?? []) results.push(await send(turn));
  return results;
}

function toRunOutput(results: readonly AgentResult<unknown>[]): EvalRunOutput {
  const toolCalls: EvalToolCall[] = results.flatMap((result) =>
    result.steps.flatMap((step) =>
      step.toolCalls.map((call) => ({
        name: call.toolName,
        args: call.rawArgs,
        outcome: call.outcome,
        ...(call.outcome === 'success' ? { output: call.output } : {}),
        ...(call.error === undefined ? {} : { error: call.error }),
      })),
    ),
  );
  const last = results.at(-1);
  return {
    text: last?.text ?? '',
    turns: results.map((result) => result.text),
    output: last?.output,
    toolCalls,
  };
}

function totals(results: readonly AgentResult<unknown>[]): {
  totalTokens: number;
  costUsd: string | null;
} {
  let totalTokens = 0;
  let cost: number | null = 0;
  for (const result of results) {
    totalTokens += result.usage.totalTokenCount;
    cost = cost === null || result.cost.total === null ? null : cost + Number(result.cost.total);
  }
  return { totalTokens, costUsd: cost === null ? null : String(cost) };
}

function recordedToolOutput(
  evalCase: EvalCase,
  name: string,
  args: unknown,
): { found: true; output: unknown } | { found: false } {
  const match = evalCase.fixtures?.toolResults?.find(
    (result) => result.name === name && firstDifference(result.args, args) === undefined,
  );
  return match === undefined ? { found: false } : { found: true, output: match.output };
}

/**
 * A timer of `ms`, or none past {@link MAX_TIMER_MS}: Node runs a longer timer after 1 ms (with a
 * TimeoutOverflowWarning), which timed out every attempt of `timeoutMs: Infinity`.
 */
function startTimer(ms: number, fire: () => void): ReturnType<typeof setTimeout> | undefined {
  return ms > MAX_TIMER_MS ? undefined : setTimeout(fire, ms);
}

function checkCount(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw invalid(name, `${name} must be an integer from 1 to ${max}, got ${value}.`);
  }
  return value;
}

function invalid(argument: string, message: string): InvalidArgumentError {
  return new InvalidArgumentError({ argument, message: `runEval: ${message}` });
}
