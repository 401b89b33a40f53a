import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { decodeUtf8File } from '@gemloop/core/internal';
import type { EvalCase } from '@gemloop/evals';
import type { CliIo } from '../cli-io.ts';
import { escapeControls } from '../probe/create-probe-sanitizer.ts';
import { type FolderNames, NAME_NOT_UTF8, readFolderNames } from '../read-folder-names.ts';
import { newestRunFilesFirst } from '../run-file-order.ts';
import { loadEvals } from './load-evals.ts';
import type { ReadRecordedRuns } from './load-recorded-runs.ts';
import { refuseOutputOverInput } from './refuse-output-over-input.ts';
import { writeTextFile } from './write-json-file.ts';

/** The most run files `gemloop eval from-runs` reads (the newest first). */
export const MAX_RUN_FILES_READ = 5000;

/**
 * `gemloop eval from-runs`: every successful recorded run in `dir` becomes a case (its model
 * turns and tool results as fixtures) written as JSONL to `out`. A run of an agent tree (a run
 * with subagents) is one case with its subagents' runs (the files whose run-start names it as
 * their parent, at any depth), replayed whole. Returns how many were written; with none, nothing
 * is written (the caller fails the command).
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
  const found = await readRunsFolder(folder);
  const names = found.names
    .filter((name) => name.endsWith('.jsonl'))
    .sort(newestRunFilesFirst)
    .slice(0, MAX_RUN_FILES_READ);
  const skip = (label: string, why: string): void => {
    skipped++;
    io.stderr(`gemloop eval from-runs: skipped ${label}: ${why}\n`);
  };
  const dataset = createDatasetLines(evals, (why) =>
    io.stderr(`gemloop eval from-runs: skipped ${why}\n`),
  );
  const lines = dataset.lines;
  let skipped = 0;
  let unfinished = 0;
  let subagentRuns = 0;
  // A name that is not UTF-8 opens no file by its text (readFolderNames): said, not read.
  for (const shown of found.notUtf8.filter((name) => name.endsWith('.jsonl')))
    skip(shown, `${NAME_NOT_UTF8}.`);
  // Every file's ids are read before any case is made: a run's subagents are known only from
  // their own files (their run-start names it as their parent), which may come before or after
  // it. Only the ids are kept; each case reads its files again. Holding every file's text until
  // the end held the whole folder in memory: 240 MB of runs grew the heap by 211 MB, and a folder
  // of a few GB ended the process (attack43a).
  const files: RunFile[] = [];
  for (const name of names.reverse()) {
    const label = escapeControls(name);
    try {
      const text = await readRunFile(join(folder, name), evals.MAX_RUN_FILE_CHARS);
      if (text === undefined) {
        skip(label, `larger than ${evals.MAX_RUN_FILE_CHARS} characters; not turned into a case.`);
        continue;
      }
      files.push({ label, path: join(folder, name), ...runIdsOf(text) });
    } catch (error) {
      // The message can quote the file (a run-start's `format`): its bytes must not reach the
      // terminal as escape sequences.
      skip(label, escapeControls((error as Error).message));
    }
  }
  // Before any case is made: a recorded run is never written over with the dataset.
  await refuseOutputOverInput({
    flag: '--out',
    given: out,
    output: resolve(cwd, out),
    inputs: files
      .filter((file) => file.runId !== undefined)
      .map((file) => ({
        path: file.path,
        is: `a recorded run (${file.label}) this command reads`,
      })),
  });
  const children = new Map<string, RunFile[]>();
  for (const file of files) {
    if (file.parentRunId === undefined) continue;
    const siblings = children.get(file.parentRunId);
    if (siblings === undefined) children.set(file.parentRunId, [file]);
    else siblings.push(file);
  }
  // A file read again for its case (it may have changed since: a run still being written).
  const textOf = async (file: RunFile): Promise<string> => {
    const text = await readRunFile(file.path, evals.MAX_RUN_FILE_CHARS);
    if (text === undefined)
      throw new Error(
        `larger than ${evals.MAX_RUN_FILE_CHARS} characters; not turned into a case.`,
      );
    return text;
  };
  const subagentText = (child: RunFile): Promise<string> =>
    textOf(child).catch((error: unknown) => {
      throw new Error(`its subagent's run ${child.label}: ${(error as Error).message}`);
    });
  const inTree = new Set<RunFile>();
  for (const file of files) {
    if (file.parentRunId !== undefined) continue;
    const subagents = descendantsOf(file, children);
    for (const child of subagents) inTree.add(child);
    try {
      const evalCase = evals.caseFromRunFile(await textOf(file), file.path, {
        subagentRuns: await Promise.all(
          subagents.map(async (child) => ({
            text: await subagentText(child),
            runFile: child.path,
          })),
        ),
      });
      if (evalCase === undefined) unfinished++;
      else if (dataset.add(evalCase, file.label)) subagentRuns += subagents.length;
      else skipped++;
    } catch (error) {
      skip(file.label, escapeControls((error as Error).message));
    }
  }
  for (const file of files) {
    if (file.parentRunId === undefined || inTree.has(file)) continue;
    // Its top run is not in the folder (pruned, or recorded elsewhere): alone it is not a run of
    // the suite's agent, and the case of its tree cannot be made without it.
    skip(
      file.label,
      `a subagent's run (of ${escapeControls(file.parentRunId)}) whose top run is not in ${escapeControls(dir)}; it becomes part of its top run's case when both are there.`,
    );
  }
  if (lines.length > 0) await writeTextFile(resolve(cwd, out), `${lines.join('\n')}\n`);
  const trees = subagentRuns === 0 ? '' : ` (with ${subagentRuns} subagent run(s) in them)`;
  io.stdout(
    `${lines.length} case(s) written to ${out}${trees}; ${skipped + unfinished} run(s) skipped (${unfinished} failed, unfinished or without an answer; ${skipped} as said above).\n`,
  );
  return lines.length;
}

/** A run file read for `from-runs`: where it is and its ids (its text is read again for its case). */
type RunFile = {
  label: string;
  path: string;
  runId: string | undefined;
  parentRunId: string | undefined;
};

/**
 * The subagent runs below `top`, parents before children, each file once (run files are hostile
 * input: a loop of parent ids ends here).
 */
function descendantsOf(top: RunFile, children: ReadonlyMap<string, RunFile[]>): RunFile[] {
  const found = new Set<RunFile>();
  const seen = new Set<string>();
  const queue = top.runId === undefined ? [] : [top.runId];
  for (let runId = queue.shift(); runId !== undefined; runId = queue.shift()) {
    if (seen.has(runId)) continue;
    seen.add(runId);
    for (const child of children.get(runId) ?? []) {
      if (found.has(child)) continue;
      found.add(child);
      if (child.runId !== undefined) queue.push(child.runId);
    }
  }
  return [...found];
}

/** The `runId` and `parentRunId` of a recorded run (its first line, the run-start). */
function runIdsOf(text: string): { runId: string | undefined; parentRunId: string | undefined } {
  // The first line ends at LF, CRLF or a CR alone (old Mac line ends: a raw CR is never inside
  // a JSON string), as evals' `textLines` reads the rest.
  const end = text.search(/[\r\n]/);
  let start: { runId?: unknown; parentRunId?: unknown } | null;
  try {
    // After a byte-order mark an editor saved (RFC 8259 section 8.1: a parser may ignore it).
    const from = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    start = JSON.parse(end === -1 ? text.slice(from) : text.slice(from, end)) as typeof start;
  } catch {
    start = null;
  }
  const id = (value: unknown): string | undefined =>
    typeof value === 'string' && value !== '' ? value : undefined;
  return { runId: id(start?.runId), parentRunId: id(start?.parentRunId) };
}

/**
 * The names in the runs folder (those that are not UTF-8 apart, shown: see {@link readFolderNames}).
 * @throws an `Error` saying what is wrong with the folder and how to fix it (it was the bare
 * `ENOENT: no such file or directory, scandir` of a project that has recorded no run yet).
 */
async function readRunsFolder(folder: string): Promise<FolderNames> {
  try {
    return await readFolderNames(folder);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const shown = escapeControls(folder);
    if (code === 'ENOENT')
      throw new Error(
        `no runs folder ${shown}: record runs with createRunRecorder() first, or give --dir the folder they are in.`,
      );
    if (code === 'ENOTDIR')
      throw new Error(`${shown} is a file, not a folder: give --dir the folder of the run files.`);
    throw new Error(`cannot read the runs folder ${shown} (${String(code ?? error)}).`);
  }
}

/**
 * The dataset's lines as they are gathered, each case kept only when `loadEvalCases` reads it
 * back: a run written twice (a copy of its file) and a case past the loader's limits (a run file
 * of 10 MB, under the recorder's 20 MB, makes a line past `MAX_CASE_LINE_CHARS`) would otherwise
 * make the whole dataset fail to load. `add` returns false and calls `skip` with the case's
 * `label` and why, when the case is left out.
 */
function createDatasetLines(
  evals: NonNullable<Awaited<ReturnType<typeof loadEvals>>>,
  skip: (why: string) => void,
): { lines: string[]; add: (evalCase: EvalCase, label: string) => boolean } {
  const lines: string[] = [];
  const ids = new Map<string, string>();
  // The dataset's characters so far, newlines included (the loader counts the file's).
  let chars = 0;
  return {
    lines,
    add(evalCase, label) {
      const first = ids.get(evalCase.id);
      if (first !== undefined) {
        skip(
          `${label}: its run id ${escapeControls(evalCase.id)} is a case already (from ${first}); a copy of a run file?`,
        );
        return false;
      }
      const line = JSON.stringify(evalCase);
      if (line.length > evals.MAX_CASE_LINE_CHARS) {
        skip(
          `${label}: its case has ${line.length} characters, more than the ${evals.MAX_CASE_LINE_CHARS} of a dataset line.`,
        );
        return false;
      }
      if (chars + line.length + 1 > evals.MAX_DATASET_CHARS || lines.length >= evals.MAX_CASES) {
        skip(
          `${label}: the dataset is full (at most ${evals.MAX_DATASET_CHARS} characters and ${evals.MAX_CASES} cases); write fewer runs into it (--dir with fewer files, or --limit).`,
        );
        return false;
      }
      ids.set(evalCase.id, label);
      chars += line.length + 1;
      lines.push(line);
      return true;
    },
  };
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
    // Strictly: a byte of another encoding read as U+FFFD made a case no run gave (attack43a).
    const decoded = decodeUtf8File(await handle.readFile());
    if ('line' in decoded) {
      throw new Error(
        `line ${decoded.line} is not UTF-8 (the file was saved in another encoding, such as Windows-1252); save it as UTF-8, or record the run again.`,
      );
    }
    return decoded.text;
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
  const dataset = createDatasetLines(evals, (why) =>
    io.stderr(`gemloop eval from-runs: skipped ${why}\n`),
  );
  const lines = dataset.lines;
  let skipped = 0;
  try {
    for await (const run of read(query)) {
      if (run.hasSubagents === true) {
        // Its subagents' model calls are in their child workflows, which are not read: the
        // case would serve them the top run's answers and drift.
        skipped++;
        io.stderr(
          `gemloop eval from-runs: skipped run ${escapeControls(run.runId)}: it started subagents (child workflows), whose model turns are not read from the fleet yet; evaluate it with --live, or record the agent's runs to a folder (createRunRecorder) and use --dir, which replays a run with subagents whole.\n`,
        );
        continue;
      }
      const text = run.lines.map((line) => JSON.stringify(line)).join('\n');
      try {
        const evalCase = evals.caseFromRunFile(text, `postgres:${run.runId}`);
        if (evalCase === undefined || !dataset.add(evalCase, `run ${escapeControls(run.runId)}`))
          skipped++;
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
  if (lines.length > 0) await writeTextFile(resolve(cwd, out), `${lines.join('\n')}\n`);
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
