import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { linkedFile } from './linked-file.ts';

const paths = { resolve, dirname };

/** A file system of links (`path -> target`) and plain files, nothing else. */
function links(table: Record<string, string>, files: readonly string[] = []) {
  const lstat = async (path: string) => {
    if (path in table) return { isSymbolicLink: () => true };
    if (files.includes(path)) return { isSymbolicLink: () => false };
    throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
  };
  const readlink = async (path: string) => table[path] as string;
  return { lstat, readlink };
}

describe('linkedFile', () => {
  it('gives a plain file, and a path with no file, as given', async () => {
    expect(await linkedFile('/a/file', links({}, ['/a/file']), paths)).toBe('/a/file');
    expect(await linkedFile('/a/none', links({}), paths)).toBe('/a/none');
  });

  it('follows relative and absolute links to the file at their end, made or not', async () => {
    const io = links({ '/app/m.jsonl': '../data/hop', '/data/hop': '/vol/m.jsonl' });
    expect(await linkedFile('/app/m.jsonl', io, paths)).toBe('/vol/m.jsonl');
  });

  it('gives a loop of links back as given, for the open to fail with ELOOP', async () => {
    const io = links({ '/x/a': 'b', '/x/b': 'a' });
    expect(await linkedFile('/x/a', io, paths)).toBe('/x/a');
  });

  it('passes on a failure other than a missing file', async () => {
    const io = {
      ...links({}),
      lstat: async () => {
        throw Object.assign(new Error('EACCES: denied'), { code: 'EACCES' });
      },
    };
    await expect(linkedFile('/secret/file', io, paths)).rejects.toMatchObject({ code: 'EACCES' });
  });
});
