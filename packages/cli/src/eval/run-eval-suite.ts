import { realpath } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { EvalCase, EvalResult, EvalSuite } from '@gemloop/evals';
import { CliFlagError } from '../cli-flag-error.ts';
import type { CliIo } from '../cli-io.ts';
import { describeImportFailure } from '../describe-import-failure.ts';
import { importUserModule } from '../import-user-module.ts';
import { preloadReplay } from '../preload-agent-run.ts';
import { escapeControls } from '../probe/create-probe-sanitizer.ts';
import { createReportRedactor } from './create-report-redactor.ts';
import { loadEvals } from './load-evals.ts';
import { refuseOutputOverInput } from './refuse-output-over-input.ts';
import { writeTextFile } from './write-json-file.ts';

/** The flags of `gemloop eval <file>`, checked. */
export type EvalSuiteFlags = {
  /** Aborted by the user's interrupt: the eval stops (runEval's `signal`). */
  signal?: AbortSignal | undefined;
  file: string;
  minPass: number | undefined;
  concurrency: number | undefined;
  repeats: number | undefined;
  timeoutMs: number | undefined;
  live: boolean;
  /** Through the Batch API (live, at the batch price): the suite's `batch`. */
  batch: boolean;
  baseUrl: string | undefined;
  /** `--allow-insecure-http`: an `http://` base URL on a host that is not loopback. */
  allowInsecureHttp?: boolean | undefined;
  json: string | undefined;
  junit: string | undefined;
  name: string | undefined;
};

const SUITE_SHAPE =
  'a module whose default export (or export named `suite`) is an eval suite: { createAgent, cases, scorers } (defineEvalSuite from @gemloop/evals)';

/**
 * Runs an eval suite file: progress on stderr, the summary on stdout, the JSON and JUnit files
 * written; returns 0 when the pass rate (and every per-scorer gate) is met, else 1.
 */
export async function runEvalSuite(flags: EvalSuiteFlags, io: CliIo, cwd: string): Promise<number> {
  const { evals, suite, cases, path } = await loadSuite(flags.file, cwd);
  await refuseWritingOverSuite(suite, path, cwd, { '--json': flags.json, '--junit': flags.junit });
  await refuseOneReportFile(flags.json, flags.junit, cwd);
  let live: LiveSettings | undefined;
  if (flags.batch && suite.batch === undefined) {
    throw new CliFlagError({
      flag: '--batch',
      value: '',
      accepted: ['a suite with batch: { model, instructions, tools }'],
      message: `--batch runs the suite's agent as a Batch API job: give the suite batch: { model, instructions, tools } (what createBatchRuns of @gemloop/core/batch takes).`,
    });
  }
  if (flags.live || flags.batch)
    live = liveSettings(
      flags.batch ? '--batch' : '--live',
      flags.baseUrl,
      io,
      flags.allowInsecureHttp,
    );
  // Credentials a dataset made from run files holds (a tool's output quoting a database URL,
  // another project's key) reach neither the terminal nor the reports (attack43a); runEval keeps
  // its own client's key out itself.
  const redact = createReportRedactor(io.env, process.argv.slice(2), cwd);
  const ran: EvalResult = await evals.runEval({
    name: flags.name ?? suite.name ?? basename(path).replace(/\.[a-z]+$/, ''),
    createAgent: suite.createAgent,
    cases,
    scorers: suite.scorers,
    mode: flags.batch ? 'batch' : flags.live ? 'live' : 'replay',
    live,
    ...(flags.batch ? { batch: suite.batch } : {}),
    concurrency: flags.concurrency,
    repeats: flags.repeats,
    timeoutMs: flags.timeoutMs ?? suite.timeoutMs,
    streaming: suite.streaming,
    signal: flags.signal,
    onAttempt: (attempt, done, total) => {
      const repeat = attempt.repeat > 0 ? ` #${attempt.repeat + 1}` : '';
      io.stderr(
        `[${done}/${total}] ${attempt.status.toUpperCase().padEnd(5)} ${escapeControls(attempt.caseId)}${repeat} (${Math.round(attempt.latencyMs)} ms)\n`,
      );
    },
  });
  const result = redact(ran);
  io.stdout(evals.formatSummary(result).split('\n').map(escapeControls).join('\n'));
  if (flags.json !== undefined)
    await writeOut(resolve(cwd, flags.json), `${JSON.stringify(result, null, 2)}\n`);
  if (flags.junit !== undefined)
    await writeOut(resolve(cwd, flags.junit), evals.toJunitXml(result));
  const failures = evals.gateFailures(result.summary, {
    minPass: flags.minPass ?? suite.minPass,
    minPassByScorer: suite.minPassByScorer,
  });
  if (failures.length > 0) {
    io.stderr(`gemloop eval: FAILED: ${failures.join('; ')}\n`);
    return 1;
  }
  return 0;
}

/** How the live client is made: the key from GEMINI_API_KEY, the base URL, the io's fetch. */
export type LiveSettings = {
  apiKey?: string;
  baseUrl?: string;
  allowInsecureHttp?: boolean;
  fetch?: typeof globalThis.fetch;
};

/**
 * The live client's settings for a flag that runs against the model (`--live`, `--batch`,
 * `eval canary`): GEMINI_API_KEY must be set (a CliFlagError naming `flag` otherwise).
 */
export function liveSettings(
  flag: string,
  baseUrl: string | undefined,
  io: CliIo,
  allowInsecureHttp = false,
): LiveSettings {
  const apiKey = io.env['GEMINI_API_KEY'];
  if (apiKey === undefined || apiKey === '') {
    throw new CliFlagError({
      flag,
      value: '',
      accepted: ['GEMINI_API_KEY set'],
      message: `${flag} runs against the model: set GEMINI_API_KEY${flag === '--live' || flag === '--batch' ? ' (or leave it out to replay the recorded turns offline)' : ''}.`,
    });
  }
  return {
    apiKey,
    ...(baseUrl === undefined ? {} : { baseUrl }),
    ...(allowInsecureHttp ? { allowInsecureHttp } : {}),
    ...(io.fetch === undefined ? {} : { fetch: io.fetch }),
  };
}

/**
 * An eval suite file imported (`file` relative to `cwd`), with its cases loaded: a list, or its
 * JSONL dataset read from beside the file. Refuses a suite of no case.
 */
export async function loadSuite(
  file: string,
  cwd: string,
): Promise<{
  evals: typeof import('@gemloop/evals');
  suite: EvalSuite;
  cases: EvalCase[];
  path: string;
}> {
  const evals = await loadEvals();
  if (evals === undefined) throw new Error('unreachable: the command checks @gemloop/evals first');
  const path = resolve(cwd, file);
  const suite = await importSuite(path, file);
  const cases =
    typeof suite.cases === 'string'
      ? await evals.loadEvalCases(resolve(dirname(path), suite.cases))
      : suite.cases.map((item) => evals.toEvalCase(item, path));
  if (cases.length === 0) {
    throw new Error(
      `the suite ${escapeControls(file)} has no case${typeof suite.cases === 'string' ? ` (its dataset ${escapeControls(suite.cases)} is empty)` : ''}: a suite of no case passes nothing. Add cases, or make them from recorded runs with gemloop eval from-runs.`,
    );
  }
  return { evals, suite, cases, path };
}

/**
 * Refuses a report flag naming the suite's file or its JSONL dataset, before the suite runs: a
 * `--json cases.jsonl` (meant: result.json) replaced the dataset with the result (attack43a).
 */
export async function refuseWritingOverSuite(
  suite: EvalSuite,
  path: string,
  cwd: string,
  outputs: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  const inputs = [
    { path, is: "the suite's file" },
    ...(typeof suite.cases === 'string'
      ? [{ path: resolve(dirname(path), suite.cases), is: "the suite's dataset" }]
      : []),
  ];
  for (const [flag, given] of Object.entries(outputs)) {
    if (given !== undefined)
      await refuseOutputOverInput({ flag, given, output: resolve(cwd, given), inputs });
  }
}

/**
 * Refuses `--json` and `--junit` naming one file (by its real path: a `./`, a link), before the
 * suite runs: the JUnit report was written over the JSON result, which `gemloop eval compare`
 * reads, and the run passed without a word (evals68).
 * @throws {@link CliFlagError} naming `--junit` and the file.
 */
async function refuseOneReportFile(
  json: string | undefined,
  junit: string | undefined,
  cwd: string,
): Promise<void> {
  if (json === undefined || junit === undefined) return;
  const real = (given: string): Promise<string> =>
    realpath(resolve(cwd, given)).catch(() => resolve(cwd, given));
  if ((await real(json)) !== (await real(junit))) return;
  const shown = escapeControls(junit).slice(0, 100);
  throw new CliFlagError({
    flag: '--junit',
    value: shown,
    accepted: ['a file other than --json'],
    message: `--junit ${shown} is the file --json writes the result to: one would replace the other. Give each report its own file.`,
  });
}

/** Writes a report file, making its folder; whole or not at all (see {@link writeTextFile}). */
export async function writeOut(path: string, text: string): Promise<void> {
  await writeTextFile(path, text);
}

/** Imports an eval suite module (`path` absolute; `given` names it in errors), checking its shape. */
export async function importSuite(path: string, given: string): Promise<EvalSuite> {
  const refuse = (why: string, cause?: unknown): never => {
    throw new CliFlagError({
      flag: '<file>',
      value: escapeControls(given),
      accepted: [SUITE_SHAPE],
      message: `gemloop eval ${escapeControls(given)}: ${why}. An eval file is ${SUITE_SHAPE}.`,
      cause,
    });
  };
  let module: Record<string, unknown>;
  try {
    module = await importUserModule(path, preloadReplay);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' && !String((error as Error).message).includes(path)) {
      return refuse(`importing it failed: ${describeImportFailure(error, process.env)}`, error);
    }
    if (code === 'ERR_MODULE_NOT_FOUND')
      return refuse(`no such file (looked for ${escapeControls(path)})`, error);
    if (code === 'ERR_UNKNOWN_FILE_EXTENSION') {
      return refuse(
        'Node cannot import a file of that kind; write it as .ts, .mts, .js or .mjs',
        error,
      );
    }
    return refuse(`importing it failed: ${describeImportFailure(error, process.env)}`, error);
  }
  const suite = (module['default'] ?? module['suite']) as Partial<EvalSuite> | undefined;
  if (typeof suite !== 'object' || suite === null) return refuse('it exports no suite');
  if (typeof suite.createAgent !== 'function')
    return refuse("its suite has no 'createAgent' function");
  if (!Array.isArray(suite.scorers)) return refuse("its suite has no 'scorers' list");
  if (!Array.isArray(suite.cases) && typeof suite.cases !== 'string') {
    return refuse("its suite's 'cases' is neither a list nor the path of a JSONL dataset");
  }
  // Its keys as defineEvalSuite checks them, made with it or not: a misspelt gate
  // (`minPassByScorers`) was dropped without a word and the run passed (attack13).
  const evals = await loadEvals();
  try {
    evals?.defineEvalSuite(suite as EvalSuite);
  } catch (error) {
    return refuse(escapeControls((error as Error).message).replace(/\.$/, ''), error);
  }
  return suite as EvalSuite;
}
