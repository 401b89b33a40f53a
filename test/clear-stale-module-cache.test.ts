import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript without declarations (it runs before anything is installed).
import { clearStaleModuleCache } from '../scripts/install-if-changed.mjs';

const clear = clearStaleModuleCache as (directory: string) => boolean;

// `npm test` runs this before Vitest: Vitest 4.1 deletes its module cache when the lockfile
// changed and then writes into the deleted folder (ENOENT at start, `0 passed`), so the folder
// goes first whenever the lockfile is newer than the cache's metadata.
describe('clearStaleModuleCache', () => {
  const made: string[] = [];
  afterEach(() => {
    for (const directory of made.splice(0)) rmSync(directory, { recursive: true, force: true });
  });

  function checkout(lockfileAt: number, metadataAt: number | undefined): string {
    const directory = mkdtempSync(join(tmpdir(), 'gemloop-module-cache-'));
    made.push(directory);
    const cache = join(directory, 'node_modules', '.experimental-vitest-cache');
    mkdirSync(cache, { recursive: true });
    writeFileSync(join(cache, 'a1b2c3'), 'a cached transform');
    const lockfile = join(directory, 'pnpm-lock.yaml');
    writeFileSync(lockfile, "lockfileVersion: '9.0'\n");
    utimesSync(lockfile, lockfileAt, lockfileAt);
    if (metadataAt !== undefined) {
      const metadata = join(cache, '_metadata.json');
      writeFileSync(metadata, '{"lockfileHash":"1c719117"}');
      utimesSync(metadata, metadataAt, metadataAt);
    }
    return directory;
  }
  const cacheOf = (directory: string) =>
    join(directory, 'node_modules', '.experimental-vitest-cache');

  it('removes the cache when the lockfile changed after it was made', () => {
    const directory = checkout(2_000_000, 1_000_000);
    expect(clear(directory)).toBe(true);
    expect(existsSync(cacheOf(directory))).toBe(false);
  });

  it('keeps a cache made after the last lockfile change', () => {
    const directory = checkout(1_000_000, 2_000_000);
    expect(clear(directory)).toBe(false);
    expect(existsSync(join(cacheOf(directory), 'a1b2c3'))).toBe(true);
  });

  it('keeps a cache without metadata (Vitest writes it without deleting anything)', () => {
    const directory = checkout(2_000_000, undefined);
    expect(clear(directory)).toBe(false);
    expect(existsSync(join(cacheOf(directory), 'a1b2c3'))).toBe(true);
  });
});
