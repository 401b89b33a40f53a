import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { decodeUtf8File } from '@gemloop/core/internal';
import type { CliIo } from '../cli-io.ts';
import { escapeControls } from '../probe/create-probe-sanitizer.ts';
import { notUtf8Problem } from '../view/decode-recorded-text.ts';
import { loadEvals } from './load-evals.ts';

// O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer (open(2)); fstat on
// the open file then refuses it before anything is read. 0 where the platform has no such flag.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

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
    const refuse = (problem: string): never => {
      throw new evals.EvalDatasetError({ source: path, problem });
    };
    // Only a regular file is read: a folder was a bare EISDIR, and a FIFO without a writer
    // (or a device) waited forever.
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(path, OPEN_FLAGS);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === 'EISDIR') return refuse('a folder; give a file written by gemloop eval --json.');
      return refuse(`cannot read it (${(error as Error).message}).`);
    }
    let text: string;
    try {
      const stats = await handle.stat();
      if (stats.isDirectory()) refuse('a folder; give a file written by gemloop eval --json.');
      if (!stats.isFile())
        refuse(
          'not a regular file (a FIFO or a device); give a file written by gemloop eval --json.',
        );
      if (stats.size > evals.MAX_RESULT_CHARS)
        refuse(`${stats.size} bytes, more than ${evals.MAX_RESULT_CHARS}; not an eval result.`);
      // Strictly, as the run files and datasets are read: a byte of another encoding read as
      // U+FFFD made a case id no eval wrote, and the comparison a removed and an added case.
      const decoded = decodeUtf8File(await handle.readFile());
      if ('line' in decoded) return refuse(`${notUtf8Problem(decoded.line)}.`);
      text = decoded.text;
    } finally {
      await handle.close().catch(() => {});
    }
    return evals.readEvalResult(text, path);
  };
  const comparison = evals.compareResults(await read(a), await read(b));
  io.stdout(evals.formatComparison(comparison).split('\n').map(escapeControls).join('\n'));
  return failOnRegression && comparison.regressions > 0 ? 1 : 0;
}
