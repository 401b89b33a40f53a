import { resolve } from 'node:path';
import type { CliCommand, CliIo } from '../cli-io.ts';
import { COMMAND_SUMMARIES } from '../command-summaries.ts';
import { describeImportFailure } from '../describe-import-failure.ts';
import { quotedValue } from '../escape-controls.ts';
import { importUserModule } from '../import-user-module.ts';
import {
  asksForHelp,
  emptyPathProblem,
  leadingOperands,
  parseCommandArgs,
} from '../parse-command-args.ts';
import { preloadAgentRun } from '../preload-agent-run.ts';
import { escapeControls } from '../probe/create-probe-sanitizer.ts';
import { NAME_NOT_UTF8, readFolderNames } from '../read-folder-names.ts';
import { isRunFileProblem, openRunFile, readRunBytes } from '../view/open-run-file.ts';
import { DEFAULT_VIEW_LIMITS } from '../view/read-runs.ts';

const USAGE = `Usage: gemloop estimate FILE INPUT [--runs .gemloop/runs] [--agent NAME] [--min-runs N] [--json]

Says what a run of an agent will cost before it runs (estimateRun of @gemloop/core/estimate):
FILE is a .ts, .js or .mjs module whose default export (or export \`agent\`) is an agent made by
createAgent; INPUT is the run's message (after \`--\` when it starts with \`-\`: \`gemloop estimate
agent.ts -- '-5°C in Oslo?'\`). With at least --min-runs recorded runs of it in --runs
(run files of createRunRecorder; --agent picks the agent's by name), the band is their 10th, 50th
and 90th percentiles. Otherwise the first request is counted by the API (countTokens, with the
agent's own client and key) and priced with the assumption printed beside the figures.

Options:
  --runs DIR      the recorded runs to learn from (default .gemloop/runs, when it exists)
  --agent NAME    only the runs of the agent with this name option
  --min-runs N    recorded runs needed for a band from them (default 20)
  --json          print the estimate as JSON
`;

/** Makes the `estimate` command; `cwd` is where files are looked for. */
export function createEstimateCommand(cwd: string = process.cwd()): CliCommand {
  return {
    summary: COMMAND_SUMMARIES.estimate,
    run: (args, io) => runEstimate(cwd, args, io),
  };
}

/** The `estimate` command in the current folder. */
export const estimateCommand: CliCommand = createEstimateCommand();

async function runEstimate(cwd: string, args: readonly string[], io: CliIo): Promise<number> {
  if (asksForHelp(args)) {
    io.stdout(USAGE);
    return 0;
  }
  const leading = leadingOperands(args, 2);
  if (leading === undefined) {
    io.stderr(USAGE);
    return 2;
  }
  const {
    operands: [file = '', input = ''],
    rest,
  } = leading;
  const values = parseCommandArgs(
    rest,
    {
      runs: { type: 'string' },
      agent: { type: 'string' },
      'min-runs': { type: 'string' },
      json: { type: 'boolean' },
    },
    USAGE,
    io,
  );
  if (typeof values === 'number') return values;
  const empty = emptyPathProblem('gemloop estimate', values, {
    runs: 'the folder of the run files',
  });
  if (empty !== undefined) {
    io.stderr(empty);
    return 2;
  }
  const minRunsText = values['min-runs'];
  // Decimal digits only: Number() read `--min-runs=` (and ' ') as 0, so one recorded run made a
  // "band", and took 0x10 as 16 and 1e1 as 10.
  const minRuns =
    typeof minRunsText === 'string' && /^\d{1,9}$/.test(minRunsText)
      ? Number(minRunsText)
      : undefined;
  if (minRunsText !== undefined && minRuns === undefined) {
    io.stderr(
      `gemloop estimate: --min-runs must be a whole number >= 0 in decimal digits (default 20); got ${quotedValue(String(minRunsText))}.\n\n${USAGE}`,
    );
    return 2;
  }
  let loaded: Record<string, unknown>;
  try {
    loaded = await importUserModule(resolve(cwd, file), preloadAgentRun);
  } catch (error) {
    // One escaped line without the keys it quotes, as `gemloop chat` tells it.
    io.stderr(
      `gemloop estimate: ${escapeControls(file)}: importing it failed: ${describeImportFailure(error, io.env)}\n`,
    );
    return 2;
  }
  const agent = (loaded['default'] ?? loaded['agent']) as { run?: unknown } | undefined;
  if (typeof agent?.run !== 'function') {
    io.stderr(
      `gemloop estimate: ${escapeControls(file)} has no agent as its default export (or export \`agent\`).\n`,
    );
    return 2;
  }
  const runsDir = resolve(
    cwd,
    typeof values['runs'] === 'string' ? values['runs'] : '.gemloop/runs',
  );
  const recordings = await readRecordedRunEnds(
    runsDir,
    typeof values['agent'] === 'string' ? values['agent'] : undefined,
    // A file's name is the folder's (a cloned repository's: any bytes but `/`, at most 255 of
    // them); `why` is this command's own words, escaped all the same.
    (name, why) =>
      io.stderr(
        `gemloop estimate: skipped ${escapeControls(name)} of the runs: ${escapeControls(why)}.\n`,
      ),
  );
  const { estimateRun } = await import('@gemloop/core/estimate');
  try {
    const estimate = await estimateRun(agent as never, input, { recordings, minRuns });
    if (values['json'] === true) {
      io.stdout(`${JSON.stringify(estimate, null, 2)}\n`);
      return 0;
    }
    const usd = (value: number) => `$${value.toFixed(6)}`;
    io.stdout(
      [
        `model:   ${estimate.model}`,
        `source:  ${estimate.source === 'recordings' ? `recordings (${estimate.runs} runs)` : 'countTokens of the first request'}`,
        `cost:    p10 ${usd(estimate.costUsd.p10)}  p50 ${usd(estimate.costUsd.p50)}  p90 ${usd(estimate.costUsd.p90)}`,
        `tokens:  p10 ${Math.round(estimate.tokens.p10)}  p50 ${Math.round(estimate.tokens.p50)}  p90 ${Math.round(estimate.tokens.p90)}`,
        `assumes: ${estimate.assumption}`,
        '',
      ].join('\n'),
    );
    return 0;
  } catch (error) {
    // What the agent's client threw quotes what its fetch or gateway said (a 5 MB message, a
    // key in a URL): one escaped line without the keys, cut at 1,000 characters, as an import's.
    io.stderr(`gemloop estimate: ${describeImportFailure(error, io.env)}\n`);
    return 1;
  }
}

/**
 * The \`run-end\` lines of the top-level runs recorded in \`dir\` (none when it does not exist), of
 * the agent named \`agent\` when given. A line that is not JSON is skipped (a file being written).
 * Each file is read as the viewer reads one, as hostile input (the default folder is the current
 * folder's, a cloned repository's): a regular file inside the folder of at most the viewer's
 * \`maxViewBytes\`; a FIFO, a device, a symlink out of the folder or a larger file is skipped and
 * told to \`skip\` (attack-doors10: a FIFO held the command for ever, a symlink to /dev/zero read
 * until memory ran out).
 */
async function readRecordedRunEnds(
  dir: string,
  agent: string | undefined,
  skip: (name: string, why: string) => void,
): Promise<{ cost?: { total: string | null }; usage?: { totalTokenCount: number } }[]> {
  let names: string[];
  try {
    const found = await readFolderNames(dir);
    names = found.names.filter((name) => name.endsWith('.jsonl'));
    for (const shown of found.notUtf8.filter((name) => name.endsWith('.jsonl')))
      skip(shown, NAME_NOT_UTF8);
  } catch {
    return [];
  }
  const ends: { cost?: { total: string | null }; usage?: { totalTokenCount: number } }[] = [];
  for (const name of names) {
    const text = await readRunText(dir, name, skip);
    if (text === undefined) continue;
    let start: { agentName?: unknown; path?: unknown } | undefined;
    // The line ends the viewer reads (LF, CRLF, a CR alone) after a byte-order mark: a run file
    // saved again by an editor showed in `gemloop view` and was silently left out here, its
    // run-start line "not JSON" with the mark (attack56b).
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    for (const line of body.split(/\r\n|\r|\n/)) {
      if (line.trim() === '') continue;
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (record['type'] === 'run-start') start = record;
      if (record['type'] !== 'run-end' || start === undefined) continue;
      const path = start.path;
      if (Array.isArray(path) && path.length > 0) continue;
      if (agent !== undefined && start.agentName !== agent) continue;
      ends.push(record as (typeof ends)[number]);
    }
  }
  return ends;
}

/** A run file's text, or \`undefined\` (told to \`skip\`) for one that is not read. */
async function readRunText(
  dir: string,
  name: string,
  skip: (name: string, why: string) => void,
): Promise<string | undefined> {
  const file = await openRunFile(dir, name);
  if (file === undefined) return undefined;
  if (isRunFileProblem(file)) {
    skip(name, file.problem);
    return undefined;
  }
  try {
    const limit = DEFAULT_VIEW_LIMITS.maxViewBytes;
    if (file.size > limit) {
      skip(name, `larger than ${limit} bytes (not read)`);
      return undefined;
    }
    return (await readRunBytes(file, 0, file.size, undefined)).toString('utf8');
  } finally {
    await file.handle.close();
  }
}
