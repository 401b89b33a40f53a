import { describe, expect, it } from 'vitest';
import { FileToolError } from './file-tool-error.ts';
import { checkNotProtected, folderKey, protectedFolderKeys } from './protected-folders.ts';

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
