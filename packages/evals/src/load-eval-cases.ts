import { readFile, stat } from 'node:fs/promises';
import type { EvalCase } from './eval-case.ts';
import { EvalDatasetError } from './eval-dataset-error.ts';
import { MAX_DATASET_CHARS, parseEvalCases } from './parse-eval-cases.ts';

/**
 * Reads a JSONL dataset file (Node). The size is checked before reading: a file past
 * {@link MAX_DATASET_CHARS} bytes is refused with an {@link EvalDatasetError}, never loaded.
 */
export async function loadEvalCases(path: string): Promise<EvalCase[]> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    throw new EvalDatasetError({
      source: path,
      problem: `cannot read it (${(error as Error).message}).`,
    });
  }
  if (size > MAX_DATASET_CHARS) {
    throw new EvalDatasetError({
      source: path,
      problem: `${size} bytes, more than ${MAX_DATASET_CHARS}; split the dataset.`,
    });
  }
  return parseEvalCases(await readFile(path, 'utf8'), path);
}
