// Outside attacks on the viewer's eval and fork result files (attack14). attack13 read that they were
// `lstat`ed and then read by path: a file swapped between the two (for a symlink to a file outside
// the folder, or for a file past the bound) was followed and read whole. A local user who can write
// the results folder races the viewer; the answer must depend on one file, opened once.

import { execFileSync } from 'node:child_process';
import { mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readResultFile } from './read-result-file.ts';

const roots: string[] = [];
afterEach(async () => {
  await Promise.all(roots.splice(0).map((root) => rm(root, { recursive: true, force: true })));
});

async function folders(): Promise<{ root: string; dir: string }> {
  const root = await mkdtemp(join(tmpdir(), 'gemloop-result-attack-'));
  roots.push(root);
  const dir = join(root, 'results');
  execFileSync('mkdir', [dir]);
  return { root, dir };
}

const SMALL = JSON.stringify({ format: 'gemloop-eval', inside: true });
const MAX_BYTES = 4096;

/** Which of the planted files a read returned: `inside`, `secret` or `big`. */
function markOf(value: Record<string, unknown>): string {
  return ['inside', 'secret', 'big'].find((key) => key in value) ?? 'other';
}

describe('readResultFile against a folder that changes under it', () => {
  it('a file swapped for a symlink to an outside file, or for a file past the bound, is never read', async () => {
    const { root, dir } = await folders();
    // Outside the folder and inside the bound: read only if a symlink is followed.
    const outside = join(root, 'secret.json');
    await writeFile(outside, JSON.stringify({ secret: 'outside the results folder' }));
    const path = join(dir, 'r.json');
    await writeFile(path, SMALL);
    let stop = false;
    let swaps = 0;
    const swapper = (async () => {
      while (!stop) {
        const next = join(dir, `.next-${swaps}`);
        if (swaps % 3 === 0) await symlink(outside, next);
        else if (swaps % 3 === 1)
          await writeFile(next, JSON.stringify({ big: 'x'.repeat(MAX_BYTES * 4) }));
        else await writeFile(next, SMALL);
        await rename(next, path);
        swaps++;
      }
    })();
    const seen = new Set<string>();
    try {
      for (let round = 0; round < 1500; round++) {
        const reads = await Promise.all(
          Array.from({ length: 4 }, () => readResultFile(dir, 'r', MAX_BYTES)),
        );
        for (const value of reads) {
          seen.add(
            value === undefined ? 'none' : 'record' in value ? markOf(value.record) : 'problem',
          );
        }
      }
    } finally {
      stop = true;
      await swapper;
    }
    expect(swaps).toBeGreaterThan(10);
    // Only the small regular file, or nothing: never the symlink's target, never the big file.
    expect([...seen].filter((key) => key !== 'none' && key !== 'inside')).toEqual([]);
  });

  it('a FIFO named like a result is refused at once', async () => {
    const { dir } = await folders();
    execFileSync('mkfifo', [join(dir, 'pipe.json')]);
    await expect(readResultFile(dir, 'pipe', MAX_BYTES)).resolves.toBeUndefined();
  });

  it('a symlink, even to a file inside the folder, is not followed; a regular file is read', async () => {
    const { dir } = await folders();
    await writeFile(join(dir, 'real.json'), SMALL);
    await symlink(join(dir, 'real.json'), join(dir, 'link.json'));
    await expect(readResultFile(dir, 'link', MAX_BYTES)).resolves.toBeUndefined();
    await expect(readResultFile(dir, 'real', MAX_BYTES)).resolves.toEqual({
      record: JSON.parse(SMALL),
    });
  });

  it('a result saved with a UTF-8 byte-order mark and CRLF is read (attack56b)', async () => {
    // Windows PowerShell 5's `Set-Content -Encoding UTF8` and older Notepad write one; before,
    // the eval or fork result was left out of the page without a word.
    const { dir } = await folders();
    const saved = JSON.stringify({ format: 'gemloop-eval', inside: true }, null, 2);
    await writeFile(join(dir, 'bom.json'), `\uFEFF${saved.replaceAll('\n', '\r\n')}`);
    await expect(readResultFile(dir, 'bom', MAX_BYTES)).resolves.toEqual({
      record: JSON.parse(SMALL),
    });
    // Only the mark is skipped: the same bytes after a space are still not JSON.
    await writeFile(join(dir, 'spaced.json'), ` \uFEFF${saved}`);
    await expect(readResultFile(dir, 'spaced', MAX_BYTES)).resolves.toBeUndefined();
  });

  it('a result saved as Windows-1252 is refused in the words gemloop eval compare uses, never read as U+FFFD', async () => {
    const { dir } = await folders();
    // "café" with the byte 0xE9 on line 3: read leniently it was the case id "caf\uFFFD".
    const latin1 = Buffer.from(
      '{\n  "format": "gemloop-eval",\n  "name": "caf\xe9"\n}\n',
      'latin1',
    );
    await writeFile(join(dir, 'latin1.json'), latin1);
    await expect(readResultFile(dir, 'latin1', MAX_BYTES)).resolves.toEqual({
      problem:
        'line 3 is not UTF-8 (the file was saved in another encoding, such as Windows-1252); save it as UTF-8',
    });
    // A U+FFFD the file holds as UTF-8 (EF BF BD) is a character like any other.
    await writeFile(join(dir, 'replacement.json'), JSON.stringify({ name: 'caf\uFFFD' }));
    await expect(readResultFile(dir, 'replacement', MAX_BYTES)).resolves.toEqual({
      record: { name: 'caf\uFFFD' },
    });
  });

  it('a file at the bound is read, one byte past it is not', async () => {
    const { dir } = await folders();
    const at = JSON.stringify({ pad: '' });
    const padded = JSON.stringify({ pad: 'x'.repeat(MAX_BYTES - at.length) });
    expect(padded.length).toBe(MAX_BYTES);
    await writeFile(join(dir, 'at.json'), padded);
    await writeFile(
      join(dir, 'past.json'),
      JSON.stringify({ pad: 'x'.repeat(MAX_BYTES - at.length + 1) }),
    );
    await expect(readResultFile(dir, 'at', MAX_BYTES)).resolves.toMatchObject({
      record: { pad: expect.any(String) },
    });
    await expect(readResultFile(dir, 'past', MAX_BYTES)).resolves.toBeUndefined();
  });
});
