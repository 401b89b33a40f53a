import { resolve } from 'node:path';
import type { RunTrajectory } from '@gemloop/evals';
import { CliFlagError } from '../cli-flag-error.ts';
import type { CliIo } from '../cli-io.ts';
import { escapeControls } from '../probe/create-probe-sanitizer.ts';
import { createReportRedactor } from './create-report-redactor.ts';
import { loadEvals } from './load-evals.ts';
import { readRecordedFile } from './read-recorded-file.ts';
import { refuseOutputOverInput } from './refuse-output-over-input.ts';
import { REPLAY_RESULT_FORMAT } from './replay-run-file.ts';
import { writeJsonFile } from './write-json-file.ts';

/**
 * `gemloop diff a b`: the trajectory diff of two runs, each a recorded run file (`.jsonl`) or
 * the result of `gemloop replay --json` (its fork), both read as untrusted files. Prints it,
 * writes it as JSON with `json`, and returns 1 with `failOnChange` when the runs differ.
 */
export async function diffRunFiles(
  files: readonly [string, string],
  options: { json: string | undefined; failOnChange: boolean },
  io: CliIo,
  cwd: string,
): Promise<number> {
  const evals = await loadEvals();
  if (evals === undefined) throw new Error('unreachable: the command checks @gemloop/evals first');
  if (options.json !== undefined) {
    await refuseOutputOverInput({
      flag: '--json',
      given: options.json,
      output: resolve(cwd, options.json),
      inputs: files.map((file) => ({ path: resolve(cwd, file), is: 'one of the run files' })),
    });
  }
  const [original, fork] = await Promise.all(
    files.map(async (file, index) => {
      const read = await readRecordedFile(
        file,
        cwd,
        index === 0 ? 'the first file' : 'the second file',
        evals.MAX_RUN_FILE_CHARS,
      );
      return trajectoryOf(read.text, read.path, file, evals);
    }),
  );
  // The diff of the runs as recorded, then redacted: credentials a run file holds (a tool's
  // output, a planted file) reach neither the terminal nor the report (attack43a). The command
  // line as the process got it, as `gemloop chat` reads it: a secret flag's value counts too.
  const redact = createReportRedactor(io.env, process.argv.slice(2), cwd);
  const diff = redact(evals.diffRuns(original as RunTrajectory, fork as RunTrajectory));
  // Line by line through escapeControls, as the eval comparison is: the report's names are
  // one line already, but a bidi override in a tool name or an argument reordered what the
  // terminal showed (attack-doors8: a hand-edited run file's call read as another call).
  io.stdout(evals.formatRunDiff(diff).split('\n').map(escapeControls).join('\n'));
  if (options.json !== undefined) {
    await writeJsonFile(resolve(cwd, options.json), diff, options.json);
  }
  return options.failOnChange && !diff.same ? 1 : 0;
}

/** A run file's trajectory, or the fork of a `gemloop replay --json` result. */
function trajectoryOf(
  text: string,
  path: string,
  given: string,
  evals: NonNullable<Awaited<ReturnType<typeof loadEvals>>>,
): RunTrajectory {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') && !trimmed.startsWith('{"type"')) {
    let parsed: unknown;
    try {
      // `text` comes without a byte-order mark (readRecordedFile drops it): a fork result saved as
      // "UTF-8 with BOM" was read as a run file, and refused as a torn one (attack56b).
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const result = parsed as { format?: unknown; fork?: unknown } | undefined;
    if (result?.format === REPLAY_RESULT_FORMAT && isTrajectory(result.fork)) {
      return withCounts(result.fork);
    }
    if (parsed !== undefined) {
      throw new CliFlagError({
        flag: 'FILE',
        value: escapeControls(given).slice(0, 100),
        accepted: ['a recorded run file (.jsonl)', 'a gemloop replay --json result'],
        message: `${escapeControls(given)} is JSON but not a gemloop replay --json result (format ${REPLAY_RESULT_FORMAT}) nor a run file.`,
      });
    }
  }
  return evals.trajectoryFromRunFile(text, path);
}

function isTrajectory(value: unknown): value is RunTrajectory {
  const item = value as Partial<RunTrajectory> | null;
  return (
    typeof item === 'object' &&
    item !== null &&
    Array.isArray(item.toolCalls) &&
    item.toolCalls.every(
      (call) => typeof call === 'object' && call !== null && typeof call.name === 'string',
    ) &&
    typeof item.steps === 'number' &&
    typeof item.tokens === 'object' &&
    item.tokens !== null &&
    (typeof item.costUsd === 'string' || item.costUsd === null) &&
    (typeof item.text === 'string' || item.text === undefined)
  );
}

/**
 * The fork with its steps and token counts read as a run file's are (a count that is no positive
 * finite number is 0): a hand-edited result's `tokens: {}` or `"12"` printed "tokens undefined →
 * 5 (NaN)" and wrote `null` deltas (attack63b).
 */
function withCounts(fork: RunTrajectory): RunTrajectory {
  const count = (value: unknown): number =>
    typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
  const tokens = fork.tokens as Partial<Record<keyof RunTrajectory['tokens'], unknown>>;
  return {
    ...fork,
    steps: count(fork.steps),
    tokens: {
      input: count(tokens.input),
      output: count(tokens.output),
      thinking: count(tokens.thinking),
      total: count(tokens.total),
    },
  };
}
