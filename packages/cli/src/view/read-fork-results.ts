import { listResultFiles, type ResultFileRead, readResultFile } from './read-result-file.ts';

/** The most fork results listed (the newest names first). */
export const MAX_FORK_FILES = 500;
/** The largest fork result the viewer reads, in bytes. */
export const MAX_FORK_FILE_BYTES: number = 16 * 1024 * 1024;

/**
 * One fork (`gemloop replay --json`) as the viewer lists it; a file refused has only its `id` and
 * `problem` (why, in the words `gemloop diff` refuses it with).
 */
export type ForkResultSummary =
  | {
      id: string;
      /** The name of the run file it forked (not its folder). */
      runFile: string;
      until: number;
      same: boolean;
      answerChanged: boolean;
    }
  | { id: string; problem: string };

/**
 * The forks `gemloop replay --json` wrote in `dir` (format 1), by name, newest first, each file
 * refused (not UTF-8) in its place with why. Files that are not regular, too large, or not forks
 * are left out; a missing folder is no forks. Read with no code of @gemloop/evals (the cli loads
 * it only for the commands that run it).
 */
export async function listForkResults(dir: string): Promise<ForkResultSummary[]> {
  const forks: ForkResultSummary[] = [];
  for (const read of await listResultFiles(dir, MAX_FORK_FILES, readForkResultFile)) {
    if ('problem' in read) {
      forks.push({ id: read.id, problem: read.problem });
      continue;
    }
    const { id, record: fork } = read;
    const diff = fork['diff'] as { same?: unknown; answer?: { same?: unknown } };
    const runFile = typeof fork['runFile'] === 'string' ? fork['runFile'] : '';
    forks.push({
      id,
      runFile: runFile.slice(runFile.lastIndexOf('/') + 1).slice(0, 300),
      until: typeof fork['until'] === 'number' ? fork['until'] : 0,
      same: diff.same === true,
      answerChanged: diff.answer?.same !== true,
    });
  }
  return forks;
}

/**
 * One fork of `dir` by id (`record`), or why the file is refused (`problem`), or `undefined` when
 * the id names no regular fork file there or the JSON is not a fork: format 1 with both
 * trajectories (their tool calls lists) and the diff.
 */
export async function readForkResultFile(
  dir: string,
  id: string,
): Promise<ResultFileRead | undefined> {
  const read = await readResultFile(dir, id, MAX_FORK_FILE_BYTES);
  if (read === undefined || 'problem' in read) return read;
  const { record } = read;
  const listsCalls = (side: unknown): boolean =>
    typeof side === 'object' &&
    side !== null &&
    Array.isArray((side as { toolCalls?: unknown }).toolCalls);
  const diff = record['diff'] as { toolCalls?: unknown } | undefined;
  if (
    record['format'] !== 1 ||
    !listsCalls(record['original']) ||
    !listsCalls(record['fork']) ||
    typeof diff !== 'object' ||
    diff === null ||
    typeof diff.toolCalls !== 'object' ||
    diff.toolCalls === null
  ) {
    return undefined;
  }
  return read;
}
