import type { CliIo } from '../../cli-io.ts';
import { compareEvalFiles } from '../../eval/compare-eval-files.ts';
import { EVAL_USAGE } from './eval-usage.ts';

/**
 * `gemloop eval compare a.json b.json [--fail-on-regression]`: each case's change between two
 * `--json` results; 2 unless it is given exactly two files and no other option.
 */
export async function evalCompare(
  rest: readonly string[],
  io: CliIo,
  cwd: string,
): Promise<number> {
  // After `--` every argument is a file (POSIX, see leadingOperands): `-- -a.json b.json`.
  const end = rest.indexOf('--');
  const before = end < 0 ? rest : rest.slice(0, end);
  const after = end < 0 ? [] : rest.slice(end + 1);
  const files = [...before.filter((arg) => !arg.startsWith('--')), ...after];
  const flags = before.filter((arg) => arg.startsWith('--'));
  const unknown = flags.filter((flag) => flag !== '--fail-on-regression');
  if (files.length !== 2 || unknown.length > 0) {
    io.stderr(
      `gemloop eval compare: give two result files (from --json)${unknown.length > 0 ? `; unknown option ${unknown[0]}` : ''}.\n\n${EVAL_USAGE}`,
    );
    return 2;
  }
  return await compareEvalFiles(files[0] as string, files[1] as string, flags.length > 0, io, cwd);
}
