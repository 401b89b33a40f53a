import { describe, expect, it } from 'vitest';
import { isGitHead, namesGitDirectoryEntry } from './git-directories.ts';

describe('isGitHead', () => {
  // What git's validate_headref() takes (checked against `git rev-parse --git-dir` in a folder
  // holding the HEAD beside objects/ and refs/).
  it.each([
    'ref: refs/heads/main\n',
    'ref:refs/x',
    'ref:\t \nrefs/heads/main',
    '0123456789abcdef0123456789ABCDEF01234567',
    `${'a'.repeat(64)}\n`,
  ])('takes %j', (content) => {
    expect(isGitHead(Buffer.from(content))).toBe(true);
  });

  it.each([
    '',
    'ref: heads/main\n',
    ' ref: refs/heads/main',
    'REF: refs/heads/main',
    '0123456789abcdef0123456789abcdef0123456',
    'the head of the data\n',
    `ref:${' '.repeat(300)}refs/heads/main`,
  ])('passes %j by', (content) => {
    expect(isGitHead(Buffer.from(content))).toBe(false);
  });
});

describe('namesGitDirectoryEntry', () => {
  it('finds HEAD, objects, refs and commondir at any level, in any spelling of the name', () => {
    expect(namesGitDirectoryEntry('sub/HEAD')).toBe(true);
    expect(namesGitDirectoryEntry('a/objects/b')).toBe(true);
    expect(namesGitDirectoryEntry('Refs./x')).toBe(true);
    expect(namesGitDirectoryEntry('x/commondir')).toBe(true);
    expect(namesGitDirectoryEntry('src/heads.ts')).toBe(false);
    expect(namesGitDirectoryEntry('docs/refs.md')).toBe(false);
  });
});
