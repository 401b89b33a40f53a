import { CliFlagError } from '../cli-flag-error.ts';
import type { CliCommand, CliIo } from '../cli-io.ts';
import { COMMAND_SUMMARIES } from '../command-summaries.ts';
import { bisectSuite } from '../eval/bisect-suite.ts';
import { casesFromDatabase, casesFromRuns } from '../eval/cases-from-runs.ts';
import { compareEvalFiles } from '../eval/compare-eval-files.ts';
import { INSTALL_EVALS, loadEvals } from '../eval/load-evals.ts';
import {
  INSTALL_DBOS,
  loadRecordedRuns,
  type ReadRecordedRuns,
} from '../eval/load-recorded-runs.ts';
import { runCanarySuite } from '../eval/run-canary-suite.ts';
import { runEvalSuite } from '../eval/run-eval-suite.ts';
import { emptyPathProblem, parseCommandArgs } from '../parse-command-args.ts';
import { escapeControls } from '../probe/create-probe-sanitizer.ts';

const USAGE = `Usage: gemloop eval FILE [--min-pass 0.9] [--concurrency N] [--repeats N] [--timeout-ms N]
                    [--live | --batch] [--base-url URL] [--json out.json] [--junit out.xml] [--name NAME]
       gemloop eval from-runs [--dir .gemloop/runs] --out cases.jsonl
       gemloop eval from-runs --database-url URL [--run ID]... [--since WHEN] [--limit N] --out cases.jsonl
       gemloop eval compare a.json b.json [--fail-on-regression]
       gemloop eval canary FILE --from MODEL --to MODEL [--k 10] [--alpha 0.01] [--must-call TOOL]...
                    [--must-pass SCORER]... [--fail-on-change] [--ignore-arguments] [--base-url URL]
                    [--concurrency N] [--timeout-ms N] [--json out.json]
       gemloop eval bisect GOOD BAD --suite FILE [--case ID]... [--base-url URL] [--timeout-ms N]
                    [--json out.json]

Runs an eval suite (@gemloop/evals): FILE is a .ts, .js or .mjs module (TypeScript loaded with
tsx, on every Node) whose default export is defineEvalSuite({ createAgent, cases, scorers }). By default each case replays its
recorded model turns through the fake Gemini (offline, no key) and a request that differs from
the recorded one (prompt, tools, arguments) fails the case as drift; --live runs against the
model with GEMINI_API_KEY. Prints progress and a summary (pass rates, score distributions,
tokens, cost, latency); exits 1 when the pass rate is under the gate. Ctrl-C stops an eval or a
canary: the running cases are aborted, a batch job is cancelled, no result is written (exit 130).

Options:
  --min-pass R          the pass rate (0 to 1) under which the command exits 1 (default: the
                        suite's minPass, else 1)
  --concurrency N       cases at once (default 4)
  --repeats N           attempts per case, for models that answer differently (default 1)
  --timeout-ms N        time limit of one attempt (default 120000)
  --live                run against the model (GEMINI_API_KEY), not the recorded turns
  --batch               run live through the Batch API at the batch price (GEMINI_API_KEY; the
                        suite's batch: { model, instructions, tools }; single-input cases; the
                        job may take hours: --timeout-ms bounds it, default 48 h)
  --base-url URL        the API's base URL with --live or --batch (a gateway, or gemloop fake)
  --allow-insecure-http take an http:// base URL (or GEMINI_BASE_URL) on a host that is not loopback:
                        the key then crosses the network in clear text
  --json FILE           write the result (versioned JSON, read by compare and gemloop view)
  --junit FILE          write a JUnit XML report for CI
  --name NAME           the eval run's name in its results (default: the suite's, else FILE's)

from-runs turns the successful runs recorded by createRunRecorder() into cases (their model turns,
requests and tool results as fixtures, their answer and tool calls as expected). A run with
subagents is one case with its subagents' runs, replayed whole. It exits 1 when no run made a
case. With
--database-url it reads the successful runs a durable fleet (@gemloop/dbos, installed in the
project) kept in Postgres instead, newest first: --run picks runs by id (repeatable), --since
takes an ISO date or an age (7d, 12h, 30m), --limit caps the runs read (default 1000, at most
10000). The URL's password never reaches the output.
compare prints each case's change between two --json results: regressions, improvements, score
and cost deltas.
canary runs FILE's cases --k times on each model, live (GEMINI_API_KEY; the suite's createAgent
builds its agent on context.model), and prints per case the tool-call trajectories, the old
model's flakiness, whether the new one differs beyond it (p under --alpha), and the cost and
latency difference. It exits 1 on a regression: a --must-call tool called, or a --must-pass
scorer passed, less often beyond the noise (also the suite's canary: { mustCall, mustPass }), on
a case it could not judge, and with --fail-on-change on any changed trajectory.
bisect finds the first commit after GOOD, up to BAD (first-parent history), where a case's
tool-call trajectory changes: at each commit it visits it loads the suite FILE as committed there
(the agent's prompt, tools and config) and runs the cases of FILE as it is now (--case picks
some). A commit whose requests are the recorded ones replays offline for nothing; one that
changed what the model is asked runs live from the first changed request (GEMINI_API_KEY).
It exits 0 when it found the commit, 1 when no trajectory changed.
`;

/** What tests replace in the `eval` command. */
export type EvalCommandOptions = {
  /** Loads `readRecordedRuns` of @gemloop/dbos. @defaultValue from beside gemloop, else from `cwd` */
  loadRecordedRuns?: ((cwd: string) => Promise<ReadRecordedRuns | undefined>) | undefined;
  /** The clock `--since 7d` counts back from. @defaultValue `Date.now` */
  now?: (() => number) | undefined;
  /**
   * Calls `stop` on the user's interrupt while an eval or a canary runs; returns what stops
   * listening. @defaultValue the first SIGINT or SIGTERM of the process
   */
  onInterrupt?: ((stop: () => void) => () => void) | undefined;
};

/**
 * The first Ctrl-C (or SIGTERM) stops the eval (its batch job cancelled, its agents aborted); the
 * listener is gone after it, so a second one is Node's own and ends the process.
 */
function onFirstSignal(stop: () => void): () => void {
  const once = (): void => {
    release();
    stop();
  };
  const release = (): void => {
    process.off('SIGINT', once);
    process.off('SIGTERM', once);
  };
  process.once('SIGINT', once);
  process.once('SIGTERM', once);
  return release;
}

/**
 * Runs `work` with a signal the user's interrupt aborts: 130 (the shell's code for a Ctrl-C) and
 * what was stopped when it did, else `work`'s code.
 */
async function interruptible(
  command: string,
  io: CliIo,
  onInterrupt: (stop: () => void) => () => void,
  work: (signal: AbortSignal) => Promise<number>,
): Promise<number> {
  const controller = new AbortController();
  const release = onInterrupt(() => controller.abort(new Error(`${command} was interrupted`)));
  try {
    return await work(controller.signal);
  } catch (error) {
    if (!controller.signal.aborted) throw error;
    io.stderr(
      `${command}: stopped (interrupted): the cases running were aborted and none was started after; no result was written.\n`,
    );
    return 130;
  } finally {
    release();
  }
}

/** Makes the `eval` command; `cwd` is where files are looked for. */
export function createEvalCommand(
  cwd: string = process.cwd(),
  options: EvalCommandOptions = {},
): CliCommand {
  return {
    summary: COMMAND_SUMMARIES.eval,
    async run(args: readonly string[], io: CliIo): Promise<number> {
      const [first, ...rest] = args;
      if (first === undefined) {
        io.stderr(USAGE);
        return 2;
      }
      // Help wherever it is asked (`eval compare --help`, `eval from-runs -h`), before anything
      // else: compare reads its own arguments, and help must not need @gemloop/evals installed.
      if ([first, ...rest].some((arg) => arg === '--help' || arg === '-h')) {
        io.stdout(USAGE);
        return 0;
      }
      if ((await loadEvals()) === undefined) {
        io.stderr(`${INSTALL_EVALS}\n`);
        return 1;
      }
      try {
        if (first === 'from-runs') {
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
            USAGE,
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
              `gemloop eval from-runs: give --out FILE (the JSONL dataset to write).\n\n${USAGE}`,
            );
            return 2;
          }
          const databaseUrl = values['database-url'] as string | undefined;
          const databaseOnly = ['run', 'since', 'limit'].filter((key) => values[key] !== undefined);
          if (databaseUrl === undefined && databaseOnly.length > 0) {
            io.stderr(
              `gemloop eval from-runs: --${databaseOnly[0]} reads a fleet's runs: give --database-url too.\n\n${USAGE}`,
            );
            return 2;
          }
          if (databaseUrl !== undefined) {
            if (values['dir'] !== undefined) {
              io.stderr(
                `gemloop eval from-runs: give --dir or --database-url, not both.\n\n${USAGE}`,
              );
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
                : { limit: count('--limit', values['limit'], 10_000) }),
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
        if (first === 'canary')
          return await canary(rest, io, cwd, options.onInterrupt ?? onFirstSignal);
        if (first === 'bisect')
          return await bisect(rest, io, cwd, options.onInterrupt ?? onFirstSignal);
        if (first === 'compare') {
          const files = rest.filter((arg) => !arg.startsWith('--'));
          const flags = rest.filter((arg) => arg.startsWith('--'));
          const unknown = flags.filter((flag) => flag !== '--fail-on-regression');
          if (files.length !== 2 || unknown.length > 0) {
            io.stderr(
              `gemloop eval compare: give two result files (from --json)${unknown.length > 0 ? `; unknown option ${unknown[0]}` : ''}.\n\n${USAGE}`,
            );
            return 2;
          }
          return await compareEvalFiles(
            files[0] as string,
            files[1] as string,
            flags.length > 0,
            io,
            cwd,
          );
        }
        const values = parseCommandArgs(
          rest,
          {
            'min-pass': { type: 'string' },
            concurrency: { type: 'string' },
            repeats: { type: 'string' },
            'timeout-ms': { type: 'string' },
            live: { type: 'boolean' },
            batch: { type: 'boolean' },
            'base-url': { type: 'string' },
            'allow-insecure-http': { type: 'boolean' },
            json: { type: 'string' },
            junit: { type: 'string' },
            name: { type: 'string' },
          },
          USAGE,
          io,
        );
        if (typeof values === 'number') return values;
        // Refused before the suite runs, not when its result is written over the current folder.
        const emptyPath = emptyPathProblem('gemloop eval', values, {
          json: 'the file to write the result to',
          junit: 'the file to write the JUnit report to',
        });
        if (emptyPath !== undefined) {
          io.stderr(emptyPath);
          return 2;
        }
        if (values['live'] === true && values['batch'] === true) {
          io.stderr(`gemloop eval: give --live or --batch, not both.\n\n${USAGE}`);
          return 2;
        }
        // A replay talks to the fake: a --base-url without --live or --batch was ignored, so the
        // command passed on the recording while the user meant to test a gateway.
        if (
          values['base-url'] !== undefined &&
          values['live'] !== true &&
          values['batch'] !== true
        ) {
          io.stderr(
            `gemloop eval: --base-url is the API's address for --live or --batch; a replay answers from the recorded turns. Give --live (or --batch) too, or leave --base-url out.\n`,
          );
          return 2;
        }
        return await interruptible(
          'gemloop eval',
          io,
          options.onInterrupt ?? onFirstSignal,
          (signal) =>
            runEvalSuite(
              {
                signal,
                file: first,
                minPass: rate(values['min-pass']),
                concurrency: count('--concurrency', values['concurrency'], 64),
                repeats: count('--repeats', values['repeats'], 100),
                timeoutMs: count('--timeout-ms', values['timeout-ms'], 86_400_000),
                live: values['live'] === true,
                batch: values['batch'] === true,
                baseUrl: values['base-url'] as string | undefined,
                allowInsecureHttp: values['allow-insecure-http'] === true,
                json: values['json'] as string | undefined,
                junit: values['junit'] as string | undefined,
                name: values['name'] as string | undefined,
              },
              io,
              cwd,
            ),
        );
      } catch (error) {
        // The message can quote a file's bytes (a result's version, a dataset line): escaped, so
        // they print as one inert line rather than repaint the terminal.
        const message = error instanceof Error ? error.message : String(error);
        io.stderr(`gemloop eval: ${escapeControls(message)}\n`);
        return CliFlagError.isInstance(error) ? 2 : 1;
      }
    },
  };
}

/** `gemloop eval canary FILE --from M --to M ...`. */
async function canary(
  rest: readonly string[],
  io: CliIo,
  cwd: string,
  onInterrupt: (stop: () => void) => () => void,
): Promise<number> {
  // The suite first, as `gemloop eval FILE` takes it; the flags after it.
  const [file, ...args] = rest;
  if (file === undefined || file.startsWith('-')) {
    io.stderr(
      `gemloop eval canary: give the suite FILE first, then --from MODEL and --to MODEL.\n\n${USAGE}`,
    );
    return 2;
  }
  const values = parseCommandArgs(
    args,
    {
      from: { type: 'string' },
      to: { type: 'string' },
      k: { type: 'string' },
      alpha: { type: 'string' },
      'must-call': { type: 'string', multiple: true },
      'must-pass': { type: 'string', multiple: true },
      'fail-on-change': { type: 'boolean' },
      'ignore-arguments': { type: 'boolean' },
      'base-url': { type: 'string' },
      'allow-insecure-http': { type: 'boolean' },
      concurrency: { type: 'string' },
      'timeout-ms': { type: 'string' },
      json: { type: 'string' },
    },
    USAGE,
    io,
  );
  if (typeof values === 'number') return values;
  const flags = values;
  const from = flags['from'] as string | undefined;
  const to = flags['to'] as string | undefined;
  if (!from || !to) {
    io.stderr(
      `gemloop eval canary: give the suite FILE, --from MODEL (the model in use) and --to MODEL (the one to upgrade to).\n\n${USAGE}`,
    );
    return 2;
  }
  const emptyPath = emptyPathProblem('gemloop eval canary', flags, {
    json: 'the file to write the result to',
  });
  if (emptyPath !== undefined) {
    io.stderr(emptyPath);
    return 2;
  }
  return await interruptible('gemloop eval canary', io, onInterrupt, (signal) =>
    runCanarySuite(
      {
        signal,
        file,
        from,
        to,
        k: count('--k', flags['k'], 100),
        alpha: level(flags['alpha']),
        mustCall: (flags['must-call'] as unknown as string[] | undefined) ?? [],
        mustPass: (flags['must-pass'] as unknown as string[] | undefined) ?? [],
        failOnChange: flags['fail-on-change'] === true,
        ignoreArguments: flags['ignore-arguments'] === true,
        concurrency: count('--concurrency', flags['concurrency'], 64),
        timeoutMs: count('--timeout-ms', flags['timeout-ms'], 86_400_000),
        baseUrl: flags['base-url'] as string | undefined,
        allowInsecureHttp: flags['allow-insecure-http'] === true,
        json: flags['json'] as string | undefined,
      },
      io,
      cwd,
    ),
  );
}

/** `gemloop eval bisect GOOD BAD --suite FILE ...`. */
async function bisect(
  rest: readonly string[],
  io: CliIo,
  cwd: string,
  onInterrupt: (stop: () => void) => () => void,
): Promise<number> {
  const [good, bad, ...args] = rest;
  if (good === undefined || bad === undefined || good.startsWith('-') || bad.startsWith('-')) {
    io.stderr(
      `gemloop eval bisect: give the good ref, then the bad ref, then --suite FILE.\n\n${USAGE}`,
    );
    return 2;
  }
  const values = parseCommandArgs(
    args,
    {
      suite: { type: 'string' },
      case: { type: 'string', multiple: true },
      'base-url': { type: 'string' },
      'allow-insecure-http': { type: 'boolean' },
      'timeout-ms': { type: 'string' },
      json: { type: 'string' },
    },
    USAGE,
    io,
  );
  if (typeof values === 'number') return values;
  const emptyPath = emptyPathProblem('gemloop eval bisect', values, {
    suite: 'the eval suite whose agent the history changes',
    json: 'the file to write the result to',
  });
  if (emptyPath !== undefined) {
    io.stderr(emptyPath);
    return 2;
  }
  const file = values['suite'] as string | undefined;
  if (file === undefined) {
    io.stderr(
      `gemloop eval bisect: give --suite FILE (the eval suite whose agent the history changes).\n\n${USAGE}`,
    );
    return 2;
  }
  const flags = {
    good,
    bad,
    file,
    caseIds: (values['case'] as unknown as string[] | undefined) ?? [],
    baseUrl: values['base-url'] as string | undefined,
    allowInsecureHttp: values['allow-insecure-http'] === true,
    timeoutMs: count('--timeout-ms', values['timeout-ms'], 86_400_000),
    json: values['json'] as string | undefined,
  };
  // Stopped, its `finally` removes the copies of the project it made (a SIGINT that killed the
  // process where it stood left them in .gemloop/bisect/<pid>).
  return await interruptible('gemloop eval bisect', io, onInterrupt, (signal) =>
    bisectSuite({ ...flags, signal }, io, cwd),
  );
}

/** `--alpha`: a significance level strictly between 0 and 1. */
function level(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  const number = /^0?\.\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(number > 0 && number < 1)) {
    throw new CliFlagError({
      flag: '--alpha',
      value: text.slice(0, 100),
      accepted: ['a number between 0 and 1'],
      message: `--alpha ${text.slice(0, 100)}: give a significance level between 0 and 1, e.g. 0.01.`,
    });
  }
  return number;
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

function rate(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  const number = /^(0(\.\d+)?|1(\.0+)?)$/.test(text) ? Number(text) : Number.NaN;
  if (Number.isNaN(number)) {
    throw new CliFlagError({
      flag: '--min-pass',
      value: text.slice(0, 100),
      accepted: ['a number from 0 to 1'],
      message: `--min-pass ${text.slice(0, 100)}: give a pass rate from 0 to 1, e.g. 0.9.`,
    });
  }
  return number;
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

function count(flag: string, value: unknown, max: number): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  const number = /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
  if (!(number >= 1 && number <= max)) {
    throw new CliFlagError({
      flag,
      value: text.slice(0, 100),
      accepted: [`an integer from 1 to ${max}`],
      message: `${flag} ${text.slice(0, 100)}: give an integer from 1 to ${max}.`,
    });
  }
  return number;
}

/** `gemloop eval`. */
export const evalCommand: CliCommand = createEvalCommand();
