import { EvalDatasetError } from '../eval-dataset-error.ts';
import { parseEvalCases } from '../parse-eval-cases.ts';

/**
 * The `EvalDatasetError` that parsing `text` as `cases.jsonl` throws; any other error is thrown
 * on, and a dataset that loads fails the test ("no refusal").
 */
export function datasetRefusal(text: string): EvalDatasetError {
  try {
    parseEvalCases(text, 'cases.jsonl');
  } catch (error) {
    if (EvalDatasetError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('no refusal');
}
