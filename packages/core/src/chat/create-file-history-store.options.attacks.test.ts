import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import {
  type CreateFileHistoryStoreOptions,
  createFileHistoryStore,
} from './create-file-history-store.ts';

// attack20 (attack17 left it): createFileHistoryStore checked `directory`/`path` and then read
// them again, so a getter that gave the check a path and the store a number threw Node's
// TypeError ('The "paths[0]" argument must be of type string') naming no option, and one that gave
// the store another string put the files where the check never looked. Each option is read once.

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function shifting(key: string, first: unknown, later: unknown): CreateFileHistoryStoreOptions {
  let reads = 0;
  return Object.defineProperty({ fsync: false }, key, {
    enumerable: true,
    get: () => (reads++ === 0 ? first : later),
  }) as CreateFileHistoryStoreOptions;
}

describe('createFileHistoryStore reads each option once', () => {
  for (const key of ['directory', 'path']) {
    it(`keeps the ${key} the check saw`, () => {
      const directory = mkdtempSync(join(tmpdir(), 'gemloop-history-'));
      dirs.push(directory);
      const where = key === 'directory' ? directory : join(directory, 'all.jsonl');
      for (const later of [5, join(directory, 'elsewhere')]) {
        const store = createFileHistoryStore(shifting(key, where, later));
        expect(store.filePath('s1').startsWith(where)).toBe(true);
      }
    });
  }

  it('still names a wrong value the check sees', () => {
    expect(() => createFileHistoryStore(shifting('directory', 5, '/tmp'))).toThrow(
      InvalidArgumentError,
    );
  });
});
