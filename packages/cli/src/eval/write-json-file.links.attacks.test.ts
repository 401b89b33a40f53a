// knowledge67/lead67's leftover: the report writer found the file a link leads to with `realpath`,
// which fails on a link to a file that does not exist yet (a report's link made before its first
// run, as a CI job links `eval.json` into the folder it keeps). The link itself was then renamed
// over: it became a plain file of its own and the report never reached the folder it pointed to.
// A loop of links was replaced the same way, without a word. The writer now walks the links as
// the chat and memory file stores do (core's `linkedFile`), and a loop is a `ReportFileError`.

import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ReportFileError } from './report-file-error.ts';
import { writeOut } from './run-eval-suite.ts';
import { writeJsonFile } from './write-json-file.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gemloop-cli68-links-'));
  dirs.push(dir);
  return dir;
}

describe('a report path that is a link to a file not made yet', () => {
  it('writeJsonFile writes the report where the link points; the link stays a link', async () => {
    const dir = folder();
    mkdirSync(join(dir, 'kept'));
    symlinkSync(join(dir, 'kept', 'eval.json'), join(dir, 'eval.json'));
    await writeJsonFile(join(dir, 'eval.json'), { ok: true });
    expect(lstatSync(join(dir, 'eval.json')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'eval.json'))).toBe(join(dir, 'kept', 'eval.json'));
    expect(JSON.parse(readFileSync(join(dir, 'kept', 'eval.json'), 'utf8'))).toEqual({ ok: true });
    expect(readdirSync(join(dir, 'kept'))).toEqual(['eval.json']);
    expect(readdirSync(dir).sort()).toEqual(['eval.json', 'kept']);
  });

  it("makes the folder at the link's end, as it makes the folder of a plain path", async () => {
    const dir = folder();
    symlinkSync(join(dir, 'volume', 'reports', 'eval.json'), join(dir, 'eval.json'));
    await writeJsonFile(join(dir, 'eval.json'), { ok: true });
    expect(readlinkSync(join(dir, 'eval.json'))).toBe(join(dir, 'volume', 'reports', 'eval.json'));
    expect(readdirSync(join(dir, 'volume', 'reports'))).toEqual(['eval.json']);
  });

  it('writeOut (--junit) follows a chain of relative links to the same end', async () => {
    const dir = folder();
    mkdirSync(join(dir, 'kept'));
    symlinkSync('hop.xml', join(dir, 'eval.xml'));
    symlinkSync('kept/junit.xml', join(dir, 'hop.xml'));
    await writeOut(join(dir, 'eval.xml'), '<testsuites/>\n');
    expect(readlinkSync(join(dir, 'eval.xml'))).toBe('hop.xml');
    expect(readlinkSync(join(dir, 'hop.xml'))).toBe('kept/junit.xml');
    expect(readFileSync(join(dir, 'kept', 'junit.xml'), 'utf8')).toBe('<testsuites/>\n');
  });
});

describe('a report path that is a loop of links', () => {
  it('is refused with a ReportFileError naming the path; both links are left as they were', async () => {
    const dir = folder();
    symlinkSync('b.json', join(dir, 'a.json'));
    symlinkSync('a.json', join(dir, 'b.json'));
    const error = await writeJsonFile(join(dir, 'a.json'), { ok: true }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ReportFileError);
    expect(error).toMatchObject({ name: 'ReportFileError', path: join(dir, 'a.json') });
    expect((error as Error).message).toContain(join(dir, 'a.json'));
    expect((error as Error).message).toMatch(/loop of symbolic links/);
    expect(readlinkSync(join(dir, 'a.json'))).toBe('b.json');
    expect(readlinkSync(join(dir, 'b.json'))).toBe('a.json');
    expect(readdirSync(dir).sort()).toEqual(['a.json', 'b.json']);
  });
});
