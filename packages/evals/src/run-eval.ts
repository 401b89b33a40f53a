import type { Gemini } from '@gemloop/core';
import { createGemini, InvalidArgumentError, version } from '@gemloop/core';
import {
  checkedWhereUsed,
  checkOptionsCopy,
  createSecretRedactor,
  type DeclaredOptions,
  defineOptions,
  nestedOption,
  type OptionCheck,
  redactKeyShapes,
} from '@gemloop/core/internal';
import { AttemptTimeout, evalSecrets, redactAttempt } from './attempt-error.ts';
import { checkEvalCases } from './check-eval-cases.ts';
import type { EvalCase } from './eval-case.ts';
import type { EvalAttempt, EvalResult } from './eval-result.ts';
import { EVAL_RESULT_FORMAT } from './eval-result.ts';
import { createEvalTelemetry } from './eval-telemetry.ts';
import { summarizeAttempts } from './report/summarize-attempts.ts';
import { type AttemptSettings, runAttempt, startTimer } from './run-attempt.ts';
import { type EvalBatchOptions, runBatchAttempts } from './run-batch-attempts.ts';
import type { RunEvalOptions } from './run-eval-options.ts';

/** The most attempts at once. */
export const MAX_EVAL_CONCURRENCY = 64;
/** The most repeats of a case. */
export const MAX_EVAL_REPEATS = 100;
/**
 * The defaults of {@link RunEvalOptions} that are one value, declared once: `defineEvalTests`
 * (which names its tests and sizes their hang guard with them) reads them here. @internal
 */
export const RUN_EVAL_DEFAULTS: {
  readonly mode: 'replay';
  readonly concurrency: number;
  readonly repeats: number;
  readonly name: string;
} = { mode: 'replay', concurrency: 4, repeats: 1, name: 'eval' };

/**
 * Runs every case (`repeats` times) against an agent made by `createAgent`, scores each run, and
 * returns the result (its `summary` has the pass rate a CI gate reads). A case that throws, times
 * out or is rate-limited is an `error` attempt; a replay that sent other requests than recorded is
 * a `drift` attempt; neither stops the other cases.
 */
export async function runEval(options: RunEvalOptions): Promise<EvalResult> {
  // Each option read once (attack20): read again after its check, a getter could give the check
  // `concurrency: 2` and the pool 1e9.
  return runEvalObserved(checkOptionsCopy(runEvalKeys, options), undefined);
}

// `live`: how the live client is made. Its fields are createGemini's (checked by it); declared so a
// misspelt one (`apikey`) is refused with the one meant instead of dropped (the client then read
// GEMINI_API_KEY in its place), and copied with the options: the key was read for the client and
// again for the report's redactor (attack23). runCanary's options hold the same. @internal
export const liveOption: OptionCheck = nestedOption(
  defineOptions<NonNullable<RunEvalOptions['live']>>({
    name: 'live',
    example: '{ apiKey, baseUrl } or { gemini }',
    checks: {
      apiKey: checkedWhereUsed,
      baseUrl: checkedWhereUsed,
      allowInsecureHttp: checkedWhereUsed,
      fetch: checkedWhereUsed,
      gemini: checkedWhereUsed,
    },
  }) as DeclaredOptions<unknown>,
);

// The keys of runEval's options, each checked where it is read (runEvalObserved, runAttempt): a
// misspelt one (`repeat`, `timeout`) was dropped without a word, from code (a suite file's keys
// are checked by defineEvalSuite: attack13; attack15).
const runEvalKeys: DeclaredOptions<RunEvalOptions> = defineOptions<RunEvalOptions>({
  name: 'runEval',
  example: '{ createAgent, cases, scorers }',
  checks: {
    createAgent: checkedWhereUsed,
    cases: checkedWhereUsed,
    scorers: checkedWhereUsed,
    mode: checkedWhereUsed,
    batch: checkedWhereUsed,
    live: liveOption,
    model: checkedWhereUsed,
    concurrency: checkedWhereUsed,
    repeats: checkedWhereUsed,
    timeoutMs: checkedWhereUsed,
    streaming: checkedWhereUsed,
    name: checkedWhereUsed,
    simulatedUser: checkedWhereUsed,
    onAttempt: checkedWhereUsed,
    onEvent: checkedWhereUsed,
    telemetry: checkedWhereUsed,
    now: checkedWhereUsed,
    signal: checkedWhereUsed,
  },
});

/**
 * {@link runEval}, with `onRun` given each finished run's output (its tool calls) before it is
 * scored: what `runCanary` and `traceCase` compare, which an attempt does not keep. @internal
 */
export async function runEvalObserved(
  options: RunEvalOptions,
  onRun: AttemptSettings['onRun'],
): Promise<EvalResult> {
  const mode = options.mode ?? RUN_EVAL_DEFAULTS.mode;
  const concurrency = checkCount(
    'concurrency',
    options.concurrency ?? RUN_EVAL_DEFAULTS.concurrency,
    MAX_EVAL_CONCURRENCY,
  );
  const repeats = checkCount(
    'repeats',
    options.repeats ?? RUN_EVAL_DEFAULTS.repeats,
    MAX_EVAL_REPEATS,
  );
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
  if (options.model !== undefined && (typeof options.model !== 'string' || options.model === ''))
    throw invalid(
      'model',
      `model must be a model name such as 'gemini-2.5-flash', got ${JSON.stringify(options.model)}.`,
    );
  if (mode === 'batch' && options.model !== undefined)
    throw invalid(
      'model',
      "mode 'batch' runs the model of batch: { model }; give it there, not as model.",
    );
  if (mode !== 'batch' && typeof options.createAgent !== 'function')
    throw invalid('createAgent', `mode '${mode}' needs createAgent: (context) => agent.`);
  // A case id names the case in the result, the JUnit report and compare, which groups attempts
  // by it: two cases under one id would be scored as one (a JSONL dataset is checked on parsing;
  // a TypeScript one only here, with the shape of each case).
  checkEvalCases(options.cases);
  // Read by every attempt after its run: missing, each attempt's model call was paid for, then
  // failed with `settings.scorers is not iterable` (attack61d).
  if (!Array.isArray(options.scorers)) {
    throw invalid(
      'scorers',
      'scorers must be a list of scorers (an empty list [] runs the cases unscored).',
    );
  }
  // No case would be a run that passes nothing and still reads as done (a pass rate of 0 under a
  // gate of 0, an empty JUnit report).
  if (options.cases.length === 0) {
    throw invalid(
      'cases',
      'cases is empty: give at least one case (a dataset made by gemloop eval from-runs is empty when no recorded run made a case).',
    );
  }
  const signal = options.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal))
    throw invalid('signal', 'signal must be an AbortSignal (new AbortController().signal).');
  signal?.throwIfAborted();
  const now = options.now ?? (() => performance.now());
  const jobs: { evalCase: EvalCase; repeat: number }[] = [];
  for (const evalCase of options.cases) {
    for (let repeat = 0; repeat < repeats; repeat++) jobs.push({ evalCase, repeat });
  }
  // A copy, made with the options' (liveOption): the key is read for the client and again for the
  // redactor, and a getter gave them different keys (attack23).
  const { live } = options;
  const apiKey = live?.apiKey;
  const liveGemini =
    mode === 'live' || mode === 'batch'
      ? (live?.gemini ??
        createGemini({
          apiKey,
          baseUrl: live?.baseUrl,
          allowInsecureHttp: live?.allowInsecureHttp,
          fetch: live?.fetch,
        }))
      : undefined;
  const name = options.name ?? RUN_EVAL_DEFAULTS.name;
  const emit = options.onEvent ?? (() => {});
  // The keys never reach a result, an event, a span or a report (see redactAttempt); nor a Google
  // key or OAuth token the eval never held, by its shape, as the client's errors (a tool output or
  // a recorded answer quoting another project's key reached the CI log, attack43a).
  const named = createSecretRedactor(evalSecrets(apiKey));
  const redact = (text: string): string => redactKeyShapes(named(text));
  // Every public package shares one version (one changeset `fixed` group): core's is evals'.
  const telemetry = createEvalTelemetry(options.telemetry?.tracerProvider, version);
  const attempts: EvalAttempt[] = new Array(jobs.length);
  let next = 0;
  let done = 0;
  const total = jobs.length;
  const worker = async (): Promise<void> => {
    // Once the signal aborts no case is started; the running ones abort with it (runAttempt).
    while (next < jobs.length && signal?.aborted !== true) {
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
              onRun,
              redact,
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
    // The caller's abort stops the job as its time limit does (the job is cancelled).
    const stop = (): void => controller.abort(signal?.reason);
    signal?.addEventListener('abort', stop, { once: true });
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
        redact,
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
      signal?.removeEventListener('abort', stop);
    }
  };
  const startedAt = new Date().toISOString();
  return telemetry.suite({ name, mode, cases: options.cases.length }, async () => {
    emit({ type: 'suite-start', name, mode, cases: options.cases.length, attempts: total });
    if (mode === 'batch') await batchWorker();
    else await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, worker));
    // Stopped: the attempts it has are not the eval asked for, and no gate may read them as one.
    signal?.throwIfAborted();
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

function checkCount(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw invalid(name, `${name} must be an integer from 1 to ${max}, got ${value}.`);
  }
  return value;
}

function invalid(argument: string, message: string): InvalidArgumentError {
  return new InvalidArgumentError({ argument, message: `runEval: ${message}` });
}
