import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CliIo } from '../cli-io.ts';
import { loadEvals } from './load-evals.ts';

/** The most run files `gemloop eval from-runs` reads (the newest first). */
export const MAX_RUN_FILES_READ = 5000;

/**
 * `gemloop eval from-runs`: every successful recorded run in `dir` becomes a case (its model
 * turns and tool results as fixtures) written as JSONL to `out`. Returns how many were written.
 */
export async function casesFromRuns(
  dir: string,
  out: string,
  io: CliIo,
  cwd: string,
): Promise<number> {
  const evals = await loadEvals();
  if (evals === undefined) throw new Error('unreachable: the command checks @gemloop/evals first');
  const folder = resolve(cwd, dir);
  const names = (await readdir(folder))
    .filter((name) => name.endsWith('.jsonl'))
    .sort()
    .reverse()
    .slice(0, MAX_RUN_FILES_READ);
  const lines: string[] = [];
  let skipped = 0;
  for (const name of names.reverse()) {
    const path = join(folder, name);
    if ((await stat(path)).size > evals.MAX_RUN_FILE_CHARS) {
      skipped++;
      continue;
    }
    try {
      const evalCase = evals.caseFromRunFile(await readFile(path, 'utf8'), path);
      if (evalCase === undefined) skipped++;
      else lines.push(JSON.stringify(evalCase));
    } catch (error) {
      skipped++;
      io.stderr(`gemloop eval from-runs: skipped ${name}: ${(error as Error).message}\n`);
    }
  }
  await writeFile(resolve(cwd, out), lines.length === 0 ? '' : `${lines.join('\n')}\n`);
  io.stdout(
    `${lines.length} case(s) written to ${out}; ${skipped} run(s) skipped (failed, empty or unreadable).\n`,
  );
  return lines.length;
}
