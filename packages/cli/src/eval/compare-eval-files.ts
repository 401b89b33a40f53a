import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliIo } from '../cli-io.ts';
import { escapeControls } from '../probe/create-probe-sanitizer.ts';
import { loadEvals } from './load-evals.ts';

/**
 * `gemloop eval compare a.json b.json`: the per-case table on stdout; returns 1 when
 * `failOnRegression` and a case regressed, else 0.
 */
export async function compareEvalFiles(
  a: string,
  b: string,
  failOnRegression: boolean,
  io: CliIo,
  cwd: string,
): Promise<number> {
  const evals = await loadEvals();
  if (evals === undefined) throw new Error('unreachable: the command checks @gemloop/evals first');
  const read = async (file: string) => {
    const path = resolve(cwd, file);
    const size = (await stat(path)).size;
    if (size > evals.MAX_RESULT_CHARS) {
      throw new evals.EvalDatasetError({
        source: path,
        problem: `${size} bytes, more than ${evals.MAX_RESULT_CHARS}; not an eval result.`,
      });
    }
    return evals.readEvalResult(await readFile(path, 'utf8'), path);
  };
  const comparison = evals.compareResults(await read(a), await read(b));
  io.stdout(evals.formatComparison(comparison).split('\n').map(escapeControls).join('\n'));
  return failOnRegression && comparison.regressions > 0 ? 1 : 0;
}
