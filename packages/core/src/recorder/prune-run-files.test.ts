import { execFileSync } from 'node:child_process';
import { constants } from 'node:fs';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pruneRunFiles } from './prune-run-files.ts';
import { RUN_FILE_NAME, runFileName } from './run-file.ts';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => fs.rm(dir, { recursive: true, force: true })));
});

const openFlags = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const HOUR_AGO = Date.now() - 3_600_000;

async function finishedRun(dir: string, startedAt: number, bytes: number): Promise<string> {
  const name = runFileName(startedAt, crypto.randomUUID());
  const start = `{"type":"run-start","format":1,"at":${startedAt}}\n`;
  const end = `{"type":"run-end","outcome":"success","at":${startedAt}}\n`;
  await fs.writeFile(join(dir, name), `${start}${' '.repeat(bytes)}\n${end}`);
  return name;
}

function prune(dir: string, maxBytes: number) {
  return pruneRunFiles({
    fs,
    openFlags,
    dir,
    maxBytes,
    open: new Set(),
    now: Date.now(),
    owned: new Map(),
  });
}

describe('pruneRunFiles', () => {
  it('lets two pruners race on one folder: each file deleted once, no ENOENT thrown', async () => {
    const dir = await fs.mkdtemp(join(tmpdir(), 'gemloop-prune-'));
    dirs.push(dir);
    const names: string[] = [];
    for (let index = 0; index < 20; index++)
      names.push(await finishedRun(dir, HOUR_AGO + index * 1000, 1000));
    await Promise.all([prune(dir, 5000), prune(dir, 5000), prune(dir, 5000)]);
    // The newest runs that fit stay; the pruners agreed on which.
    expect((await fs.readdir(dir)).sort()).toEqual(names.slice(-4));
  });

  it('counts a run another pruner deleted after it was listed as gone, not as still written', async () => {
    const dir = await fs.mkdtemp(join(tmpdir(), 'gemloop-prune-'));
    dirs.push(dir);
    const names: string[] = [];
    for (let index = 0; index < 8; index++)
      names.push(await finishedRun(dir, HOUR_AGO + index * 1000, 1000));
    // The files were just written (fresh mtimes), so each is read for its closing line before
    // it goes. Another pruner deletes the oldest between this one's listing and that read.
    const oldest = join(dir, names[0] as string);
    let opens = 0;
    const racingFs = {
      ...fs,
      open: async (...args: Parameters<typeof fs.open>) => {
        if (args[0] === oldest && ++opens === 2) await fs.unlink(oldest);
        return fs.open(...args);
      },
    } as typeof fs;
    await pruneRunFiles({
      fs: racingFs,
      openFlags,
      dir,
      maxBytes: 5000,
      open: new Set(),
      now: Date.now(),
      owned: new Map(),
    });
    expect(opens).toBe(2);
    expect((await fs.readdir(dir)).sort()).toEqual(names.slice(-4));
  });

  it('never follows, counts or deletes a symlink or a FIFO named like a run', async () => {
    const dir = await fs.mkdtemp(join(tmpdir(), 'gemloop-prune-'));
    dirs.push(dir);
    const outside = await fs.mkdtemp(join(tmpdir(), 'gemloop-outside-'));
    dirs.push(outside);
    const target = await finishedRun(outside, HOUR_AGO, 5000);
    const link = runFileName(HOUR_AGO - 2000, crypto.randomUUID());
    await fs.symlink(join(outside, target), join(dir, link));
    const fifo = runFileName(HOUR_AGO - 1000, crypto.randomUUID());
    execFileSync('mkfifo', [join(dir, fifo)]);
    await finishedRun(dir, HOUR_AGO + 1000, 5000);
    const newest = await finishedRun(dir, HOUR_AGO + 2000, 10);
    // Resolves although nothing ever writes to the FIFO.
    await prune(dir, 1000);
    expect((await fs.readdir(dir)).sort()).toEqual([link, fifo, newest].sort());
    expect(await fs.readdir(outside)).toEqual([target]);
  });
});

describe('runFileName', () => {
  it('is always a name the pruner owns, whatever the run id and clock', () => {
    expect(runFileName(0, '../../etc/passwd')).toMatch(RUN_FILE_NAME);
    expect(runFileName(Number.NaN, crypto.randomUUID())).toMatch(RUN_FILE_NAME);
    expect(runFileName(8.64e15, crypto.randomUUID())).toMatch(RUN_FILE_NAME);
    const runId = crypto.randomUUID();
    expect(runFileName(Date.UTC(2026, 0, 2, 3, 4, 5, 678), runId)).toBe(
      `2026-01-02T03-04-05-678Z-${runId}.jsonl`,
    );
  });
});
