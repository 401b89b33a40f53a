import { CliFlagError } from '../cli-flag-error.ts';
import type { CliCommand, CliIo } from '../cli-io.ts';
import { casesFromRuns } from '../eval/cases-from-runs.ts';
import { compareEvalFiles } from '../eval/compare-eval-files.ts';
import { INSTALL_EVALS, loadEvals } from '../eval/load-evals.ts';
import { runEvalSuite } from '../eval/run-eval-suite.ts';
import { parseCommandArgs } from '../parse-command-args.ts';

const USAGE = `Usage: gemloop eval FILE [--min-pass 0.9] [--concurrency N] [--repeats N] [--timeout-ms N]
                    [--live [--base-url URL]] [--json out.json] [--junit out.xml] [--name NAME]
       gemloop eval from-runs [--dir .gemloop/runs] --out cases.jsonl
       gemloop eval compare a.json b.json [--fail-on-regression]

Runs an eval suite (@gemloop/evals): FILE is a .js/.mjs module (.ts on Node 22.18+) whose default
export is defineEvalSuite({ createAgent, cases, scorers }). By default each case replays its
recorded model turns through the fake Gemini (offline, no key) and a request that differs from
the recorded one (prompt, tools, arguments) fails the case as drift; --live runs against the
model with GEMINI_API_KEY. Prints progress and a summary (pass rates, score distributions,
tokens, cost, latency); exits 1 when the pass rate is under the gate.

Options:
  --min-pass R          the pass rate (0 to 1) under which the command exits 1 (default: the
                        suite's minPass, else 1)
  --concurrency N       cases at once (default 4)
  --repeats N           attempts per case, for models that answer differently (default 1)
  --timeout-ms N        time limit of one attempt (default 120000)
  --live                run against the model (GEMINI_API_KEY), not the recorded turns
  --base-url URL        the API's base URL with --live (a gateway, or gemloop fake)
  --json FILE           write the result (versioned JSON, read by compare and gemloop view)
  --junit FILE          write a JUnit XML report for CI
  --name NAME           the eval run's name in its results (default: the suite's, else FILE's)

from-runs turns the successful runs recorded by createRunRecorder() into cases (their model turns,
requests and tool results as fixtures, their answer and tool calls as expected).
compare prints each case's change between two --json results: regressions, improvements, score
and cost deltas.
`;

/** Makes the `eval` command; `cwd` is where files are looked for. */
export function createEvalCommand(cwd: string = process.cwd()): CliCommand {
  return {
    summary: 'run evals on recorded runs (offline, drift-checked) or live; compare two',
    async run(args: readonly string[], io: CliIo): Promise<number> {
      const [first, ...rest] = args;
      if (first === undefined || first === '--help' || first === '-h') {
        io.stdout(USAGE);
        return first === undefined ? 2 : 0;
      }
      if ((await loadEvals()) === undefined) {
        io.stderr(`${INSTALL_EVALS}\n`);
        return 1;
      }
      try {
        if (first === 'from-runs') {
          const values = parseCommandArgs(
            rest,
            { dir: { type: 'string' }, out: { type: 'string' } },
            USAGE,
            io,
          );
          if (typeof values === 'number') return values;
          const out = values['out'] as string | undefined;
          if (out === undefined) {
            io.stderr(
              `gemloop eval from-runs: give --out FILE (the JSONL dataset to write).\n\n${USAGE}`,
            );
            return 2;
          }
          const dir =
            (values['dir'] as string | undefined) ?? io.env['GEMLOOP_RUNS_DIR'] ?? '.gemloop/runs';
          await casesFromRuns(dir, out, io, cwd);
          return 0;
        }
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
            'base-url': { type: 'string' },
            json: { type: 'string' },
            junit: { type: 'string' },
            name: { type: 'string' },
          },
          USAGE,
          io,
        );
        if (typeof values === 'number') return values;
        return await runEvalSuite(
          {
            file: first,
            minPass: rate(values['min-pass']),
            concurrency: count('--concurrency', values['concurrency'], 64),
            repeats: count('--repeats', values['repeats'], 100),
            timeoutMs: count('--timeout-ms', values['timeout-ms'], 86_400_000),
            live: values['live'] === true,
            baseUrl: values['base-url'] as string | undefined,
            json: values['json'] as string | undefined,
            junit: values['junit'] as string | undefined,
            name: values['name'] as string | undefined,
          },
          io,
          cwd,
        );
      } catch (error) {
        io.stderr(`gemloop eval: ${error instanceof Error ? error.message : String(error)}\n`);
        return CliFlagError.isInstance(error) ? 2 : 1;
      }
    },
  };
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
