// attack43a: two runs writing the same report. `gemloop eval --json report.json` in two CI jobs of
// one workspace, a canary and an eval given the same `--json`, or `gemloop view` reading
// `.gemloop/evals/` while an eval writes there: each writer opened the path with O_TRUNC and wrote
// from offset 0, so a shorter report written over a longer one kept the longer one's tail. The
// file was neither report (not JSON), and `gemloop eval compare` refused it. A report is now
// written to a file of its own beside the target and renamed over it: a reader sees one report
// whole, the old or the new.

import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../cli-io.ts';
import { casesFromRuns } from './cases-from-runs.ts';
import { ReportFileError } from './report-file-error.ts';
import { writeOut } from './run-eval-suite.ts';
import { writeJsonFile } from './write-json-file.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gemloop-a43a-writers-'));
  dirs.push(dir);
  return dir;
}

// A long report (the first CI job's, many cases) and a short one (the second's).
const LONG = { name: 'job a', attempts: Array.from({ length: 2000 }, (_, index) => ({ index })) };
const SHORT = { name: 'job b', attempts: [] };

describe('two writers of one report file', () => {
  it('writeJsonFile: the file is always one whole report, never one cut into the other', async () => {
    const path = join(folder(), 'reports', 'eval.json');
    for (let round = 0; round < 20; round++) {
      await Promise.all([writeJsonFile(path, LONG), writeJsonFile(path, SHORT)]);
      const read = JSON.parse(readFileSync(path, 'utf8')) as { name: string };
      expect(['job a', 'job b']).toContain(read.name);
    }
    // No file of either writer is left beside the report.
    expect(readdirSync(join(path, '..'))).toEqual(['eval.json']);
  });

  it('writeOut (--json, --junit of eval, canary and bisect): the same', async () => {
    const path = join(folder(), 'eval.xml');
    const long = `<testsuites>${'<testcase name="x"/>'.repeat(5000)}</testsuites>\n`;
    const short = '<testsuites/>\n';
    for (let round = 0; round < 20; round++) {
      await Promise.all([writeOut(path, long), writeOut(path, short)]);
      expect([long, short]).toContain(readFileSync(path, 'utf8'));
    }
  });

  it('a reader polling while a report is written never reads a part of it', async () => {
    const path = join(folder(), 'eval.json');
    await writeJsonFile(path, SHORT);
    let writing = true;
    const seen: string[] = [];
    const reader = (async () => {
      while (writing) seen.push(await readFile(path, 'utf8'));
    })();
    for (let round = 0; round < 20; round++) await writeJsonFile(path, round % 2 ? SHORT : LONG);
    writing = false;
    await reader;
    for (const text of seen) expect(() => JSON.parse(text)).not.toThrow();
  });

  it('eval from-runs --out: two folders written to one dataset give one whole dataset', async () => {
    const dir = folder();
    const runFile = (runId: string, text: string): string =>
      `${[
        { type: 'run-start', format: 1, runId, model: 'gemini-2.5-flash', input: text },
        {
          type: 'model-call-start',
          request: { contents: [{ role: 'user', parts: [{ text }] }] },
        },
        {
          type: 'model-call-end',
          response: { candidates: [{ content: { role: 'model', parts: [{ text }] } }] },
        },
        { type: 'run-end', outcome: 'success', text },
      ]
        .map((line) => JSON.stringify(line))
        .join('\n')}\n`;
    await mkdir(join(dir, 'many'));
    await mkdir(join(dir, 'one'));
    for (let index = 0; index < 40; index++) {
      writeFileSync(
        join(dir, 'many', `r${index}.jsonl`),
        runFile(`many-${index}`, 'x'.repeat(500)),
      );
    }
    writeFileSync(join(dir, 'one', 'r.jsonl'), runFile('one', 'short'));
    const io: CliIo = { stdout: () => {}, stderr: () => {}, env: {} };
    for (let round = 0; round < 10; round++) {
      await Promise.all([
        casesFromRuns('many', 'cases.jsonl', io, dir),
        casesFromRuns('one', 'cases.jsonl', io, dir),
      ]);
      const lines = readFileSync(join(dir, 'cases.jsonl'), 'utf8').trimEnd().split('\n');
      const ids = lines.map((line) => (JSON.parse(line) as { id: string }).id);
      expect([40, 1]).toContain(ids.length);
    }
  });
});

describe('what the report writer writes through', () => {
  it('a link to a report elsewhere stays a link; the report it points to is replaced', async () => {
    const dir = folder();
    await mkdir(join(dir, 'shared'));
    writeFileSync(join(dir, 'shared', 'eval.json'), '{}\n');
    symlinkSync(join(dir, 'shared', 'eval.json'), join(dir, 'eval.json'));
    await writeJsonFile(join(dir, 'eval.json'), SHORT);
    expect(lstatSync(join(dir, 'eval.json')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'eval.json'))).toBe(join(dir, 'shared', 'eval.json'));
    expect(JSON.parse(readFileSync(join(dir, 'shared', 'eval.json'), 'utf8'))).toEqual(SHORT);
    expect(readdirSync(join(dir, 'shared'))).toEqual(['eval.json']);
  });

  it('a device (--json /dev/null) is written as before, no file made beside it', async () => {
    const before = readdirSync('/dev');
    await writeJsonFile('/dev/null', SHORT);
    expect(readdirSync('/dev')).toEqual(before);
  });
});

// cli68 (knowledge67/lead67's leftover): the writer found the file a link leads to with `realpath`,
// which fails on a link to a file that does not exist yet (a report's link made before its first
// run, as a CI job links `eval.json` into the folder it keeps). The link itself was then renamed
// over: it became a plain file of its own and the report never reached the folder it pointed to.
// A loop of links was replaced the same way, without a word. The writer now walks the links as
// the chat and memory file stores do (core's `linkedFile`), and a loop is a `ReportFileError`.

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
