// leftovers83 (attack67b's note): a run file whose *name* is not UTF-8 (`run-\xff\xfe.jsonl`: a
// Linux name is any bytes but `/` and NUL; a folder copied from an old Latin-1 system, an archive
// unpacked without its encoding). `readdir` gave its name with U+FFFD for each such byte, a name
// no file has: `gemloop eval from-runs` then skipped it as "cannot be read (ENOENT)", as if it
// had gone, and `gemloop estimate` left its run out of the band without a word. Now the folder is
// read as bytes, and such a file is skipped by both, saying what is wrong with its name, shown
// with `\xNN` for each byte that is not UTF-8 (the commands' cases: estimate.attacks.test.ts,
// eval/read-run-files.encoding.attacks.test.ts).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readFolderNames } from './read-folder-names.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gemloop-l83-names-'));
  dirs.push(dir);
  return dir;
}

/** Writes `text` to the file of `dir` whose name is these bytes (a Buffer path: any bytes). */
function writeNamed(dir: string, name: Buffer, text: string): void {
  writeFileSync(Buffer.concat([Buffer.from(`${dir}/`), name]), text);
}

const NOT_UTF8 = Buffer.concat([
  Buffer.from('run-'),
  Buffer.from([0xff, 0xfe]),
  Buffer.from('.jsonl'),
]);

describe('readFolderNames', () => {
  it('gives UTF-8 names as they are, and the others shown with \\xNN, controls escaped', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'café.jsonl'), '');
    writeNamed(dir, NOT_UTF8, '');
    writeNamed(
      dir,
      Buffer.concat([Buffer.from('x\x1b[2J'), Buffer.from([0xe9]), Buffer.from('😀.jsonl')]),
      '',
    );
    const { names, notUtf8 } = await readFolderNames(dir);
    expect(names).toEqual(['café.jsonl']);
    expect(notUtf8.sort()).toEqual(['run-\\xff\\xfe.jsonl', 'x\\u001b[2J\\xe9😀.jsonl']);
  });

  it('an overlong or surrogate encoding is not UTF-8 either (each byte shown)', async () => {
    const dir = folder();
    writeNamed(dir, Buffer.from([0x61, 0xc0, 0xaf, 0xed, 0xa0, 0x80]), '');
    expect((await readFolderNames(dir)).notUtf8).toEqual(['a\\xc0\\xaf\\xed\\xa0\\x80']);
  });
});
