import { existsSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Gemini } from '@gemloop/core';
import type { AnyTool } from '@gemloop/core/tools';
import type { ForkChange, ForkToolResult, RunDiff, RunTrajectory } from '@gemloop/evals';
import { CliFlagError } from '../cli-flag-error.ts';
import type { CliIo } from '../cli-io.ts';
import { describeImportFailure } from '../describe-import-failure.ts';
import { loadFakeScript } from '../fake/load-fake-script.ts';
import { INSTALL_TESTING, loadTesting } from '../fake/load-testing.ts';
import type { FakeScriptChoice } from '../fake/parse-fake-flags.ts';
import { importUserModule } from '../import-user-module.ts';
import { preloadReplay } from '../preload-agent-run.ts';
import { escapeControls } from '../probe/create-probe-sanitizer.ts';
import { createReportRedactor } from './create-report-redactor.ts';
import { loadEvals } from './load-evals.ts';
import { readRecordedFile } from './read-recorded-file.ts';
import { writeJsonFile } from './write-json-file.ts';

/** The version of the JSON `gemloop replay --json` writes. */
export const REPLAY_RESULT_FORMAT = 1;
/** The largest instructions file `--instructions-file` reads. */
const MAX_INSTRUCTIONS_BYTES = 1024 * 1024;

/** What `gemloop replay` was asked. */
export type ReplayFlags = {
  file: string;
  until: number | undefined;
  change: ForkChange;
  instructionsFile: string | undefined;
  /** A module of tools to re-execute (by name); the others replay their recorded results. */
  toolsFile: string | undefined;
  live: boolean;
  baseUrl: string | undefined;
  /** `--allow-insecure-http`: an `http://` base URL on a host that is not loopback. */
  allowInsecureHttp?: boolean | undefined;
  script: FakeScriptChoice;
  stream: boolean;
  diff: boolean;
  json: string | undefined;
};

/** What `gemloop replay --json` writes, and `gemloop diff` reads back. */
export type ReplayResultFile = {
  format: typeof REPLAY_RESULT_FORMAT;
  runFile: string;
  until: number;
  recordedCalls: number;
  continuedCalls: number;
  original: RunTrajectory;
  fork: RunTrajectory;
  diff: RunDiff;
};

/**
 * `gemloop replay`: forks the recorded run of `flags.file` at model call `until` (the agent
 * rebuilt from the file; steps 1..until served from the recording, no model call) and continues
 * it with `flags.change` on the fake (`--script`) or, with `--live`, on the model. Prints what
 * was replayed and the fork's answer, the diff with `--diff`; writes the result with `--json`.
 * The run file is only read. Returns the exit code.
 */
export async function replayRunFile(flags: ReplayFlags, io: CliIo, cwd: string): Promise<number> {
  const evals = await loadEvals();
  if (evals === undefined) throw new Error('unreachable: the command checks @gemloop/evals first');
  const recorded = await readRecordedFile(
    flags.file,
    cwd,
    'the run file',
    evals.MAX_RUN_FILE_CHARS,
  );
  if (flags.json !== undefined && (await samePath(resolve(cwd, flags.json), recorded.path))) {
    throw new CliFlagError({
      flag: '--json',
      value: escapeControls(flags.json),
      accepted: ['a file other than the run file'],
      message: `--json ${escapeControls(flags.json)} is the run file: a fork never writes over the recording. Give another file.`,
    });
  }
  const recording = evals.caseFromRunFile(recorded.text, recorded.path);
  if (recording === undefined) {
    io.stderr(
      `gemloop replay: ${escapeControls(flags.file)} is not a finished, successful run with model answers: nothing to fork.\n`,
    );
    return 1;
  }
  const recordedCalls = recording.fixtures?.modelResponses.length ?? 0;
  const until = flags.until ?? flags.change.toolResults?.[0]?.step ?? recordedCalls;
  const change: ForkChange = { ...flags.change };
  if (flags.instructionsFile !== undefined) {
    const read = await readRecordedFile(
      flags.instructionsFile,
      cwd,
      '--instructions-file',
      MAX_INSTRUCTIONS_BYTES,
    );
    change.instructions = read.text;
  }
  const liveTools =
    flags.toolsFile === undefined ? undefined : await loadToolsFile(flags.toolsFile, cwd);
  const testing = await loadTesting();
  if (testing === undefined) {
    io.stderr(`${INSTALL_TESTING.replace('gemloop fake serves', 'gemloop replay serves')}\n`);
    return 1;
  }
  const { createGemini } = await import('@gemloop/core');
  let continueOn: Gemini;
  let close = async (): Promise<void> => {};
  let where: string;
  if (flags.live) {
    const apiKey = io.env['GEMINI_API_KEY'];
    if (apiKey === undefined || apiKey === '') {
      throw new CliFlagError({
        flag: '--live',
        value: '',
        accepted: ['GEMINI_API_KEY set'],
        message:
          '--live continues the fork on the model: set GEMINI_API_KEY (or leave --live out to continue on the fake).',
      });
    }
    continueOn = createGemini({
      apiKey,
      ...(flags.baseUrl === undefined ? {} : { baseUrl: flags.baseUrl }),
      ...(flags.allowInsecureHttp === true ? { allowInsecureHttp: true } : {}),
      ...(io.fetch === undefined ? {} : { fetch: io.fetch }),
    });
    where = 'the model (live)';
  } else {
    const script = await loadFakeScript(flags.script, cwd);
    // The fork sends the recorded model's signatures back (Google's, foreign to the fake).
    const fake = testing.createFakeGemini({
      script,
      models: 'pattern',
      signatureValidation: 'present',
    });
    continueOn = createGemini({ apiKey: 'fake', fetch: fake.fetch, retry: false });
    close = () => fake.close();
    where = `the fake (${flags.script.kind === 'named' ? flags.script.name : 'your script'})`;
  }
  let fork: Awaited<ReturnType<typeof evals.forkRun>>;
  try {
    fork = await evals.forkRun(recording, {
      until,
      change,
      continueOn,
      streaming: flags.stream,
      ...(liveTools === undefined ? {} : { liveTools }),
    });
  } finally {
    await close();
  }
  // Compared as recorded, then redacted: credentials the run file holds (a tool's output, a
  // planted file) reach neither the terminal nor --json (attack43a), as gemloop diff.
  const redact = createReportRedactor(io.env, process.argv.slice(2), cwd);
  const rawOriginal = evals.trajectoryFromRunFile(recorded.text, recorded.path);
  const rawForked = evals.trajectoryFromResults(fork.replayed, fork.forked);
  const diff = redact(evals.diffRuns(rawOriginal, rawForked));
  const original = redact(rawOriginal);
  const forked = redact(rawForked);
  io.stdout(
    `gemloop replay: ${fork.recordedCalls} model call(s) served from the recording (no model call), ${fork.continuedCalls} on ${where}.\n`,
  );
  if (fork.drift !== undefined) {
    io.stdout(`DRIFT before the fork: ${escapeControls(redact(fork.drift.reason))}\n`);
  }
  for (const missing of fork.unreproduced) {
    io.stdout(
      `INEXACT: ${escapeControls(redact(missing.run))} call ${missing.call + 1} was recorded shortened (${missing.omitted.map(escapeControls).join(', ')}); record with fidelity: 'full' for an exact replay.\n`,
    );
  }
  io.stdout(
    `fork answer: ${forked.text === undefined ? '(none)' : escapeControls(JSON.stringify(forked.text))}\n`,
  );
  // Escaped line by line: a recorded name or argument may carry bidi overrides (attack-doors8).
  if (flags.diff) io.stdout(evals.formatRunDiff(diff).split('\n').map(escapeControls).join('\n'));
  if (flags.json !== undefined) {
    const result: ReplayResultFile = {
      format: REPLAY_RESULT_FORMAT,
      runFile: recorded.path,
      until,
      recordedCalls: fork.recordedCalls,
      continuedCalls: fork.continuedCalls,
      original,
      fork: forked,
      diff,
    };
    await writeJsonFile(resolve(cwd, flags.json), result, flags.json);
  }
  return 0;
}

/** The shape `--tools` takes, for its errors. */
const TOOLS_FILE_SHAPE =
  'a .ts/.js/.mjs module whose default export (or export named `tools`) is an array of tools made with defineTool';

/**
 * The tools of a `--tools` module, to run for real in the fork.
 * @throws {@link CliFlagError} naming `--tools` when the file is missing, fails to import, or
 *   exports no array of function tools.
 */
async function loadToolsFile(path: string, cwd: string): Promise<AnyTool[]> {
  const full = resolve(cwd, path);
  const refuse = (why: string, cause?: unknown): never => {
    throw new CliFlagError({
      flag: '--tools',
      value: escapeControls(path).slice(0, 100),
      accepted: [TOOLS_FILE_SHAPE],
      message: `--tools ${escapeControls(path)}: ${why}. Give ${TOOLS_FILE_SHAPE}.`,
      cause,
    });
  };
  if (!existsSync(full)) refuse('no such file');
  let module: Record<string, unknown>;
  try {
    module = await importUserModule(full, preloadReplay);
  } catch (error) {
    return refuse(`importing it failed: ${describeImportFailure(error, process.env)}`, error);
  }
  const tools = module['default'] ?? module['tools'];
  const isTool = (tool: unknown): boolean => {
    const candidate = tool as { kind?: unknown; name?: unknown; execute?: unknown } | null;
    return (
      typeof candidate === 'object' &&
      candidate !== null &&
      candidate.kind === 'function' &&
      typeof candidate.name === 'string' &&
      typeof candidate.execute === 'function'
    );
  };
  if (!Array.isArray(tools) || !tools.every(isTool)) {
    return refuse('it exports no array of function tools');
  }
  return tools as AnyTool[];
}

/** Whether two paths name the same file (a symlink or `..` to the run file counts). */
async function samePath(a: string, b: string): Promise<boolean> {
  const real = async (path: string) => realpath(path).catch(() => path);
  return (await real(a)) === (await real(b));
}

/**
 * `--tool-result step:call=json`: the output call `call` (from 0) of step `step` (from 1)
 * returns in the fork.
 * @throws {@link CliFlagError} for another form or JSON that does not parse.
 */
export function parseToolResultFlag(text: string): ForkToolResult {
  const match = /^(\d{1,6}):(\d{1,4})=([\s\S]*)$/.exec(text);
  const refuse = (why: string): never => {
    throw new CliFlagError({
      flag: '--tool-result',
      value: escapeControls(text).slice(0, 100),
      accepted: ['STEP:CALL=JSON, e.g. 2:0={"temperatureC":-40}'],
      message: `--tool-result ${escapeControls(text).slice(0, 100)}: ${why}. Give STEP:CALL=JSON (the step from 1, the call from 0), e.g. 2:0='{"temperatureC":-40}'.`,
    });
  };
  if (match === null) return refuse('not STEP:CALL=JSON');
  let output: unknown;
  try {
    output = JSON.parse(match[3] as string);
  } catch {
    return refuse('the output is not JSON');
  }
  return { step: Number(match[1]), call: Number(match[2]), output };
}

/**
 * `--tool-description name=text`: the description the tool `name` has in the fork.
 * @throws {@link CliFlagError} without a `=` or a name.
 */
export function parseToolDescriptionFlag(text: string): [string, string] {
  const at = text.indexOf('=');
  if (at <= 0) {
    throw new CliFlagError({
      flag: '--tool-description',
      value: escapeControls(text).slice(0, 100),
      accepted: ['NAME=TEXT'],
      message: `--tool-description ${escapeControls(text).slice(0, 100)}: give NAME=TEXT, e.g. get_weather='The weather, in Kelvin.'.`,
    });
  }
  return [text.slice(0, at), text.slice(at + 1)];
}
