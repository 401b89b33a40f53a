import { constants } from 'node:fs';
import { open, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CliIo } from '../cli-io.ts';
import { escapeControls } from '../probe/create-probe-sanitizer.ts';
import { loadEvals } from './load-evals.ts';
import type { ReadRecordedRuns } from './load-recorded-runs.ts';

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
    try {
      const text = await readRunFile(join(folder, name), evals.MAX_RUN_FILE_CHARS);
      const evalCase =
        text === undefined ? undefined : evals.caseFromRunFile(text, join(folder, name));
      if (evalCase === undefined) skipped++;
      else lines.push(JSON.stringify(evalCase));
    } catch (error) {
      skipped++;
      // The message can quote the file (a run-start's `format`): its bytes must not reach the
      // terminal as escape sequences.
      io.stderr(
        `gemloop eval from-runs: skipped ${escapeControls(name)}: ${escapeControls((error as Error).message)}\n`,
      );
    }
  }
  await writeFile(resolve(cwd, out), lines.length === 0 ? '' : `${lines.join('\n')}\n`);
  io.stdout(
    `${lines.length} case(s) written to ${out}; ${skipped} run(s) skipped (failed, empty or unreadable).\n`,
  );
  return lines.length;
}

// O_NONBLOCK: opening a FIFO named like a run returns at once instead of waiting for a writer
// (open(2)); fstat then refuses it before anything is read. 0 where the platform has none.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * The text of a run file, or `undefined` when it is larger than `maxChars` bytes (not a case).
 * @throws an `Error` saying why for anything but a regular file that can be read (a FIFO, a
 * folder, a dangling symlink): the caller skips that one file.
 */
async function readRunFile(path: string, maxChars: number): Promise<string | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (error) {
    throw new Error(`cannot be read (${(error as { code?: unknown }).code ?? String(error)})`);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new Error('not a regular file (a FIFO, a folder or a device)');
    if (stats.size > maxChars) return undefined;
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/** What `gemloop eval from-runs --database-url` reads. */
export type DatabaseRunsQuery = {
  databaseUrl: string;
  runIds?: string[] | undefined;
  since?: Date | undefined;
  limit?: number | undefined;
};

/**
 * `gemloop eval from-runs --database-url`: the successful runs of a durable fleet (@gemloop/dbos,
 * read back as recorded runs by `readRecordedRuns`) become cases, written as JSONL to `out`.
 * Nothing printed or thrown holds the URL's password or query (see {@link scrubDatabaseUrl}).
 * Returns how many were written.
 */
export async function casesFromDatabase(
  query: DatabaseRunsQuery,
  out: string,
  io: CliIo,
  cwd: string,
  read: ReadRecordedRuns,
): Promise<number> {
  const evals = await loadEvals();
  if (evals === undefined) throw new Error('unreachable: the command checks @gemloop/evals first');
  const lines: string[] = [];
  let skipped = 0;
  try {
    for await (const run of read(query)) {
      const text = run.lines.map((line) => JSON.stringify(line)).join('\n');
      try {
        const evalCase = evals.caseFromRunFile(text, `postgres:${run.runId}`);
        if (evalCase === undefined) skipped++;
        else lines.push(JSON.stringify(evalCase));
      } catch (error) {
        skipped++;
        io.stderr(
          `gemloop eval from-runs: skipped run ${escapeControls(run.runId)}: ${escapeControls(scrubDatabaseUrl((error as Error).message, query.databaseUrl))}\n`,
        );
      }
    }
  } catch (error) {
    // The reader's own errors redact the password; a driver's message might still quote the URL.
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(scrubDatabaseUrl(message, query.databaseUrl));
  }
  await writeFile(resolve(cwd, out), lines.length === 0 ? '' : `${lines.join('\n')}\n`);
  io.stdout(
    `${lines.length} case(s) written to ${out} from ${redactedUrl(query.databaseUrl)}; ${skipped} run(s) skipped (no answer to expect, or unreadable).\n`,
  );
  return lines.length;
}

/**
 * `text` with the database URL's secrets replaced: the URL itself (by its redacted form), its
 * password as written and decoded, and its query string (it may hold `password=` or `sslkey=`).
 */
export function scrubDatabaseUrl(text: string, databaseUrl: string): string {
  let scrubbed = text.split(databaseUrl).join(redactedUrl(databaseUrl));
  let parsed: URL | undefined;
  try {
    parsed = new URL(databaseUrl);
  } catch {
    parsed = undefined;
  }
  const secrets = new Set<string>();
  if (parsed !== undefined) {
    if (parsed.password !== '') {
      secrets.add(parsed.password);
      secrets.add(safeDecode(parsed.password));
    }
    if (parsed.search.length > 1) secrets.add(parsed.search.slice(1));
  }
  for (const secret of secrets) {
    if (secret.length > 0) scrubbed = scrubbed.split(secret).join('***');
  }
  return scrubbed;
}

/** The URL as it may be shown: no password, no query. */
function redactedUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password !== '') url.password = '***';
    url.search = '';
    return url.toString();
  } catch {
    return '(the database URL)';
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
