import { modelOptions } from '../agent/config/options/model.ts';
import { DEFAULT_MAX_STEPS } from '../agent/config/options/steps.ts';
import { addAgentUsage, emptyUsage, toAgentUsage } from '../agent/usage.ts';
import { BatchJobError } from '../errors/files-and-batches/batch-job-error.ts';
import { FileNotFoundError } from '../errors/files-and-batches/file-not-found-error.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { Batches } from '../http/batches/batches.ts';
import { createBatches } from '../http/batches/create-batches.ts';
import { isDone } from '../http/batches/is-done.ts';
import type { BatchResult } from '../http/gemini.ts';
import { modelCallEntryOf } from '../http/model-call-entry.ts';
import { checkLogger } from '../logging/check-logger.ts';
import { isLevelEnabled } from '../logging/logger.ts';
import { getModelCapabilities } from '../models/model-capabilities.ts';
import {
  arrayOption,
  checkedWhereUsed,
  checkOptionsCopy,
  type DeclaredOptions,
  defineOptions,
  objectOption,
  required,
  stringOption,
  withDefaults,
} from '../options/define-options.ts';
import type { AgentUsage } from '../run/agent-result.ts';
import { startSchemaLoads } from '../tools/define/preload-tool-schemas.ts';
import type { BatchJob, RpcStatus } from '../wire/batch.ts';
import type { FunctionCall } from '../wire/content.ts';
import type { Tool as WireTool } from '../wire/request.ts';
import type {
  BatchRunJobFailure,
  BatchRunState,
  BatchRuns,
  BatchRunsOptions,
  BatchRunsState,
  BatchRunsStepOptions,
} from './batch-runs.ts';
import { historyProblems, toBatchContents } from './check-batch-input.ts';
import { executeBatchTools, functionTools } from './execute-batch-tools.ts';

/**
 * The defaults of {@link BatchRunsOptions}, declared once (the test holds their TSDoc to them);
 * `maxSteps` is the agent's. @internal
 */
export const BATCH_RUNS_DEFAULTS: {
  readonly maxSteps: number;
  readonly pollIntervalMs: number;
  readonly displayName: string;
} = {
  maxSteps: DEFAULT_MAX_STEPS,
  pollIntervalMs: 30_000,
  displayName: 'gemloop-batch-runs',
};
/** Runs at most per job: one line each per round, well under a batch file's 2 GB. */
const MAX_RUNS = 100_000;

/** Characters kept of an error message a run holds: each of up to 100,000 runs keeps a copy. */
const MAX_MESSAGE_CHARS = 1000;

// Unknown keys refused: a misspelt `pollInterval` left the 30 s default without a word (attack13).
const batchRunsOptions: DeclaredOptions<BatchRunsOptions> = defineOptions<BatchRunsOptions>({
  name: 'createBatchRuns',
  example: "{ gemini, model: 'gemini-2.5-flash', tools: [getWeather] }",
  checks: {
    gemini: required(
      objectOption('createBatchRuns needs { gemini }: the client made by createGemini.'),
    ),
    model: required(stringOption({ nonEmpty: true })),
    instructions: checkedWhereUsed,
    tools: arrayOption({
      message: 'tools must be an array of tools (defineTool, googleSearch()).',
    }),
    generationConfig: objectOption(
      'generationConfig must be an object such as { temperature: 0.2 }.',
    ),
    maxSteps: checkedWhereUsed,
    pollIntervalMs: checkedWhereUsed,
    displayName: checkedWhereUsed,
    // createAgent's own check and words (agent/config/options/model.ts), declared there once.
    capabilities: modelOptions.checks.capabilities,
    // Checked by checkLogger where it is read, as createAgent's is.
    logger: checkedWhereUsed,
  },
});

/**
 * Runs many independent agent runs in batch mode (the Batch API: half price, answered within
 * 48 hours). Each round sends one batch with one line per running run (its history so far); when
 * it is done, each answer is appended, the function calls it made are run here, and the runs
 * still calling tools go into the next round. The job is a JSON state ({@link BatchRunsState}):
 * save it from `onState` and pass it back after a restart, and a pending round is waited for, not
 * sent again.
 *
 * As `@ai-sdk/google` 4.0.121 runs tool calls through batches (google-batch.ts): one model call
 * per line, tools between batches. Function tools run in this process; built-in tools (Google
 * Search, code execution) run on the API's side within the line.
 *
 * @example
 * ```ts
 * const runs = createBatchRuns({ gemini, model: 'gemini-2.5-flash', tools: [getWeather] });
 * const done = await runs.run(runs.start(['Weather in Paris?', 'In Rome?']), {
 *   onState: (state) => writeFile('job.json', JSON.stringify(state)),
 * });
 * for (const run of done.runs) console.log(run.key, run.status, run.text);
 * ```
 */
export function createBatchRuns(given: BatchRunsOptions): BatchRuns {
  // Each option read once (attack23): checked and then read again, `model` or `tools` could be
  // one value to the check and another to the batches.
  const options = checkOptionsCopy(batchRunsOptions, given);
  const { gemini, model, instructions, tools = [], generationConfig, capabilities } = options;
  const logger = checkLogger(options.logger, 'logger').child({ component: 'batch-runs', model });
  const { maxSteps, pollIntervalMs, displayName } = withDefaults(BATCH_RUNS_DEFAULTS, options);
  const batches: Batches = createBatches(gemini);
  if (!Number.isInteger(maxSteps) || maxSteps < 1) {
    throw new InvalidArgumentError({
      argument: 'maxSteps',
      message: 'maxSteps must be an integer >= 1.',
    });
  }
  const byName = functionTools(tools);
  const wireTools: WireTool[] = [];
  const declarations = [...byName.values()].map((tool) => tool.declaration);
  if (declarations.length > 0) wireTools.push({ functionDeclarations: declarations });
  for (const tool of tools) if (tool.kind === 'builtin') wireTools.push(tool.tool);
  // The Gemini API takes fileData in a user turn only, Vertex in function responses too.
  const fileDataInResponses = gemini.platform !== 'gemini-api';
  // Scrubs the client's keys from what the tools throw (read once, as the agent reads it).
  const { redact } = modelCallEntryOf(gemini);
  // As the agent decides it (with its `capabilities` overrides): whether input histories get the
  // dummy signature where Gemini 3 requires one.
  const { requiresThoughtSignatures } = getModelCapabilities(model, capabilities);

  async function submit(
    state: BatchRunsState,
    step: BatchRunsStepOptions,
  ): Promise<BatchRunsState> {
    const running = state.runs.filter((run) => run.status === 'running');
    if (running.length === 0) return state;
    const round = state.round + 1;
    const job = await (batches as Batches).create(
      {
        model,
        displayName: `${displayName}-round-${round}`.slice(0, 512),
        requests: running.map((run) => ({
          key: run.key,
          request: {
            contents: run.contents,
            ...(instructions === undefined ? {} : { systemInstruction: instructions }),
            ...(wireTools.length === 0 ? {} : { tools: wireTools }),
            ...(generationConfig === undefined ? {} : { generationConfig }),
          },
        })),
      },
      { signal: step.signal },
    );
    logger.debug({ round, batchName: job.name, runs: running.length }, 'batch round submitted');
    return {
      ...state,
      round,
      pending: { batchName: job.name, keys: running.map((run) => run.key) },
    };
  }

  async function collect(
    state: BatchRunsState,
    step: BatchRunsStepOptions,
  ): Promise<BatchRunsState> {
    const pending = state.pending as NonNullable<BatchRunsState['pending']>;
    const done =
      step.wait === false
        ? await (batches as Batches).get(pending.batchName, { signal: step.signal })
        : await (batches as Batches).wait(pending.batchName, {
            pollIntervalMs,
            signal: step.signal,
          });
    if (!isDone(done)) return state;
    let results: BatchResult[];
    try {
      results = await (batches as Batches).results(done, {
        keys: pending.keys,
        signal: step.signal,
      });
    } catch (error) {
      // A job that ended without answers (FAILED, CANCELLED, EXPIRED) fails its runs, as a failed
      // line fails its run: thrown, it left the state pending on that job, so every later step
      // (and every restart from the saved state) threw the same error again, forever. Resending
      // on our own could loop on a job that always fails, or undo a cancel: `retry` is the
      // caller's choice.
      if (BatchJobError.isInstance(error)) {
        logger.warn(
          { round: state.round, batchName: pending.batchName, state: error.state },
          'batch round ended without answers',
        );
        return failRound(state, pending.keys, jobFailure(error));
      }
      // The job succeeded but its responses file is gone (Google deletes it after a while, or
      // someone did): thrown, the state stayed pending on it and every step threw again. The
      // answers cannot come back, so the round's runs fail as for a failed job.
      if (FileNotFoundError.isInstance(error)) {
        logger.warn(
          { round: state.round, batchName: pending.batchName },
          "batch round's responses file is gone",
        );
        return failRound(state, pending.keys, goneFileFailure(done, error));
      }
      throw error;
    }
    const byKey = new Map<string, BatchResult[]>();
    for (const result of results) {
      const same = byKey.get(result.key);
      if (same === undefined) byKey.set(result.key, [result]);
      else same.push(result);
    }
    const signal = step.signal ?? new AbortController().signal;
    // A Set: `keys.includes` for each run took 13 s of blocked event loop at 100,000 runs.
    const inRound = new Set(pending.keys);
    const runs = await Promise.all(
      state.runs.map((run) => {
        if (!inRound.has(run.key)) return run;
        const answers = byKey.get(run.key) ?? [];
        // One line per request is what Google writes. A key answered twice (a broken file, a
        // gateway's) would have the last line silently win, in an order Google does not promise:
        // the run fails as for any malformed line, and retry sends it again.
        if (answers.length > 1) {
          const error = `the batch gave ${answers.length} answers for this run (key ${run.key}), so none is kept: which one is the model turn is not known`;
          return answer(run, { key: run.key, index: undefined, error: { message: error } }, signal);
        }
        return answer(run, answers[0], signal);
      }),
    );
    if (isLevelEnabled(logger, 'debug')) {
      let running = 0;
      let failed = 0;
      for (const run of runs) {
        if (run.status === 'running') running++;
        else if (run.status === 'failed') failed++;
      }
      logger.debug(
        { round: state.round, batchName: pending.batchName, running, failed },
        'batch round collected',
      );
    }
    return { version: 1, round: state.round, runs };
  }

  async function answer(
    run: BatchRunState,
    result: BatchResult | undefined,
    signal: AbortSignal,
  ): Promise<BatchRunState> {
    // Every count the bill reads (a state saved by 0.1.0 lacks the thinking, tool-use and cached
    // ones): without thinking tokens, billed as output, `costOf(run.usage)` is silently too low.
    // addAgentUsage reads a missing count as 0.
    const usage = emptyUsage();
    addAgentUsage(usage, run.usage as AgentUsage);
    const next: BatchRunState = {
      ...run,
      contents: [...run.contents],
      steps: run.steps + 1,
      usage,
    };
    if (result === undefined || result.error !== undefined || result.response === undefined) {
      return { ...next, status: 'failed', error: lineError(result?.error?.message) };
    }
    addAgentUsage(usage, toAgentUsage(result.response.usageMetadata));
    const candidate = result.response.candidates?.[0] ?? undefined;
    const content = candidate?.content ?? undefined;
    // `== null`: proto3 JSON may write an absent field as null.
    if (content === undefined || content.parts == null || content.parts.length === 0) {
      const reason =
        candidate?.finishReason ?? result.response.promptFeedback?.blockReason ?? 'no candidate';
      return { ...next, status: 'failed', error: `the model gave no content (${reason})` };
    }
    // The model turn as received (thought signatures included), as the agent keeps it.
    next.contents.push({ ...content, role: 'model', parts: content.parts });
    const calls = content.parts.flatMap((part) =>
      part.functionCall == null ? [] : [part.functionCall as FunctionCall],
    );
    if (calls.length === 0) {
      const text = content.parts
        .flatMap((part) =>
          typeof part.text === 'string' && part.thought !== true ? [part.text] : [],
        )
        .join('');
      return { ...next, status: 'done', text };
    }
    if (next.steps >= maxSteps) {
      return {
        ...next,
        status: 'failed',
        error: `still calling tools after maxSteps (${maxSteps}) rounds`,
      };
    }
    next.contents.push(
      await executeBatchTools({
        calls,
        tools: byName,
        contents: next.contents,
        step: next.steps,
        key: run.key,
        signal,
        fileDataInResponses,
        redact,
        logger,
      }),
    );
    return next;
  }

  const runs: BatchRuns = {
    start(inputs) {
      if (!Array.isArray(inputs) || inputs.length === 0 || inputs.length > MAX_RUNS) {
        throw new InvalidArgumentError({
          argument: 'inputs',
          message: `start takes a non-empty array of up to ${MAX_RUNS} prompts (strings) or contents.`,
        });
      }
      return {
        version: 1,
        round: 0,
        runs: inputs.map((input, index) => ({
          key: `run-${index}`,
          status: 'running',
          contents: toBatchContents(input, index, { requiresThoughtSignatures }),
          steps: 0,
          usage: emptyUsage(),
        })),
      };
    },

    async step(state, step = {}) {
      checkState(state);
      // A copy through JSON: the state stays plain data, and the caller's object is never changed.
      const copy = JSON.parse(JSON.stringify(state)) as BatchRunsState;
      // What the tools' schemas need before parseArgs works (the pattern analysis; off Node a
      // validator), awaited as a run's first step awaits it: a tool whose pattern can backtrack
      // super-linearly fails the step (UnsafePatternError) before a batch is sent or collected.
      await Promise.all(startSchemaLoads(byName.values()));
      const next =
        copy.pending === undefined ? await submit(copy, step) : await collect(copy, step);
      await step.onState?.(next);
      return next;
    },

    async run(state, step = {}) {
      let current = state;
      while (!runs.isDone(current)) current = await runs.step(current, step);
      return current;
    },

    retry(state, options = {}) {
      checkState(state);
      const copy = JSON.parse(JSON.stringify(state)) as BatchRunsState;
      const keys =
        options.keys ?? copy.runs.flatMap((run) => (run.status === 'failed' ? [run.key] : []));
      if (!Array.isArray(keys) || !keys.every((key) => typeof key === 'string')) {
        throw new InvalidArgumentError({
          argument: 'options.keys',
          message: 'options.keys must be the keys (strings) of the failed runs to send again.',
        });
      }
      const byKey = new Map(copy.runs.map((run) => [run.key, run]));
      for (const key of keys) {
        const run = byKey.get(key);
        if (run === undefined || run.status !== 'failed') {
          throw new InvalidArgumentError({
            argument: 'options.keys',
            message:
              run === undefined
                ? `retry: the state has no run ${JSON.stringify(key).slice(0, 200)}; pass keys of its failed runs.`
                : `retry: ${key} is ${run.status}; only a failed run is sent again.`,
          });
        }
      }
      const again = new Set(keys);
      return {
        ...copy,
        runs: copy.runs.map((run) => {
          if (!again.has(run.key)) return run;
          const { error: _error, batchJob: _batchJob, ...rest } = run;
          return { ...rest, status: 'running' };
        }),
      };
    },

    isDone(state) {
      return state.pending === undefined && state.runs.every((run) => run.status !== 'running');
    },
  };
  return runs;
}

/**
 * A line's error message as the run's `error`: text, cut at {@link MAX_MESSAGE_CHARS} as a failed job's is
 * (the line is the gateway's bytes: an object there became the run's `error`, and each of up to
 * 100,000 runs held a copy of whatever length it sent).
 */
function lineError(message: unknown): string {
  if (typeof message !== 'string' || message === '') {
    return message === undefined
      ? 'the batch gave no answer for this run'
      : "the batch's line for this run is an error without a message (text)";
  }
  return message.length <= MAX_MESSAGE_CHARS
    ? message
    : `${message.slice(0, MAX_MESSAGE_CHARS)}… (cut)`;
}

/** Why a round's runs failed as one: what each run's `error` and `batchJob` say. */
type RoundFailure = { message: string; batchJob: BatchRunJobFailure };

/** A job that ended without answers (`FAILED`, `CANCELLED`, `EXPIRED`), as its runs report it. */
function jobFailure(error: BatchJobError): RoundFailure {
  const batchJob: BatchRunJobFailure = { batchName: error.batchName, state: error.state };
  const status = error.error;
  if (status !== undefined && status !== null && typeof status === 'object') {
    // Bounded, as BatchJobError's message: each of up to 100,000 runs holds a copy in the state.
    const kept: RpcStatus = {};
    if (typeof status.code === 'number') kept.code = status.code;
    if (typeof status.status === 'string') kept.status = status.status.slice(0, 100);
    if (typeof status.message === 'string')
      kept.message = status.message.slice(0, MAX_MESSAGE_CHARS);
    batchJob.error = kept;
  }
  return { message: error.message, batchJob };
}

/** A job that succeeded but whose responses file can no longer be read (deleted, expired). */
function goneFileFailure(job: BatchJob, error: FileNotFoundError): RoundFailure {
  const message =
    `The batch job ${job.name} succeeded, but its responses file ${error.fileName} can no longer ` +
    `be read (HTTP ${error.status ?? 'status unknown'}: deleted, or past the time the API keeps it), ` +
    'so its answers are lost.';
  return {
    message,
    batchJob: {
      batchName: job.name,
      state: job.metadata?.state,
      error:
        error.status === undefined
          ? { message: message.slice(0, MAX_MESSAGE_CHARS) }
          : { code: error.status, message: message.slice(0, MAX_MESSAGE_CHARS) },
    },
  };
}

/**
 * The state after a round that gave no answers (its job ended without them, or its responses
 * file is gone): its runs failed with why, their history and steps as before the round (nothing
 * was answered), and nothing pending.
 */
function failRound(
  state: BatchRunsState,
  keys: readonly string[],
  { message, batchJob }: RoundFailure,
): BatchRunsState {
  const error = `${message} The run's history is kept: runs.retry(state) sends it again in a new round.`;
  const failed = new Set(keys);
  return {
    version: 1,
    round: state.round,
    runs: state.runs.map((run) =>
      failed.has(run.key) ? { ...run, status: 'failed', error, batchJob } : run,
    ),
  };
}

function checkState(state: BatchRunsState): void {
  if (
    typeof state !== 'object' ||
    state === null ||
    state.version !== 1 ||
    !Array.isArray(state.runs)
  ) {
    throw new InvalidArgumentError({
      argument: 'state',
      message:
        'state must be what start() or step() returned (version 1), e.g. read back from where onState saved it.',
    });
  }
  // The next round's number is this plus one: text would make it "abc1".
  if (!Number.isInteger(state.round) || state.round < 0) {
    throw new InvalidArgumentError({
      argument: 'state',
      message:
        'state.round must be a count of rounds (an integer from 0): the state is not one start() or step() returned. Restore the file onState saved.',
    });
  }
  // A saved state is a file read back after a restart (or edited by hand): each run is checked
  // here, before any request, instead of failing a round on a TypeError (`null` runs, `contents`
  // that are text) or silently never running (a status that is not one of ours, a key twice).
  const keys = new Set<string>();
  for (const [index, run] of state.runs.entries()) {
    const problem = runProblem(run, keys);
    if (problem !== undefined) {
      throw new InvalidArgumentError({
        argument: 'state',
        message: `state.runs[${index}] ${problem}: the state is not one start() or step() returned. Restore the file onState saved, or start() again.`,
      });
    }
    // A running run's history goes out in the next round: one the API would refuse fails there,
    // hours later (or fails the job's creation for every run). Done and failed runs are not sent
    // (retry() makes them running, and the step after it checks them).
    const history =
      (run as BatchRunState).status === 'running' ? (run as BatchRunState).contents : undefined;
    const problems = history === undefined ? undefined : historyProblems(history);
    if (problems !== undefined) {
      throw new InvalidArgumentError({
        argument: 'state',
        message: `state.runs[${index}] has a history the Gemini API would reject: ${problems} Fix that run's contents in the saved state, or start() again.`,
      });
    }
  }
  const pending: unknown = state.pending;
  if (pending === undefined) return;
  const { batchName, keys: pendingKeys } = (pending ?? {}) as Record<string, unknown>;
  if (
    typeof batchName !== 'string' ||
    !Array.isArray(pendingKeys) ||
    !pendingKeys.every((key) => typeof key === 'string' && keys.has(key))
  ) {
    throw new InvalidArgumentError({
      argument: 'state',
      message:
        "state.pending must be { batchName, keys } with the batch's name and the keys of the state's runs it answers: the state is not one step() returned. Restore the file onState saved.",
    });
  }
}

/** What is wrong with a saved run (its key added to `keys`), or `undefined`. */
function runProblem(run: unknown, keys: Set<string>): string | undefined {
  if (typeof run !== 'object' || run === null) return 'is not an object';
  const { key, status, contents, steps } = run as Record<string, unknown>;
  if (typeof key !== 'string') return 'has no key (a string)';
  if (keys.has(key)) return `has the key ${JSON.stringify(key.slice(0, 100))} of another run`;
  keys.add(key);
  if (status !== 'running' && status !== 'done' && status !== 'failed')
    return "has a status that is not 'running', 'done' or 'failed'";
  if (
    !Array.isArray(contents) ||
    !contents.every((content) => typeof content === 'object' && content !== null)
  )
    return 'has contents that are not a list of contents';
  if (typeof steps !== 'number' || !Number.isInteger(steps) || steps < 0)
    return 'has steps that are not a count';
  // Added to once the round answers: a null one threw there, the billed answers dropped with it.
  const { usage } = run as Record<string, unknown>;
  if (typeof usage !== 'object' || usage === null || Array.isArray(usage))
    return 'has a usage that is not an object of token counts';
  return undefined;
}
