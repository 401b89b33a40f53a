import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EvalDatasetError } from './eval-dataset-error.ts';
import { loadEvalCases } from './load-eval-cases.ts';

const dir = mkdtempSync(join(tmpdir(), 'gemloop-load-cases-'));
const fifo = join(dir, 'cases-fifo.jsonl');
afterAll(() => {
  // Lets go of a read still waiting on the FIFO for a writer (there is none with the fix).
  try {
    closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
  } catch {
    // No reader waits: ENXIO, or no FIFO at all.
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('loadEvalCases', () => {
  it('reads a file; refuses a folder or a missing file with an EvalDatasetError naming it', async () => {
    const file = join(dir, 'cases.jsonl');
    writeFileSync(file, '{"id":"a","input":"hi"}\n');
    expect(await loadEvalCases(file)).toEqual([{ id: 'a', input: 'hi' }]);
    const folder = await loadEvalCases(dir).catch((error: unknown) => error);
    expect(folder).toBeInstanceOf(EvalDatasetError);
    expect((folder as Error).message).toBe(
      `${dir}: a folder, not a dataset; give the path of a .jsonl file.`,
    );
    const missing = await loadEvalCases(join(dir, 'none.jsonl')).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(EvalDatasetError);
  });

  it.skipIf(process.platform === 'win32')(
    'refuses a FIFO with an EvalDatasetError instead of waiting for a writer',
    async () => {
      execFileSync('mkfifo', [fifo]);
      const error = await loadEvalCases(fifo).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(EvalDatasetError);
      expect((error as Error).message).toBe(
        `${fifo}: not a regular file (a FIFO or a device); give the path of a .jsonl file.`,
      );
    },
  );
});
