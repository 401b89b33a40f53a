import { readFile, stat } from 'node:fs/promises';
import type { EvalCase } from './eval-case.ts';
import { EvalDatasetError } from './eval-dataset-error.ts';
import { MAX_DATASET_CHARS, parseEvalCases } from './parse-eval-cases.ts';

/**
 * Reads a JSONL dataset file (Node). The size is checked before reading: a file past
 * {@link MAX_DATASET_CHARS} bytes is refused with an {@link EvalDatasetError}, never loaded.
 */
export async function loadEvalCases(path: string): Promise<EvalCase[]> {
  const cannotRead = (error: unknown): EvalDatasetError =>
    new EvalDatasetError({
      source: path,
      problem: `cannot read it (${(error as Error).message}).`,
    });
  let stats: Awaited<ReturnType<typeof stat>>;
  try {
    stats = await stat(path);
  } catch (error) {
    throw cannotRead(error);
  }
  if (stats.isDirectory()) {
    throw new EvalDatasetError({
      source: path,
      problem: 'a folder, not a dataset; give the path of a .jsonl file.',
    });
  }
  if (stats.size > MAX_DATASET_CHARS) {
    throw new EvalDatasetError({
      source: path,
      problem: `${stats.size} bytes, more than ${MAX_DATASET_CHARS}; split the dataset.`,
    });
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    // Removed or made unreadable between the two calls, or no permission to read.
    throw cannotRead(error);
  }
  return parseEvalCases(text, path);
}
