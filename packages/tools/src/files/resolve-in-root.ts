import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep, win32 } from 'node:path';
import { quoteText } from '@gemloop/core/internal';
import { FileToolError } from './file-tool-error.ts';
import type { FileToolNames } from './file-tools-settings.ts';
import { ioError } from './io-error.ts';

/** A path checked to lie inside the root. @internal */
export type RootPath = {
  /** The real absolute path on disk (symbolic links resolved, for the part that exists). */
  absolute: string;
  /** The path relative to the root with `/` separators, as shown to the model (`.` for the root). */
  relative: string;
  /** Whether something exists at the path. */
  exists: boolean;
};

const MAX_PATH_LENGTH = 1024;

/**
 * Resolves a path the model gave against the root and proves it stays inside, twice: lexically
 * (`..`, absolute and drive paths refused) and on disk (the real path, with every symbolic link
 * resolved, including a linked parent directory, must be the root or under it). For a path that
 * does not exist yet, its deepest existing ancestor is checked, and the missing rest cannot hold
 * links because it does not exist.
 *
 * What this cannot rule out is a link swapped in by another process between this check and the
 * use of the path. The tools therefore never trust the path alone: {@link openFileInRoot} and
 * {@link readDirectoryInRoot} prove that what they opened lies inside the root, and writes reach
 * their folder through {@link openDirectoryInRoot}.
 *
 * @throws {@link FileToolError} `invalid-path` or `outside-root`; a file system error (a loop of
 * links, a name too long) as `symlink`, `invalid-path` or `io`, naming only the model's path.
 * @param names the tools as the model sees them, for messages that point at another tool.
 * @internal
 */
export async function resolveInRoot(
  rootReal: string,
  input: string,
  names: FileToolNames,
): Promise<RootPath> {
  if (typeof input !== 'string' || input.length === 0 || input.length > MAX_PATH_LENGTH) {
    throw new FileToolError({
      reason: 'invalid-path',
      path: String(input).slice(0, 200),
      message: `A path must be 1 to ${MAX_PATH_LENGTH} characters, relative to the root folder, e.g. "src/index.ts" or "." for the root.`,
    });
  }
  if (input.includes('\0')) {
    throw new FileToolError({
      reason: 'invalid-path',
      path: input.replaceAll('\0', '\\0'),
      message: 'The path contains a NUL byte. Give a plain relative path such as "docs/readme.md".',
    });
  }
  if (isAbsolute(input) || win32.isAbsolute(input)) {
    throw new FileToolError({
      reason: 'invalid-path',
      path: input,
      message: `${quoteText(input)} is an absolute path. Paths are relative to the root folder, e.g. "src/index.ts"; the root itself is ".".`,
    });
  }
  const lexical = resolve(rootReal, input);
  if (!isInside(rootReal, lexical)) throw outside(input);

  let exists: boolean;
  let absolute: string;
  try {
    let real: string;
    let missing: string;
    ({ real, exists, missing } = await realPathOfNearest(lexical));
    if (!isInside(rootReal, real)) throw outside(input);
    absolute = exists ? real : resolve(real, missing);
  } catch (error) {
    if (FileToolError.isInstance(error)) throw error;
    // The file system's own message names the absolute path; the model gets its own path only.
    throw ioError(error, input, names);
  }
  const fromRoot = relative(rootReal, absolute);
  return { absolute, relative: fromRoot === '' ? '.' : fromRoot.split(sep).join('/'), exists };
}

/**
 * {@link resolveInRoot} for a tool that takes a file, not a folder: a path that ends with a
 * separator ("notes/") or with a "." or ".." part names a folder, though resolving it drops that
 * ending ("a.txt/" resolves to "a.txt"). Without this check `write_file "trail/"` would create a
 * file named "trail" and `read_file "a.txt/"` would read "a.txt". Tools that take a folder keep
 * accepting such paths.
 *
 * @throws {@link FileToolError} `wrong-type` for a path that names a folder; otherwise as
 * {@link resolveInRoot}.
 * @internal
 */
export async function resolveFileInRoot(
  rootReal: string,
  input: string,
  names: FileToolNames,
): Promise<RootPath> {
  const target = await resolveInRoot(rootReal, input, names);
  checkFilePathEnding(input);
  return target;
}

/**
 * Refuses a path that names a folder by its ending (see {@link resolveFileInRoot}).
 *
 * @param separator the platform's separator: on Windows `\` separates folders too (as it does
 * for `resolve`), while on POSIX it is a character of a name (`a\` is a file named so).
 * @throws {@link FileToolError} `wrong-type`.
 * @internal
 */
export function checkFilePathEnding(input: string, separator: string = sep): void {
  const windows = separator === '\\';
  if (input.endsWith('/') || (windows && input.endsWith('\\'))) {
    throw new FileToolError({
      reason: 'wrong-type',
      path: input,
      message: `${quoteText(input)} ends with a ${input.endsWith('/') ? 'slash' : 'backslash'}, so it names a folder; a file path must not end with a slash. Give the file's own path, e.g. "docs/notes.md".`,
    });
  }
  const last = input.split(windows ? /[/\\]/ : '/').at(-1);
  if (last === '.' || last === '..') {
    throw new FileToolError({
      reason: 'wrong-type',
      path: input,
      message: `${quoteText(input)} ends with "${last}", so it names a folder; a file path must end with the file's name, e.g. "docs/notes.md".`,
    });
  }
}

/** Whether `path` is `root` or below it (both absolute and normalized). @internal */
export function isInside(root: string, path: string): boolean {
  if (path === root) return true;
  const prefix = root.endsWith(sep) ? root : `${root}${sep}`;
  return path.startsWith(prefix);
}

/**
 * The real path of `path`, or of its deepest existing ancestor when it does not exist, with the
 * `missing` rest below that ancestor (`''` when it exists).
 *
 * The ancestor and the rest come from one look at the disk. Looking twice (once for the real
 * path, once more for the rest) let a folder made in between by a concurrent write split the
 * path differently each time: `sub/objects/x` resolved to `<root>/objects/x` when `sub` appeared
 * after the first look, and the file was written in the wrong folder.
 */
async function realPathOfNearest(
  path: string,
): Promise<{ real: string; exists: boolean; missing: string }> {
  try {
    return { real: await realpath(path), exists: true, missing: '' };
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
  const { nearest, real } = await nearestExisting(path);
  return { real, exists: false, missing: relative(nearest, path) };
}

/** The deepest existing ancestor of `path` and its real path, from the same `realpath` call. */
async function nearestExisting(path: string): Promise<{ nearest: string; real: string }> {
  let current = path;
  for (;;) {
    const parent = dirname(current);
    try {
      return { nearest: parent, real: await realpath(parent) };
    } catch (error) {
      if (!isMissing(error) || parent === current) throw error;
      current = parent;
    }
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  // ENOTDIR: a path "through" a file (file.txt/x) does not exist either.
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function outside(input: string): FileToolError {
  return new FileToolError({
    reason: 'outside-root',
    path: input,
    message: `${quoteText(input)} is outside the root folder (through ".." or a symbolic link). Only files under the root can be used; list "." to see what is there.`,
  });
}
