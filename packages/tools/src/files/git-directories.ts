import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { lstat, open, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { quoteText } from '@gemloop/core/internal';
import { FileToolError } from './file-tool-error.ts';
import { folderKey } from './protected-folders.ts';

/**
 * The entries git looks for when it asks whether a folder is a git directory
 * (`is_git_directory()` in git's setup.c), by {@link folderKey}: a `HEAD`, and `objects` and
 * `refs`, or a `commondir` file naming the folder that holds those two.
 */
const GIT_DIRECTORY_ENTRIES: ReadonlySet<string> = new Set([
  'head',
  'objects',
  'refs',
  'commondir',
]);

/** The bytes of a HEAD file git reads (`validate_headref()`: a 256-byte buffer, NUL-ended). */
const HEAD_BYTES = 255;

/** What a folder holds of {@link GIT_DIRECTORY_ENTRIES}. */
type GitEntries = { head: boolean; objects: boolean; refs: boolean; commondir: boolean };

const WHAT_GIT_SEES =
  'a HEAD naming a ref or an object, beside objects and refs or a commondir file';

/**
 * Whether a write to `relative` (root-relative, `/`-separated) names one of the entries that
 * make a folder a git directory at any level of its path: only such writes can lay one out, so
 * only they need to run one at a time.
 * @internal
 */
export function namesGitDirectoryEntry(relative: string): boolean {
  return relative.split('/').some((part) => GIT_DIRECTORY_ENTRIES.has(folderKey(part)));
}

// Writes that name an entry run one at a time, each checking what the ones before it made:
// three made at once would each see a folder without the other two, and together lay out a git
// directory that none of them alone was allowed to. One queue for every set of file tools in the
// process (two sets may share a root); such writes are rare, so it costs nothing in practice.
// why (kept): one queue for the process, as the file system is one; see the reason above.
let gitEntryWrites: Promise<unknown> = Promise.resolve();

/**
 * Runs a write that {@link namesGitDirectoryEntry} after the ones before it have finished.
 * @internal
 */
export function oneGitEntryWriteAtATime<T>(run: () => Promise<T>): Promise<T> {
  const result = gitEntryWrites.then(run, run);
  gitEntryWrites = result.catch(() => {});
  return result;
}

/**
 * Whether git would take these bytes of a `HEAD` file for a HEAD (`validate_headref()` in git's
 * setup.c): `ref:`, optional white space, then `refs/`; or an object name, 40 (SHA-1) or more hex
 * digits. Anything else ("the head of the data") makes git pass the folder by.
 * @internal
 */
export function isGitHead(bytes: Buffer): boolean {
  const text = bytes.subarray(0, HEAD_BYTES).toString('latin1');
  return /^ref:[\t\n\v\f\r ]*refs\//.test(text) || /^[0-9a-fA-F]{40}/.test(text);
}

/**
 * Refuses a write that would plant a git directory under the root, or change one that is there.
 *
 * git takes any folder for a (bare) git directory when it holds a `HEAD` that names a ref or an
 * object, and `objects/` and `refs/` (or a `commondir` file naming a folder that holds them): see
 * `is_git_directory()` in git's setup.c and git-config(1) on `safe.bareRepository`, which is
 * `all` by default in git 2.x. A command run in or below that folder then uses it and its
 * `config`, whose `core.fsmonitor`, `core.pager`, `core.editor` or `core.hooksPath` run commands:
 * the bare repository embedded in a working tree that git's 2022-2023 advisories describe. So
 * that no model can plant one, or put a config into one, the rule is, for each existing folder on
 * the target's way (the root included):
 *
 * - a folder that already looks like a git directory is treated like `.git`: nothing is written
 *   inside it, at any depth;
 * - a write that would make a folder look like one (its `HEAD` with a ref or an object name
 *   while it has `objects` and `refs`, or the last of those three, or a `commondir` beside such a
 *   `HEAD`) is refused.
 *
 * A project's own `config`, a `HEAD` alone, `objects/` and `refs/` without a HEAD git would take,
 * and a HEAD git would not take (any other text) stay writable. Names are compared as
 * {@link folderKey} does (`head` is `HEAD` on a case-insensitive disk).
 *
 * The folders are read by path: a write made meanwhile by another process is not seen; the file
 * tools of this process run their writes that name an entry one at a time
 * ({@link oneGitEntryWriteAtATime}).
 *
 * @param relative the target's real root-relative path, `/`-separated ({@link resolveInRoot}).
 * @param content what the write puts there (a `HEAD` is judged by it).
 * @throws {@link FileToolError} `protected-folder`.
 * @internal
 */
export async function checkNotGitDirectory({
  rootReal,
  input,
  relative,
  content,
}: {
  rootReal: string;
  /** The path as the model gave it, for the error. */
  input: string;
  relative: string;
  content: string;
}): Promise<void> {
  const parts = relative === '.' ? [] : relative.split('/');
  for (let index = 0; index < parts.length; index++) {
    const folder = join(rootReal, ...parts.slice(0, index));
    // A folder this write creates holds nothing but what it writes: one entry, not three.
    if (!(await isDirectory(folder))) return;
    const shown = index === 0 ? '.' : parts.slice(0, index).join('/');
    const key = folderKey(parts[index] as string);
    const writesFile = index === parts.length - 1;
    const writesHead = writesFile && key === 'head';
    const head = await holdsGitHead(folder);
    // Without a HEAD git takes, before or after, the folder cannot look like a git directory:
    // one lstat per folder for the common case.
    if (!head && !writesHead) continue;
    const entries: GitEntries = {
      head,
      objects: await exists(join(folder, 'objects')),
      refs: await exists(join(folder, 'refs')),
      commondir: await exists(join(folder, 'commondir')),
    };
    if (looksLikeGitDirectory(entries)) throw inside(input, shown);
    const after: GitEntries = { ...entries };
    if (writesHead) after.head = isGitHead(Buffer.from(content.slice(0, HEAD_BYTES), 'utf8'));
    // objects or refs count as a file too: git only checks that it can enter them (access X_OK),
    // and a replaced file keeps its mode.
    if (key === 'objects' || key === 'refs') after[key] = true;
    if (writesFile && key === 'commondir') after.commondir = true;
    if (looksLikeGitDirectory(after)) throw completes(input, shown);
  }
}

function looksLikeGitDirectory({ head, objects, refs, commondir }: GitEntries): boolean {
  return head && ((objects && refs) || commondir);
}

/** Whether the folder's `HEAD` is one git takes: a link to `refs/...` or a file naming a ref or object. */
async function holdsGitHead(folder: string): Promise<boolean> {
  const path = join(folder, 'HEAD');
  const info = await lstat(path).catch(() => undefined);
  if (info === undefined) return false;
  if (info.isSymbolicLink()) return (await readlink(path).catch(() => '')).startsWith('refs/');
  // A pipe or a device named HEAD: git's read would block or fail, so it is not a HEAD.
  if (!info.isFile()) return false;
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch {
    // Unreadable here but maybe not to the developer's git (another user): assume it is one.
    return true;
  }
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return isGitHead(buffer.subarray(0, bytesRead));
  } catch {
    return true;
  } finally {
    await handle.close();
  }
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() === true;
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

function inside(input: string, folder: string): FileToolError {
  return new FileToolError({
    reason: 'protected-folder',
    path: input,
    message: `${quoteText(input)} is inside ${quoteText(folder)}, which looks like a git repository (${WHAT_GIT_SEES}); the file tools never write inside one, because git runs the commands its config names. Write the file somewhere else.`,
  });
}

function completes(input: string, folder: string): FileToolError {
  return new FileToolError({
    reason: 'protected-folder',
    path: input,
    message: `${quoteText(input)} would make ${quoteText(folder)} look like a git repository (${WHAT_GIT_SEES}), which git would use, and run the commands its config names, in that folder. Write the file somewhere else or under another name.`,
  });
}
