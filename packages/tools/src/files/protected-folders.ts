import { FileToolError } from './file-tool-error.ts';

/**
 * Folders no write may touch whatever `skipDirectories` says: a model that writes `.git/config`
 * (`core.fsmonitor`, `core.hooksPath`) or `.git/hooks/*` runs a command on the next `git status`,
 * and one that writes `.husky/pre-commit` (husky's hooks, run through `core.hooksPath=.husky/_`,
 * which husky sets) or `.husky/_/*` runs one on the next commit. The folder `core.hooksPath`
 * names elsewhere is found in the git config at each write (`findGitHookPaths`).
 * @internal
 */
export const ALWAYS_PROTECTED_FOLDERS: readonly string[] = ['.git', '.husky'];

const PROTECTED_BECAUSE: Readonly<Record<string, string>> = {
  '.git': "git's config and hooks can run commands",
  '.husky': "husky's git hooks run on the next commit",
};

// Code points that HFS+ ignores in names (git's own list, CVE-2014-9390): ".g\u200cit" is ".git".
const IGNORABLE = /[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/g;

/**
 * The form under which a folder name is compared, so that the spellings a case-insensitive or
 * Windows file system treats as the same folder match: case folded, HFS+-ignorable code points
 * removed, an NTFS stream suffix (`.git::$INDEX_ALLOCATION`) and trailing dots and spaces
 * (`.git.`) cut. Refusing `.GIT` on a case-sensitive disk too costs nothing.
 * @internal
 */
export function folderKey(name: string): string {
  const colon = name.indexOf(':');
  return (colon === -1 ? name : name.slice(0, colon))
    .normalize('NFC')
    .replace(IGNORABLE, '')
    .replace(/[. ]+$/, '')
    .toLowerCase();
}

/** The protected folders by {@link folderKey}, each with its name as configured. @internal */
export function protectedFolderKeys(names: readonly string[]): ReadonlyMap<string, string> {
  const keys = new Map<string, string>();
  for (const name of [...ALWAYS_PROTECTED_FOLDERS, ...names]) {
    const key = folderKey(name);
    if (key !== '' && !keys.has(key)) keys.set(key, name);
  }
  return keys;
}

/**
 * Refuses a write whose path, as the model wrote it or as it resolves on disk, has a protected
 * folder among its parts (the last part too: a `.git` file points git at another folder).
 *
 * @param paths root-relative `/`-separated paths: the model's path, normalized, and the real one.
 * @throws {@link FileToolError} `protected-folder`.
 * @internal
 */
export function checkNotProtected(
  protectedKeys: ReadonlyMap<string, string>,
  input: string,
  paths: readonly string[],
): void {
  for (const path of paths) {
    for (const part of path.split('/')) {
      const folder = protectedKeys.get(folderKey(part));
      if (folder === undefined) continue;
      throw new FileToolError({
        reason: 'protected-folder',
        path: input,
        message: `"${input}" is inside "${folder}", a folder the file tools never write to (${PROTECTED_BECAUSE[folder] ?? 'it is in the skipped folders'}). Write the file somewhere else.`,
      });
    }
  }
}
