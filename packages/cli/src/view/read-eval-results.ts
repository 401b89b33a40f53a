import { listResultFiles, type ResultFileRead, readResultFile } from './read-result-file.ts';

/** The most eval result files listed (the newest names first). */
export const MAX_EVAL_FILES = 500;
/** The largest eval result file the viewer reads, in bytes. */
export const MAX_EVAL_FILE_BYTES: number = 16 * 1024 * 1024;

/**
 * One eval result as the viewer lists it; a file refused has only its `id` and `problem` (why,
 * in the words `gemloop eval compare` refuses it with), and is no choice to compare.
 */
export type EvalResultSummary =
  | {
      id: string;
      name: string;
      mode: string;
      startedAt: string;
      attempts: number;
      passRate: number;
    }
  | { id: string; problem: string };

/**
 * The eval results (`gemloop eval --json`, format `gemloop-eval`) in `dir`, newest start first,
 * then the files refused (not UTF-8), by name. Files that are not regular, too large, or not
 * eval results are left out; a missing folder is no results. The viewer reads the JSON with no
 * code of @gemloop/evals (the cli loads that only for `gemloop eval`).
 */
export async function listEvalResults(dir: string): Promise<EvalResultSummary[]> {
  const results: (EvalResultSummary & { startedAt: string })[] = [];
  const refused: EvalResultSummary[] = [];
  for (const read of await listResultFiles(dir, MAX_EVAL_FILES, readEvalResultFile)) {
    if ('problem' in read) {
      refused.push({ id: read.id, problem: read.problem });
      continue;
    }
    const { id, record: value } = read;
    const summary = (value['summary'] ?? {}) as Record<string, unknown>;
    results.push({
      id,
      name: typeof value['name'] === 'string' ? value['name'].slice(0, 200) : id,
      mode: typeof value['mode'] === 'string' ? value['mode'].slice(0, 20) : '',
      startedAt: typeof value['startedAt'] === 'string' ? value['startedAt'].slice(0, 40) : '',
      attempts: typeof summary['attempts'] === 'number' ? summary['attempts'] : 0,
      passRate: typeof summary['passRate'] === 'number' ? summary['passRate'] : 0,
    });
  }
  results.sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0));
  return [...results, ...refused];
}

/**
 * One eval result of `dir` by id (`record`), or why the file is refused (`problem`), or
 * `undefined` when the id names no regular eval result file there (a bad name, a symlink, a FIFO,
 * a file past {@link MAX_EVAL_FILE_BYTES}, or JSON that is not format `gemloop-eval` version 1).
 */
export async function readEvalResultFile(
  dir: string,
  id: string,
): Promise<ResultFileRead | undefined> {
  const read = await readResultFile(dir, id, MAX_EVAL_FILE_BYTES);
  if (read === undefined || 'problem' in read) return read;
  const { record } = read;
  if (
    record['format'] !== 'gemloop-eval' ||
    record['version'] !== 1 ||
    !Array.isArray(record['attempts'])
  ) {
    return undefined;
  }
  return read;
}
