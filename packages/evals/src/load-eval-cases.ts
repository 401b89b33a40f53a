import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { decodeUtf8File } from '@gemloop/core/internal';
import type { EvalCase } from './eval-case.ts';
import { EvalDatasetError } from './eval-dataset-error.ts';
import { MAX_DATASET_CHARS, parseEvalCases } from './parse-eval-cases.ts';

// O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer (open(2)); fstat on
// the open file then refuses it before anything is read. A stat of the path first would race
// with its replacement by a FIFO. 0 where the platform has no such flag.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * Reads a JSONL dataset file (Node). Only a regular file is read (a folder, a FIFO or a device is
 * refused), and its size is checked first: a file past {@link MAX_DATASET_CHARS} bytes is refused
 * with an {@link EvalDatasetError}, never loaded.
 */
export async function loadEvalCases(path: string): Promise<EvalCase[]> {
  const cannotRead = (error: unknown): EvalDatasetError =>
    new EvalDatasetError({
      source: path,
      problem: `cannot read it (${(error as Error).message}).`,
    });
  const folder = (): EvalDatasetError =>
    new EvalDatasetError({
      source: path,
      problem: 'a folder, not a dataset; give the path of a .jsonl file.',
    });
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (error) {
    // Where a folder cannot be opened as a file (Windows).
    if ((error as { code?: unknown }).code === 'EISDIR') throw folder();
    throw cannotRead(error);
  }
  let text: string;
  try {
    let stats: Awaited<ReturnType<typeof handle.stat>>;
    try {
      stats = await handle.stat();
    } catch (error) {
      throw cannotRead(error);
    }
    if (stats.isDirectory()) throw folder();
    if (!stats.isFile()) {
      throw new EvalDatasetError({
        source: path,
        problem: 'not a regular file (a FIFO or a device); give the path of a .jsonl file.',
      });
    }
    if (stats.size > MAX_DATASET_CHARS) {
      throw new EvalDatasetError({
        source: path,
        problem: `${stats.size} bytes, more than ${MAX_DATASET_CHARS}; split the dataset.`,
      });
    }
    let bytes: Uint8Array;
    try {
      bytes = await handle.readFile();
    } catch (error) {
      // An I/O error, or no permission to read.
      throw cannotRead(error);
    }
    const decoded = decodeUtf8File(bytes);
    if ('line' in decoded) {
      throw new EvalDatasetError({
        source: path,
        line: decoded.line,
        problem:
          'this line is not UTF-8 (the file was saved in another encoding, such as Windows-1252); save the dataset as UTF-8.',
      });
    }
    text = decoded.text;
  } finally {
    await handle.close().catch(() => {});
  }
  return parseEvalCases(text, path);
}
