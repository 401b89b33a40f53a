import { CliFlagError } from '../cli-flag-error.ts';
import type { CliCommand, CliIo } from '../cli-io.ts';
import { COMMAND_SUMMARIES } from '../command-summaries.ts';
import { diffRunFiles } from '../eval/diff-run-files.ts';
import { INSTALL_EVALS, loadEvals } from '../eval/load-evals.ts';
import { emptyPathProblem, parseArgsWithFiles } from '../parse-command-args.ts';
import { escapeControls } from '../probe/create-probe-sanitizer.ts';

const USAGE = `Usage: gemloop diff A B [--json out.json] [--fail-on-change]

Compares two runs of the same task: tool calls added, dropped and moved, arguments that drifted
(with their JSON paths), the final answers, and steps, tokens and dollars. A and B are recorded
run files (createRunRecorder()) or results of gemloop replay --json (their fork).

Options:
  --json FILE         write the diff as JSON
  --fail-on-change    exit 1 when the runs differ (for CI)
`;

/** Makes the `diff` command; `cwd` is where files are looked for. */
export function createDiffCommand(cwd: string = process.cwd()): CliCommand {
  return {
    summary: COMMAND_SUMMARIES.diff,
    async run(args: readonly string[], io: CliIo): Promise<number> {
      const parsed = parseArgsWithFiles(
        args,
        { json: { type: 'string' }, 'fail-on-change': { type: 'boolean' } },
        USAGE,
        io,
      );
      if (typeof parsed === 'number') return parsed;
      const { values, files } = parsed;
      if (files.length !== 2) {
        io.stderr(`gemloop diff: give two files.\n\n${USAGE}`);
        return 2;
      }
      const empty = emptyPathProblem('gemloop diff', values, {
        json: 'the file to write the diff to',
      });
      if (empty !== undefined) {
        io.stderr(empty);
        return 2;
      }
      if ((await loadEvals()) === undefined) {
        io.stderr(`${INSTALL_EVALS.replace('gemloop eval runs', 'gemloop diff runs')}\n`);
        return 1;
      }
      try {
        return await diffRunFiles(
          [files[0] as string, files[1] as string],
          {
            json: values['json'] as string | undefined,
            failOnChange: values['fail-on-change'] === true,
          },
          io,
          cwd,
        );
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        io.stderr(`gemloop diff: ${escapeControls(message)}\n`);
        return CliFlagError.isInstance(error) ? 2 : 1;
      }
    },
  };
}

/** `gemloop diff`. */
export const diffCommand: CliCommand = createDiffCommand();
