// attack43a: a run file saved in another encoding than UTF-8 (edited in a Windows-1252 editor: an
// `é` as the one byte 0xE9). `gemloop diff`, `gemloop replay` and `eval from-runs` read each such
// byte as U+FFFD: a diff reported an answer the run never gave, and from-runs wrote a case whose
// input and expected answer no one wrote. Refused now with the line, as the dataset reader does.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { captureIo } from '../__fixtures__/capture-io.ts';
import { createDiffCommand } from '../commands/diff.ts';
import { createEvalCommand } from '../commands/eval.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const line = (value: unknown): string => JSON.stringify(value);

/** A successful run whose answer is `answer`, as UTF-8 bytes, the answer's bytes as given. */
function runFile(runId: string, answer: Buffer): Buffer {
  const head = `${[
    line({ type: 'run-start', format: 1, runId, model: 'gemini-2.5-flash', input: 'hi' }),
    line({
      type: 'model-call-start',
      request: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
    }),
    line({
      type: 'model-call-end',
      response: { candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] } }] },
    }),
  ].join('\n')}\n{"type":"run-end","outcome":"success","text":"`;
  return Buffer.concat([Buffer.from(head), answer, Buffer.from('"}\n')]);
}

const LATIN1 = Buffer.from([0x43, 0x61, 0x66, 0xe9]); // "Café" in Windows-1252

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gemloop-a43a-run-encoding-'));
  dirs.push(dir);
  return dir;
}

describe('run files that are not UTF-8', () => {
  it('gemloop diff refuses one, naming the file and its line', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'a.jsonl'), runFile('a', Buffer.from('Café')));
    writeFileSync(join(dir, 'b.jsonl'), runFile('b', LATIN1));
    const out = captureIo();
    expect(await createDiffCommand(dir).run(['a.jsonl', 'b.jsonl'], out)).toBe(2);
    expect(out.err()).toMatch(/b\.jsonl: line 4 is not UTF-8.*save it as UTF-8/);
    expect(out.out()).toBe('');
  });

  it('eval from-runs skips one with why, and writes the cases of the others', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'a.jsonl'), runFile('a', Buffer.from('Café')));
    writeFileSync(join(dir, 'b.jsonl'), runFile('b', LATIN1));
    const out = captureIo();
    expect(
      await createEvalCommand(dir).run(['from-runs', '--dir', '.', '--out', 'cases.jsonl'], out),
    ).toBe(0);
    expect(out.err()).toMatch(/skipped b\.jsonl: line 4 is not UTF-8/);
    const written = readFileSync(join(dir, 'cases.jsonl'), 'utf8');
    expect(written).not.toContain('\uFFFD');
    expect(written.trimEnd().split('\n')).toHaveLength(1);
  });

  it('eval from-runs skips one whose name is not UTF-8 saying so, and reads the others (leftovers83)', async () => {
    // Its name read as text had U+FFFD for each such byte: a name no file has, skipped as
    // "cannot be read (ENOENT)", as if it had gone.
    const dir = folder();
    writeFileSync(join(dir, 'a.jsonl'), runFile('a', Buffer.from('Fine.')));
    const name = Buffer.concat([
      Buffer.from('run-'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('.jsonl'),
    ]);
    writeFileSync(
      Buffer.concat([Buffer.from(`${dir}/`), name]),
      runFile('b', Buffer.from('Also.')),
    );
    const out = captureIo();
    expect(
      await createEvalCommand(dir).run(['from-runs', '--dir', '.', '--out', 'cases.jsonl'], out),
    ).toBe(0);
    expect(out.err()).toContain(
      'gemloop eval from-runs: skipped run-\\xff\\xfe.jsonl: its name is not UTF-8',
    );
    expect(out.err()).not.toContain('ENOENT');
    expect(out.out()).toMatch(/^1 case\(s\) written to cases\.jsonl; 1 run\(s\) skipped/);
  });
});
