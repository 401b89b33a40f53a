import { quoteText } from '@gemloop/core/internal';
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
 * Whether `key` (a {@link folderKey}) could be the Windows 8.3 short name ("8dot3" alias) NTFS
 * gives the folder `protectedKey`: `GIT~1` for `.git`, `HUSKY~1` for `.husky`, `PROGRA~1` for
 * `Program Files`. Windows opens a folder by either name, so `GIT~1\config` is `.git\config`.
 * The alias is the long name upper-cased without leading dots, spaces and inner dots, its stem
 * cut to leave room for `~N` (N from 1, no leading zero) in 8 characters (`NODE_M~1`, `NODE_~12`), then the first 3
 * characters of the extension; past `~4` Windows switches to the first two characters, 4 hex
 * digits of a hash and `~N` (`GI7EBA~1`), which is matched by shape, since the hash is Windows'
 * own (git's `is_ntfs_dot_generic()` in path.c and libgit2's `verify_dotgit_ntfs_generic()` do
 * the same). A character outside ASCII, which Windows maps to its OEM code page or to `_`,
 * matches any character. Fails closed: a name of this shape is refused on every OS.
 * @internal
 */
export function isShortNameOf(key: string, protectedKey: string): boolean {
  const alias = /^([^~]+)~([1-9][0-9]{0,5})(?:\.([^.]{1,3}))?$/.exec(key);
  if (alias === null) return false;
  const [, prefix = '', digits = '', extension = ''] = alias;
  const long = protectedKey.replace(/^\.+/, '');
  const lastDot = long.lastIndexOf('.');
  const shorten = (text: string) => text.replace(/[ .]/g, '').replace(/[+,;=[\]]/g, '_');
  const stem = shorten(lastDot === -1 ? long : long.slice(0, lastDot));
  const longExtension = lastDot === -1 ? '' : shorten(long.slice(lastDot + 1)).slice(0, 3);
  if (stem === '' || !sameShortText(extension, longExtension)) return false;
  const basic = stem.slice(0, Math.min(stem.length, 7 - digits.length));
  if (prefix.length === basic.length && sameShortText(prefix, basic)) return true;
  const head = stem.slice(0, 2);
  return (
    prefix.length === head.length + 4 &&
    sameShortText(prefix.slice(0, head.length), head) &&
    /^[0-9a-f]{4}$/.test(prefix.slice(head.length))
  );
}

/** Equal texts, where a non-ASCII character of `long` stands for any one character. */
function sameShortText(short: string, long: string): boolean {
  if (short.length !== long.length) return false;
  for (let index = 0; index < long.length; index++) {
    const wanted = long.charCodeAt(index);
    if (wanted <= 0x7f && wanted !== short.charCodeAt(index)) return false;
  }
  return true;
}

/** The protected folder `part` names, by its key or as an 8.3 short name of one. */
function protectedFolderOf(
  protectedKeys: ReadonlyMap<string, string>,
  part: string,
): string | undefined {
  const key = folderKey(part);
  const folder = protectedKeys.get(key);
  if (folder !== undefined || !key.includes('~')) return folder;
  for (const [protectedKey, name] of protectedKeys) {
    if (isShortNameOf(key, protectedKey)) return name;
  }
  return undefined;
}

/**
 * Refuses a write whose path, as the model wrote it or as it resolves on disk, has a protected
 * folder among its parts (the last part too: a `.git` file points git at another folder), under
 * any spelling {@link folderKey} folds or as a Windows 8.3 short name ({@link isShortNameOf}).
 * Parts are split at `\` as well as `/` on every OS, as git's `core.protectNTFS` does: on
 * Windows `GIT~1\config` is two parts, and refusing such a name elsewhere costs nothing.
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
    for (const part of path.split(/[/\\]/)) {
      const folder = protectedFolderOf(protectedKeys, part);
      if (folder === undefined) continue;
      throw new FileToolError({
        reason: 'protected-folder',
        path: input,
        message: `${quoteText(input)} is inside ${quoteText(folder)}, a folder the file tools never write to (${PROTECTED_BECAUSE[folder] ?? 'it is in the skipped folders'}). Write the file somewhere else.`,
      });
    }
  }
}
