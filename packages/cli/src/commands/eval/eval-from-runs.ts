import { CliFlagError } from '../../cli-flag-error.ts';
import type { CliIo } from '../../cli-io.ts';
import { casesFromDatabase, casesFromRuns } from '../../eval/cases-from-runs.ts';
import { INSTALL_DBOS, loadRecordedRuns } from '../../eval/load-recorded-runs.ts';
import { emptyPathProblem, parseCommandArgs } from '../../parse-command-args.ts';
import { escapeControls } from '../../probe/create-probe-sanitizer.ts';
import type { EvalCommandOptions } from './eval-command-options.ts';
import { EVAL_USAGE } from './eval-usage.ts';
import { parseCountFlag } from './parse-count-flag.ts';

/**
 * `gemloop eval from-runs [--dir DIR | --database-url URL ...] --out FILE`: the recorded runs of a
 * folder, or of a durable fleet, turned into a JSONL dataset of cases. 0 when it wrote a case, 1
 * when none was made or @gemloop/dbos is missing, 2 on a refused argument.
 * @throws {@link CliFlagError} on a malformed `--since` or `--limit`.
 */
export async function evalFromRuns(
  rest: readonly string[],
  io: CliIo,
  cwd: string,
  options: Pick<EvalCommandOptions, 'loadRecordedRuns' | 'now'>,
): Promise<number> {
  const values = parseCommandArgs(
    rest,
    {
      dir: { type: 'string' },
      out: { type: 'string' },
      'database-url': { type: 'string' },
      run: { type: 'string', multiple: true },
      since: { type: 'string' },
      limit: { type: 'string' },
    },
    EVAL_USAGE,
    io,
  );
  if (typeof values === 'number') return values;
  const emptyPath = emptyPathProblem('gemloop eval from-runs', values, {
    dir: 'the folder of the recorded runs',
    out: 'the JSONL dataset to write',
  });
  if (emptyPath !== undefined) {
    io.stderr(emptyPath);
    return 2;
  }
  const out = values['out'] as string | undefined;
  if (out === undefined) {
    io.stderr(
      `gemloop eval from-runs: give --out FILE (the JSONL dataset to write).\n\n${EVAL_USAGE}`,
    );
    return 2;
  }
  const databaseUrl = values['database-url'] as string | undefined;
  const databaseOnly = ['run', 'since', 'limit'].filter((key) => values[key] !== undefined);
  if (databaseUrl === undefined && databaseOnly.length > 0) {
    io.stderr(
      `gemloop eval from-runs: --${databaseOnly[0]} reads a fleet's runs: give --database-url too.\n\n${EVAL_USAGE}`,
    );
    return 2;
  }
  if (databaseUrl !== undefined) {
    if (values['dir'] !== undefined) {
      io.stderr(`gemloop eval from-runs: give --dir or --database-url, not both.\n\n${EVAL_USAGE}`);
      return 2;
    }
    const runIds = values['run'] as unknown as string[] | undefined;
    const query = {
      databaseUrl,
      ...(runIds === undefined ? {} : { runIds }),
      ...(values['since'] === undefined
        ? {}
        : { since: since(String(values['since']), options.now?.() ?? Date.now()) }),
      ...(values['limit'] === undefined
        ? {}
        : { limit: parseCountFlag('--limit', values['limit'], 10_000) }),
    };
    const read = await (options.loadRecordedRuns ?? loadRecordedRuns)(cwd);
    if (read === undefined) {
      io.stderr(`${INSTALL_DBOS}\n`);
      return 1;
    }
    const written = await casesFromDatabase(query, out, io, cwd, read);
    return written === 0 ? noCases(io, 'the fleet', out) : 0;
  }
  // An empty GEMLOOP_RUNS_DIR is unset: resolve('') would read the current folder.
  const dir =
    (values['dir'] as string | undefined) || io.env['GEMLOOP_RUNS_DIR'] || '.gemloop/runs';
  const written = await casesFromRuns(dir, out, io, cwd);
  return written === 0 ? noCases(io, escapeControls(dir), out) : 0;
}

/**
 * `from-runs` that made no case fails: a suite of no case would pass nothing and gate nothing,
 * and exiting 0 hid it (every run of an agent tree was skipped). The skips were said above.
 */
function noCases(io: CliIo, source: string, out: string): number {
  io.stderr(
    `gemloop eval from-runs: no case made from ${source}, so nothing was written to ${escapeControls(out)}: every run was skipped (each skip is said above, a failed or unfinished run is counted). Record successful runs first (createRunRecorder(), or a durable fleet), or point --dir at the folder that holds them.\n`,
  );
  return 1;
}

/** `--since`: an ISO 8601 date (or date and time), or an age: `7d`, `12h`, `30m`. */
function since(text: string, now: number): Date {
  const age = /^(\d{1,6})([dhm])$/.exec(text);
  if (age !== null) {
    const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[age[2] as 'd' | 'h' | 'm'];
    return new Date(now - Number(age[1]) * unit);
  }
  const date = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text)
    ? new Date(text)
    : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) {
    throw new CliFlagError({
      flag: '--since',
      value: text.slice(0, 100),
      accepted: [
        'an ISO date such as 2026-11-01 or 2026-11-01T12:00Z',
        'an age such as 7d, 12h, 30m',
      ],
      message: `--since ${text.slice(0, 100)}: give an ISO date (2026-11-01, 2026-11-01T12:00Z) or an age (7d, 12h, 30m).`,
    });
  }
  return date;
}
