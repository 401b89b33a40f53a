import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { takeDirectoryLock, withDirectoryLock } from '../scripts/directory-lock.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function scratchLock(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gemloop-directory-lock-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'lock');
}

describe('withDirectoryLock', () => {
  it('runs two holders of one lock one after the other, never side by side', async () => {
    const lock = scratchLock();
    const events: string[] = [];
    const hold = (name: string) =>
      withDirectoryLock(
        lock,
        async () => {
          events.push(`${name} in`);
          // Long enough for the other to try (and fail) to take the lock several times.
          await new Promise((resolve) => setTimeout(resolve, 300));
          events.push(`${name} out`);
        },
        { what: name },
      );
    await Promise.all([hold('a'), hold('b')]);
    expect(events).toEqual(
      events[0] === 'a in'
        ? ['a in', 'a out', 'b in', 'b out']
        : ['b in', 'b out', 'a in', 'a out'],
    );
    expect(existsSync(lock)).toBe(false);
  });

  it("waits for another process's hold, then runs; frees the lock when the work throws", async () => {
    const lock = scratchLock();
    const released = join(lock, '..', 'released');
    // Another process holds the lock for 300 ms, then lets go (a marker first, then the lock).
    const holder = spawn('sh', ['-c', `sleep 0.3; touch '${released}'; rm -rf '${lock}'`]);
    onTestFinished(() => {
      holder.kill('SIGKILL');
    });
    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), String(holder.pid));
    const failure = await withDirectoryLock(
      lock,
      async () => {
        // The marker exists only once the holder is done: finding it proves this waited.
        expect(existsSync(released)).toBe(true);
        throw new Error('the build failed');
      },
      { what: 'x' },
    ).catch((error: unknown) => error);
    expect((failure as Error).message).toBe('the build failed');
    expect(existsSync(lock)).toBe(false);
  });

  it('takes over the lock of a holder that is gone, and makes a missing parent folder', () => {
    const lock = scratchLock();
    const dead = spawnSync('true').pid;
    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), String(dead));
    expect(takeDirectoryLock(lock)).toBe(true);
    expect(readFileSync(join(lock, 'pid'), 'utf8')).toBe(String(process.pid));
    const nested = join(lock, '..', 'fresh', 'node_modules', '.cache', 'lock');
    expect(takeDirectoryLock(nested)).toBe(true);
  });

  it('names the lock and what to do when its holder never lets go', async () => {
    const lock = scratchLock();
    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), String(process.pid));
    const error = await withDirectoryLock(lock, async () => 'ran', {
      what: 'a tsc -b of this checkout',
      waitMs: 250,
    }).catch((caught: unknown) => caught);
    expect((error as Error).message).toBe(
      `a tsc -b of this checkout: another process (its pid is in ${lock}) has held the lock for over 0 s; if none is running, delete ${lock}.`,
    );
  });
});

/** The test files and fixtures of the repository (not node_modules). */
function testSources(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return spawnSync('git', ['ls-files', '--', folder], { cwd: ROOT, encoding: 'utf8' })
    .stdout.split('\n')
    .filter((file) => /\.(test\.ts|ts)$/.test(file) && /(\.test\.ts|__fixtures__\/)/.test(file));
}

describe('the builds the tests run', () => {
  // Files that run side by side each ran `tsc -b` on the same packages: after a source changed,
  // one build truncated an output while another file's process read it (bench/RESULTS.md, helper
  // flake51). Each `tsc -b` of those files goes through buildAlone.
  it('run one at a time: every test file or fixture that runs tsc -b or packs does so in buildAlone', () => {
    const builders = ['packages', 'test', 'examples']
      .flatMap((folder) => testSources(join(ROOT, folder)))
      .filter((file) => file !== 'test/directory-lock.test.ts')
      .filter((file) => {
        const text = readFileSync(join(ROOT, file), 'utf8');
        return /typescript\/bin\/tsc`, '-b'|\[tsc, '-b'|packPublicPackages as/.test(text);
      });
    expect(builders.length).toBeGreaterThanOrEqual(3);
    const unlocked = builders.filter(
      (file) => !readFileSync(join(ROOT, file), 'utf8').includes('buildAlone('),
    );
    expect(unlocked).toEqual([]);
  });
});
