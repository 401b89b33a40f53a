import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CliIo } from '../../cli-io.ts';
import { createEvalCommand } from '../../commands/eval.ts';

const SUITE = pathToFileURL(join(import.meta.dirname, 'weather-suite.ts')).href;

/**
 * Makes `dir` a project `gemloop eval suite.mjs` runs: `runText` as `run.jsonl`, the dataset
 * `cases.jsonl` made of it by `gemloop eval from-runs`, and `suite.mjs` (the weather suite on that
 * dataset). Throws when from-runs fails, saying what it printed.
 */
export async function writeSuiteProject(
  dir: string,
  runText: string,
  io: CliIo & { err: () => string },
): Promise<void> {
  writeFileSync(join(dir, 'run.jsonl'), runText);
  const code = await createEvalCommand(dir).run(
    ['from-runs', '--dir', '.', '--out', 'cases.jsonl'],
    io,
  );
  if (code !== 0) throw new Error(`from-runs exited ${code}: ${io.err()}`);
  writeFileSync(
    join(dir, 'suite.mjs'),
    `import { weatherSuite } from '${SUITE}';\nexport default weatherSuite('cases.jsonl');\n`,
  );
}
