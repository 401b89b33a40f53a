import { constants } from 'node:fs';
import { lstat, open, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { quoteText } from '@gemloop/core/internal';
import { FileToolError } from './file-tool-error.ts';
import { folderKey } from './protected-folders.ts';
import { readGitConfigPaths } from './read-git-config-paths.ts';

/** Largest git config file (or `.git` / `commondir` file) read; past it no write is made. */
export const MAX_GIT_CONFIG_BYTES = 1_048_576;
/** Most git config files read per write (the repository's, then the files they include). */
export const MAX_GIT_CONFIG_FILES = 16;

/**
 * A path under the root that git runs or reads as configuration, found in the repository's git
 * config: writing there plants a command that the next commit (or `git status`) runs.
 * @internal
 */
export type GitHookPath = {
  /** Root-relative, `/`-separated; `''` when it is the root itself. */
  relative: string;
  /** Why, for the error: `core.hooksPath`, `include.path`, `the git directory`. */
  setting: string;
};

/**
 * The paths under `rootReal` that the git repository holding it would run hooks from or read
 * config from, besides `.git` itself (always protected): the folder `core.hooksPath` names, the
 * files `include.path` / `includeIf.*.path` pull into the config, and the git directory when a
 * `.git` file (`gitdir: ...`) puts it elsewhere under the root. Read again at every write, so a
 * repository set up after the tools were made (`npx husky`) is covered.
 *
 * The repository is the nearest folder from the root upwards with a `.git` entry. The config
 * files git reads for it (`/etc/gitconfig`, `~/.gitconfig`, `~/.config/git/config`, `config` of
 * the common git directory, `config.worktree`, and what they include, at most
 * {@link MAX_GIT_CONFIG_FILES}) are read up to {@link MAX_GIT_CONFIG_BYTES} each. Relative
 * `core.hooksPath` values are resolved from the top of the working tree, include paths from the
 * folder of the file that includes them (git-config(1): "core.hooksPath ... A relative path is
 * taken as relative to the directory where the hooks are run", which githooks(5) says is the root
 * of the working tree; "Includes ... relative to the configuration file in which the include
 * directive was found"); `~/` is the home folder.
 *
 * @throws {@link FileToolError} `protected-folder` when a config file is larger than the bound:
 * where hooks run from cannot be known, so nothing is written.
 * @internal
 */
export async function findGitHookPaths(rootReal: string, input: string): Promise<GitHookPath[]> {
  const top = await findWorkTreeTop(rootReal);
  if (top === undefined) return [];
  const found: GitHookPath[] = [];
  const add = (absolute: string, setting: string) => {
    const inRoot = relative(rootReal, absolute);
    if (inRoot === '..' || inRoot.startsWith(`..${sep}`) || isAbsolute(inRoot)) return;
    found.push({ relative: inRoot.split(sep).join('/'), setting });
  };
  const dotGit = join(top, '.git');
  let gitDir = dotGit;
  let commonDir = dotGit;
  if (!(await isDirectory(dotGit))) {
    // A worktree or a submodule: `.git` is a file naming the git directory.
    const pointer = /^gitdir:\s*(.+?)\s*$/m.exec(
      (await readBounded(dotGit, '.git file', input)) ?? '',
    );
    if (pointer === null) return found;
    gitDir = resolve(top, pointer[1] as string);
    const common = await readBounded(join(gitDir, 'commondir'), 'commondir file', input);
    commonDir = common === undefined ? gitDir : resolve(gitDir, common.trim());
    add(gitDir, 'the git directory (named by the .git file)');
    if (commonDir !== gitDir) add(commonDir, 'the git directory (named by the .git file)');
  }
  // What git reads (git-config(1) FILES): the system, global and XDG files, then the
  // repository's own; a relative core.hooksPath in any of them is taken from this work tree.
  const home = homedir();
  const queue = [
    '/etc/gitconfig',
    join(home, '.gitconfig'),
    join(home, '.config', 'git', 'config'),
    join(commonDir, 'config'),
    join(gitDir, 'config.worktree'),
  ];
  const seen = new Set<string>();
  while (queue.length > 0 && seen.size < MAX_GIT_CONFIG_FILES) {
    const file = queue.shift() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = await readBounded(file, 'git config file', input);
    if (text === undefined) continue;
    const { hooksPaths, includePaths } = readGitConfigPaths(text);
    for (const value of hooksPaths) {
      if (value !== '') add(resolve(top, expandHome(value)), 'core.hooksPath');
    }
    for (const value of includePaths) {
      if (value === '') continue;
      const included = resolve(dirname(file), expandHome(value));
      add(included, 'include.path');
      queue.push(included);
    }
  }
  return found;
}

/**
 * Refuses a write whose path (as the model wrote it, or as it resolves on disk) is one of the
 * {@link GitHookPath}s or inside one.
 *
 * @throws {@link FileToolError} `protected-folder`.
 * @internal
 */
export function checkNotGitHookPath(
  hookPaths: readonly GitHookPath[],
  input: string,
  paths: readonly string[],
): void {
  for (const hookPath of hookPaths) {
    const prefix = hookPath.relative === '' ? [] : hookPath.relative.split('/').map(folderKey);
    for (const path of paths) {
      const parts = path.split('/').map(folderKey);
      if (prefix.length > parts.length) continue;
      if (!prefix.every((part, index) => parts[index] === part)) continue;
      const where =
        hookPath.relative === '' ? 'the root folder' : `${quoteText(hookPath.relative)}`;
      throw new FileToolError({
        reason: 'protected-folder',
        path: input,
        message: `${quoteText(input)} is in ${where}, which the repository's git config names as ${hookPath.setting}: git runs what is written there (hooks on the next commit, or config). The file tools never write there; write the file somewhere else.`,
      });
    }
  }
}

/** The nearest folder from `start` upwards that holds a `.git` entry (folder or file). */
async function findWorkTreeTop(start: string): Promise<string | undefined> {
  let folder = start;
  for (;;) {
    try {
      await lstat(join(folder, '.git'));
      return folder;
    } catch {
      // None here (or unreadable): look in the parent.
    }
    const parent = dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

function expandHome(value: string): string {
  return value === '~' || value.startsWith('~/') ? join(homedir(), value.slice(1)) : value;
}

/**
 * The text of a small file, or `undefined` when there is none (or it is not a regular file).
 * Links are followed, as git follows them; a pipe does not block the open. More than
 * {@link MAX_GIT_CONFIG_BYTES} is refused.
 */
async function readBounded(path: string, what: string, input: string): Promise<string | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch {
    // Missing or unreadable: git reads no config there either.
    return undefined;
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return undefined;
    // Room for one byte more than the file had: a file that grew (or is past the bound) fills it.
    const buffer = Buffer.alloc(Math.min(stats.size, MAX_GIT_CONFIG_BYTES) + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length === buffer.length) {
      throw new FileToolError({
        reason: 'protected-folder',
        path: input,
        message: `The repository's ${what} is larger than ${MAX_GIT_CONFIG_BYTES} bytes (or changed while it was read), so the file tools cannot tell where git runs hooks from; nothing is written. Shrink the git config, or try again.`,
      });
    }
    return buffer.toString('utf8', 0, length);
  } finally {
    await handle.close();
  }
}
