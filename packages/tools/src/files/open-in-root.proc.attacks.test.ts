import { settles } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { FileToolError } from './file-tool-error.ts';
import { fileToolNames } from './file-tools-settings.ts';
import { openDirectoryInRoot } from './open-in-root.ts';

// attack29's note, leftovers35a: where /proc/self/fd cannot be used (`fdPaths: false`: macOS, a
// container without procfs), a write made its folders with Node's `mkdir(dir, { recursive: true })`,
// which never settles for a folder under /proc (procfs answers ENOENT, Node makes the parent and
// tries again, forever, at 100 % CPU in a pool thread): a root of `/proc` hung the tool call. The
// bounded `mkdir -p` ends with ENOENT, which the model is told as `not-found`.

describe('openDirectoryInRoot without fd paths', () => {
  it('refuses to create a folder under /proc instead of hanging', async () => {
    const error = await settles(
      openDirectoryInRoot({
        rootReal: '/proc',
        absoluteDirectory: '/proc/gemloop-attack/notes',
        relative: 'gemloop-attack/notes',
        create: true,
        fdPaths: false,
        names: fileToolNames(''),
      }).catch((caught: unknown) => caught),
      'openDirectoryInRoot',
    );
    expect(FileToolError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'not-found', path: 'gemloop-attack/notes' });
  });
});
