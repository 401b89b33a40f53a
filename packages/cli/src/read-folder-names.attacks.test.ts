// leftovers83 (attack67b's note): a run file whose *name* is not UTF-8 (`run-\xff\xfe.jsonl`: a
// Linux name is any bytes but `/` and NUL; a folder copied from an old Latin-1 system, an archive
// unpacked without its encoding). `readdir` gave its name with U+FFFD for each such byte, a name
// no file has: `gemloop eval from-runs` then skipped it as "cannot be read (ENOENT)", as if it
// had gone, and `gemloop estimate` left its run out of the band without a word. Now the folder is
// read as bytes, and such a file is skipped by both, saying what is wrong with its name, shown
// with `\xNN` for each byte that is not UTF-8.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini } from '@gemloop/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from './__fixtures__/capture-io.ts';
import { createEstimateCommand } from './commands/estimate.ts';
import { createEvalCommand } from './commands/eval.ts';
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

const line = (value: unknown): string => JSON.stringify(value);

/** A successful recorded run answering `answer`. */
function runFile(runId: string, answer: string): string {
  return `${[
    line({ type: 'run-start', format: 1, runId, model: 'gemini-2.5-flash', input: 'hi' }),
    line({
      type: 'model-call-start',
      request: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
    }),
    line({
      type: 'model-call-end',
      response: { candidates: [{ content: { role: 'model', parts: [{ text: answer }] } }] },
    }),
    line({ type: 'run-end', outcome: 'success', text: answer }),
  ].join('\n')}\n`;
}

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

describe('a run file whose name is not UTF-8', () => {
  it('eval from-runs skips it saying what is wrong with its name, and reads the others', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'a.jsonl'), runFile('a', 'Fine.'));
    writeNamed(dir, NOT_UTF8, runFile('b', 'Also fine.'));
    const out = captureIo();
    expect(
      await createEvalCommand(dir).run(['from-runs', '--dir', '.', '--out', 'cases.jsonl'], out),
      out.err(),
    ).toBe(0);
    expect(out.err()).toContain(
      'gemloop eval from-runs: skipped run-\\xff\\xfe.jsonl: its name is not UTF-8',
    );
    expect(out.err()).not.toContain('ENOENT');
    expect(out.err()).not.toContain('\uFFFD');
    expect(out.out()).toMatch(/^1 case\(s\) written to cases\.jsonl; 1 run\(s\) skipped/);
    expect(readFileSync(join(dir, 'cases.jsonl'), 'utf8').trimEnd().split('\n')).toHaveLength(1);
  });

  describe('gemloop estimate', () => {
    const fake = createFakeGemini({});
    beforeAll(async () => {
      const { url } = await fake.listen();
      process.env['GEMLOOP_ESTIMATE_TEST_URL'] = url;
    });
    afterAll(async () => {
      delete process.env['GEMLOOP_ESTIMATE_TEST_URL'];
      await fake.close();
    });

    it('says it skipped it (its run was left out of the band without a word)', async () => {
      const dir = folder();
      const runEnd = (index: number) =>
        `${line({ type: 'run-start', runId: `r${index}`, agentName: 'planner', path: [] })}\n${line({ type: 'run-end', cost: { total: '0.001000' }, usage: { totalTokenCount: 100 } })}\n`;
      for (let index = 0; index < 3; index++)
        writeFileSync(join(dir, `run-${index}.jsonl`), runEnd(index));
      writeNamed(dir, NOT_UTF8, runEnd(3));
      const io = captureIo();
      const code = await createEstimateCommand().run(
        [
          join(import.meta.dirname, '__fixtures__/estimate-agent.ts'),
          'Plan a week in Lisbon.',
          '--runs',
          dir,
          '--json',
        ],
        io,
      );
      expect(code, io.err()).toBe(0);
      expect(io.err()).toContain(
        'gemloop estimate: skipped run-\\xff\\xfe.jsonl of the runs: its name is not UTF-8',
      );
      expect(io.err()).not.toContain('\uFFFD');
    });
  });
});
