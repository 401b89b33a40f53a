import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from '@gemloop/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSkills } from './load-skills.ts';
import { skills } from './skills.ts';

// attack20: loadSkills took its limits unchecked. `maxFileBytes: 'x'` threw Node's TypeError from
// Buffer.alloc ('The "size" argument must be of type number'), `maxFileBytes: 1e12` a RangeError,
// `maxSkills: NaN` (or `maxDepth: NaN`) turned the bound off (`n >= NaN` is never true), and a
// misspelt limit (`maxFileSize`) was dropped without a word. And each file took a buffer of
// `maxFileBytes + 1` bytes whatever its size: a raised limit of 512 MiB zeroed 512 MiB for every
// one-line file. skills() took `maxReadChars` unchecked too (NaN: every read cut to nothing).

let base: string;
beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'gemloop-skills-options-')));
  for (const name of ['one', 'two']) {
    await mkdir(join(base, name), { recursive: true });
    await writeFile(
      join(base, name, 'SKILL.md'),
      `---\nname: ${name}\ndescription: D.\n---\nBody.\n`,
    );
  }
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describe('loadSkills checks its limits', () => {
  for (const [option, value] of [
    ['maxFileBytes', 'x'],
    ['maxFileBytes', Number.NaN],
    ['maxFileBytes', 0],
    ['maxFileBytes', 1e12],
    ['maxSkills', Number.NaN],
    ['maxSkills', -1],
    ['maxFilesPerSkill', 1.5],
    ['maxDepth', Number.NaN],
    ['maxFileSize', 1000],
  ] as const) {
    it(`names ${option} = ${String(value)}`, async () => {
      const error = await failure(loadSkills(base, { [option]: value }));
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).argument).toBe(option);
    });
  }

  it('reads each limit once (a getter gave the check 1 and the walk NaN)', async () => {
    let reads = 0;
    const options = Object.defineProperty({}, 'maxSkills', {
      enumerable: true,
      get: () => (reads++ === 0 ? 1 : Number.NaN),
    });
    const error = await failure(loadSkills(base, options));
    expect((error as { reason?: unknown }).reason).toBe('too-many');
  });

  it('takes a raised file limit without a buffer of that size for each file', async () => {
    // 512 MiB for each of the two SKILL.md files was 1 GiB zeroed for 60 bytes of text.
    const before = process.memoryUsage().arrayBuffers;
    const loaded = await loadSkills(base, { maxFileBytes: 512 * 1024 * 1024 });
    expect(loaded.map((skill) => skill.name).sort()).toEqual(['one', 'two']);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
  });
});

describe('skills checks its options', () => {
  for (const value of [Number.NaN, 0, 'x']) {
    it(`names maxReadChars = ${String(value)}`, async () => {
      const loaded = await loadSkills(base);
      const make = () => skills({ skills: loaded, maxReadChars: value as number });
      expect(make).toThrow(InvalidArgumentError);
      expect(make).toThrow(expect.objectContaining({ argument: 'maxReadChars' }));
    });
  }

  it('names a misspelt option', async () => {
    const loaded = await loadSkills(base);
    const make = () => skills({ skills: loaded, maxReadChar: 10 } as never);
    expect(make).toThrow(expect.objectContaining({ argument: 'maxReadChar' }));
  });
});
