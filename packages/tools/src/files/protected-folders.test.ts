import { win32 } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileToolError } from './file-tool-error.ts';
import {
  checkNotProtected,
  folderKey,
  isShortNameOf,
  protectedFolderKeys,
} from './protected-folders.ts';

// The spellings under which a file system reaches `.git` (git's own checks after CVE-2014-9390:
// case folding, HFS+-ignorable code points, NTFS trailing dots and spaces and `::$INDEX_ALLOCATION`
// streams). The write tool's tests (create-file-tools.test.ts) cover the plain and case forms on
// disk; here each spelling meets the check itself.

const keys = protectedFolderKeys(['node_modules', 'Übersicht']);

function refusal(path: string): FileToolError | undefined {
  try {
    checkNotProtected(keys, path, [path]);
  } catch (error) {
    if (error instanceof FileToolError) return error;
    throw error;
  }
  return undefined;
}

describe('protected folders', () => {
  it.each([
    ['.git/config', 'plain'],
    ['.GIT/config', 'upper case'],
    ['.g\u200cit/config', 'a zero-width non-joiner, ignored by HFS+'],
    ['.gi\ufefft/hooks/pre-commit', 'a byte-order mark inside the name'],
    ['.\u202egit/config', 'a bidirectional override'],
    ['.git./config', 'a trailing dot, dropped by NTFS'],
    ['.git . ./config', 'trailing dots and spaces'],
    ['.git::$INDEX_ALLOCATION/config', 'an NTFS stream suffix'],
    ['.git:$I30:$INDEX_ALLOCATION/config', 'a named NTFS stream'],
    ['docs/.HUSKY/pre-commit', 'husky’s hooks, upper case, deeper down'],
    ['.git', 'the name itself (a .git file points git elsewhere)'],
  ])('refuses %s (%s)', (path) => {
    const error = refusal(path);
    expect(error?.reason).toBe('protected-folder');
    expect(error?.path).toBe(path);
  });

  it('names the folder as configured and why it is protected', () => {
    expect(refusal('.GIT/config')?.message).toContain(
      `is inside ".git", a folder the file tools never write to (git's config and hooks can run commands)`,
    );
    expect(refusal('NODE_MODULES/x.js')?.message).toContain(
      '"node_modules", a folder the file tools never write to (it is in the skipped folders)',
    );
  });

  it('matches a configured name in either Unicode form', () => {
    // "Ü" precomposed (NFC, as macOS hands it back) and decomposed (U+0055 U+0308).
    expect(refusal('\u00dcbersicht/a.md')?.reason).toBe('protected-folder');
    expect(refusal('U\u0308bersicht/a.md')?.reason).toBe('protected-folder');
  });

  it.each([
    'docs/.gitignore',
    'my.git/x',
    '.github/workflows/ci.yml',
    'git/config',
    '.gitx/config',
    'notes/.git-notes.md',
  ])('lets %s through: it only looks like a protected name', (path) => {
    expect(refusal(path)).toBeUndefined();
  });

  it('checks the real path as well as the one the model wrote', () => {
    // A link "safe" that resolves into .git: the model's path is clean, the real one is not.
    expect(() => checkNotProtected(keys, 'safe/config', ['safe/config', '.git/config'])).toThrow(
      FileToolError,
    );
  });

  it('keeps .git and .husky whatever the configured list holds, and ignores empty names', () => {
    const only = protectedFolderKeys(['', '...', 'dist']);
    expect([...only.values()]).toEqual(['.git', '.husky', 'dist']);
    expect(folderKey('...')).toBe('');
  });
});

describe('Windows 8.3 short names of protected folders', () => {
  // NTFS gives a folder whose name is no valid 8.3 name a second, short name, and opens it by
  // either: `GIT~1` is `.git`, `PROGRA~1` is `Program Files` (git's is_ntfs_dotgit(), the
  // CVE-2014-9390 fix, refuses `git~1` for the same reason).
  const windowsKeys = protectedFolderKeys([
    'node_modules',
    'Program Files',
    'my.cache.d',
    'Übersicht',
  ]);

  function refusedFolder(path: string): string | undefined {
    try {
      checkNotProtected(windowsKeys, path, [path]);
    } catch (error) {
      if (FileToolError.isInstance(error) && error.reason === 'protected-folder') {
        return /is inside "([^"]+)"/.exec(error.message)?.[1];
      }
      throw error;
    }
    return undefined;
  }

  it.each([
    ['GIT~1/config', '.git'],
    ['git~2/hooks/pre-commit', '.git'],
    ['GIT~4./config', '.git'],
    ['Git~1::$INDEX_ALLOCATION/config', '.git'],
    ['GI7EBA~1/config', '.git'],
    ['gi0a1f~9/hooks/post-checkout', '.git'],
    ['docs/HUSKY~1/pre-commit', '.husky'],
    ['HUSK~100/_/pre-commit', '.husky'],
    ['NODE_M~1/pkg/index.js', 'node_modules'],
    ['NODE_~12/pkg/index.js', 'node_modules'],
    ['PROGRA~1/app/run.cmd', 'Program Files'],
    ['MYCACH~1.D/entry', 'my.cache.d'],
    ['\u00dcBERSI~1/a.md', 'Übersicht'],
    ['_BERSI~1/a.md', 'Übersicht'],
  ])('refuses %s, an alias of %s', (path, folder) => {
    expect(refusedFolder(path)).toBe(folder);
  });

  it.each([
    'GIT~0/config',
    'GIT~/config',
    'GITX~1/config',
    'GI~1/config',
    'GIT~1.TXT',
    'GIT~1234567/config',
    'GI7EBZ~1/config',
    'NODE_MO~1/x.js',
    'HUSKY~1X/pre-commit',
    'docs/notes~1.md',
    'backup~2/.gitignore',
  ])('lets %s through: it is no short name of a protected folder', (path) => {
    expect(refusedFolder(path)).toBeUndefined();
  });

  it('refuses a short name a model writes with Windows separators, on any OS', () => {
    // On Windows the write tool's relative path is split at `\\`; elsewhere the backslash is part
    // of a name, and the check splits there too (git's core.protectNTFS does the same).
    expect(refusedFolder('GIT~1\\config')).toBe('.git');
    expect(refusedFolder('docs\\.git\\hooks\\pre-commit')).toBe('.git');
    expect(refusedFolder('docs\\notes.md')).toBeUndefined();
  });

  it('refuses an alias in a path resolved with win32 semantics, as the write tool resolves it', () => {
    const root = 'C:\\work\\repo';
    for (const input of [
      'docs\\..\\GIT~1\\config',
      'docs/../git~1/hooks/pre-push',
      '.\\HUSKY~1\\x',
    ]) {
      const relative = win32.relative(root, win32.resolve(root, input)).split(win32.sep).join('/');
      expect(() => checkNotProtected(windowsKeys, input, [relative])).toThrow(FileToolError);
    }
  });

  it('builds the alias from the configured name as Windows does', () => {
    expect(isShortNameOf('progra~1', folderKey('Program Files'))).toBe(true);
    expect(isShortNameOf('progra~1', folderKey('Projects'))).toBe(false);
    expect(isShortNameOf('a_b~1', folderKey('a+b'))).toBe(true);
    // Only the last dot starts the extension; the others are dropped.
    expect(isShortNameOf('abcdef~1.ghi', folderKey('ab.cd.ef.ghij'))).toBe(true);
    expect(isShortNameOf('abcdef~1', folderKey('ab.cd.ef.ghij'))).toBe(false);
    // A name of nothing but dots has no alias.
    expect(isShortNameOf('~1', '')).toBe(false);
  });
});
