import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliFlagError } from '../cli-flag-error.ts';
import type { CliCommand, CliIo } from '../cli-io.ts';
import { COMMAND_SUMMARIES } from '../command-summaries.ts';
import { didYouMean } from '../did-you-mean.ts';
import { createReportRedactor } from '../eval/create-report-redactor.ts';
import { INSTALL_EVALS, loadEvals } from '../eval/load-evals.ts';
import { asksForHelp, leadingOperands } from '../parse-command-args.ts';
import { escapeControls } from '../probe/create-probe-sanitizer.ts';
import { evalBisect } from './eval/eval-bisect.ts';
import { evalCanary } from './eval/eval-canary.ts';
import type { EvalCommandOptions } from './eval/eval-command-options.ts';
import { evalCompare } from './eval/eval-compare.ts';
import { evalFromRuns } from './eval/eval-from-runs.ts';
import { evalSuiteFile } from './eval/eval-suite-file.ts';
import { EVAL_USAGE } from './eval/eval-usage.ts';
import { onFirstSignal } from './eval/interruptible.ts';

export type { EvalCommandOptions } from './eval/eval-command-options.ts';

/**
 * Makes the `eval` command; `cwd` is where files are looked for. Each subcommand (a suite FILE,
 * from-runs, compare, canary, bisect) reads its own arguments in `./eval/`.
 */
export function createEvalCommand(
  cwd: string = process.cwd(),
  options: EvalCommandOptions = {},
): CliCommand {
  return {
    summary: COMMAND_SUMMARIES.eval,
    async run(args: readonly string[], io: CliIo): Promise<number> {
      // Help wherever it is asked (`eval compare --help`, `eval from-runs -h`) before a `--`,
      // before anything else: compare reads its own arguments, and help must not need
      // @gemloop/evals installed.
      if (asksForHelp(args)) {
        io.stdout(EVAL_USAGE);
        return 0;
      }
      // `gemloop eval -- FILE`: after `--` the suite file, whatever its name (`-suite.mjs`, or
      // `compare`), never a subcommand or an option (POSIX, see leadingOperands).
      const suiteAfterEnd = args[0] === '--' ? leadingOperands(args, 1) : undefined;
      const [first, ...rest] = args;
      if (first === undefined || (first === '--' && suiteAfterEnd === undefined)) {
        io.stderr(EVAL_USAGE);
        return 2;
      }
      if ((await loadEvals()) === undefined) {
        io.stderr(`${INSTALL_EVALS}\n`);
        return 1;
      }
      const onInterrupt = options.onInterrupt ?? onFirstSignal;
      try {
        if (suiteAfterEnd !== undefined) {
          const [file = ''] = suiteAfterEnd.operands;
          return await evalSuiteFile(file, suiteAfterEnd.rest, io, cwd, onInterrupt);
        }
        if (first === 'from-runs') return await evalFromRuns(rest, io, cwd, options);
        if (first === 'canary') return await evalCanary(rest, io, cwd, onInterrupt);
        if (first === 'bisect') return await evalBisect(rest, io, cwd, onInterrupt);
        if (first === 'compare') return await evalCompare(rest, io, cwd);
        const typo = subcommandTypo(first, cwd);
        if (typo !== undefined) {
          io.stderr(`${typo}\n\n${EVAL_USAGE}`);
          return 2;
        }
        return await evalSuiteFile(first, rest, io, cwd, onInterrupt);
      } catch (error) {
        // The message can quote a file's bytes (a result's version, a dataset line): escaped, so
        // they print as one inert line rather than repaint the terminal. Redacted as the results
        // are: a ref given as a key, a git error quoting it, or a suite whose import failed
        // quoting a database URL printed it (bisect's errors, leftovers49).
        const message = error instanceof Error ? error.message : String(error);
        const redact = createReportRedactor(io.env, process.argv.slice(2), cwd);
        io.stderr(`gemloop eval: ${escapeControls(redact(message))}\n`);
        return CliFlagError.isInstance(error) ? 2 : 1;
      }
    },
  };
}

const SUBCOMMANDS = ['from-runs', 'compare', 'canary', 'bisect'];

/**
 * The refusal of `first` when it is no file and one slip from a subcommand (`comapre`), else
 * `undefined`: read as a suite FILE, `gemloop eval comapre a.json b.json` was refused for its
 * second argument ("Unexpected argument 'a.json'"), and `gemloop eval canery` as a missing
 * module, neither naming the typo. A file of that name is a suite file still.
 */
function subcommandTypo(first: string, cwd: string): string | undefined {
  const hint = didYouMean(first, SUBCOMMANDS, (name) => `gemloop eval ${name}`);
  if (hint === '' || existsSync(resolve(cwd, first))) return undefined;
  const shown = escapeControls(first.length > 100 ? `${first.slice(0, 100)}…` : first);
  return `gemloop eval: no eval file or subcommand '${shown}'.${hint}`;
}

/** `gemloop eval`. */
export const evalCommand: CliCommand = createEvalCommand();
