import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, lstat, mkdir, readlink, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { linkedFile, makeFolder } from '@gemloop/core/internal';
import { CliFlagError } from '../cli-flag-error.ts';
import { escapeControls } from '../probe/create-probe-sanitizer.ts';
import { ReportFileError } from './report-file-error.ts';

/**
 * Writes `value` as indented JSON to `path`, making its folder first: `--json
 * .gemloop/forks/new-prompt.json` in a project that has no forks yet. Whole or not at all, as
 * {@link writeTextFile}. `given` is the `--json` value as typed, for the message.
 * @throws {@link CliFlagError} naming `--json` when the report holds a value nested too deeply
 *   for JSON.stringify (a run file's arguments of 100,000 `[`s): nothing is written.
 */
export async function writeJsonFile(
  path: string,
  value: unknown,
  given: string = path,
): Promise<void> {
  let text: string;
  try {
    text = JSON.stringify(value, null, 2);
  } catch (error) {
    // A hostile or hand-edited run file read back: its values go into the report as they are.
    // Only the stack's overflow is ours to say; anything else JSON refuses is a bug, thrown on.
    if (!(error instanceof RangeError)) throw error;
    throw new CliFlagError({
      flag: '--json',
      value: escapeControls(given).slice(0, 100),
      accepted: ['a report of values nested some thousands of levels at most'],
      message: `--json ${escapeControls(given)}: the report cannot be written as JSON: a value in it is nested too deeply (${error.message}). A run file given holds a value nested thousands of levels deep (a call's arguments, a tool's result); the report printed above is whole, the file is not written.`,
      cause: error,
    });
  }
  await writeTextFile(path, `${text}\n`);
}

/**
 * Writes a report or case file, making its folder: the text goes to a file of its own beside the
 * target, renamed over it, so a reader (`gemloop view`, `eval compare`, an eval loading the
 * dataset) sees the old file or the new one whole. Written in place, two runs given one `--json`
 * each truncated it and wrote from its start: a short report over a long one kept the long one's
 * tail, and the file was no report (attack43a). A link is followed link by link to the file at its
 * end, made or not, its folder too (core's `linkedFile`, as the chat and memory file stores:
 * `realpath` failed on a link to a report not written yet, and the link itself was renamed over);
 * that file is replaced, the links kept. A path that is not a regular file (`/dev/stdout`, a
 * FIFO) is written as before, with nothing made beside it.
 * @throws {@link ReportFileError} when the path is a loop of symbolic links: nothing is written.
 */
export async function writeTextFile(path: string, text: string): Promise<void> {
  await makeParentFolder(path);
  const target = await linkedFile(path, { lstat, readlink }, { resolve, dirname });
  // A link to a report in a folder not made yet (a volume's): made, as the path's own folder is.
  if (target !== path) await makeParentFolder(target);
  const existing = await stat(target).catch((error: NodeJS.ErrnoException) => {
    // linkedFile gives a loop back as given; renamed over, its first link became a plain file.
    if (error.code === 'ELOOP') {
      throw new ReportFileError({
        path,
        message:
          'the path is a loop of symbolic links, so the report has no file to go to: point the link at a file (or remove it) and run again. Nothing was written.',
        cause: error,
      });
    }
    return undefined;
  });
  if (existing !== undefined && !existing.isFile()) {
    await writeFile(path, text);
    return;
  }
  // A file its owner made read-only (a baseline kept with chmod 444) is refused as writing it in
  // place refused it: a rename would replace it, the folder being writable.
  if (existing !== undefined) await access(target, constants.W_OK);
  // Beside the target: a rename within one filesystem is atomic, one across them fails (EXDEV).
  const temporary = join(
    dirname(target),
    `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    // The replaced file's permissions kept (a report made private with chmod 600 stays so).
    await writeFile(temporary, text, { flag: 'wx', mode: (existing?.mode ?? 0o666) & 0o777 });
  } catch (error) {
    // A folder the user may not write (a report made for a CI job in a folder it does not own):
    // nothing can be made beside the target, so it is written in place, as before attack43a (a
    // reader polling it may see it half-written); a report not made yet is refused naming itself.
    // Failed here, the command named a `.eval.json.<hex>.tmp` the user never heard of (cli68).
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') {
      // Made and then failed (a full disk): nothing of it is left beside the report.
      await unlink(temporary).catch(() => {});
      throw error;
    }
    await writeFile(target, text, { flag: existing === undefined ? 'wx' : 'w' });
    return;
  }
  try {
    await rename(temporary, target);
  } catch (error) {
    await unlink(temporary).catch(() => {});
    throw error;
  }
}

/**
 * Makes the folder a report or case file goes in, with the bounded `mkdir -p`: Node's `recursive`
 * never settles for a path under /proc (attack29), and the CLI hung at 100 % CPU.
 */
export function makeParentFolder(path: string): Promise<void> {
  return makeFolder({ dir: dirname(path), mkdir: (folder) => mkdir(folder), dirname });
}
