// attack43a: an output flag naming one of the command's own inputs. `gemloop replay --json` refuses
// the run file it forks ("a fork never writes over the recording"); the other commands wrote over
// what they read: `gemloop diff a.jsonl b.jsonl --json a.jsonl` replaced a recorded run with the
// diff, `eval from-runs --out` a recording with the dataset, and `gemloop eval suite.mjs --json
// cases.jsonl` (a slip for result.json) the dataset with the result. The README promises nothing
// gemloop did not write is lost; each now refuses before anything is written, naming the flag.

import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { recordWeatherRun } from '../../../evals/src/__fixtures__/weather-agent.ts';
import { captureIo } from '../__fixtures__/capture-io.ts';
import { createDiffCommand } from './diff.ts';
import { createEvalCommand } from './eval.ts';

const SUITE = pathToFileURL(
  join(import.meta.dirname, '../eval/__fixtures__/weather-suite.ts'),
).href;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function project(): Promise<{ dir: string; run: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'gemloop-a43a-over-inputs-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const recorded = await recordWeatherRun();
  cleanups.push(recorded.cleanup);
  writeFileSync(join(dir, 'run.jsonl'), recorded.text);
  return { dir, run: recorded.text };
}

describe('an output flag naming an input of the same command', () => {
  it('gemloop diff --json onto either run file (by name, by ./ path, through a link) is refused', async () => {
    const { dir, run } = await project();
    writeFileSync(join(dir, 'other.jsonl'), run);
    symlinkSync(join(dir, 'run.jsonl'), join(dir, 'link.json'));
    for (const target of ['run.jsonl', './other.jsonl', 'link.json']) {
      const out = captureIo();
      const code = await createDiffCommand(dir).run(
        ['run.jsonl', 'other.jsonl', '--json', target],
        out,
      );
      expect(code).toBe(2);
      expect(out.err()).toMatch(/--json .* is one of the run files/);
    }
    expect(readFileSync(join(dir, 'run.jsonl'), 'utf8')).toBe(run);
    expect(readFileSync(join(dir, 'other.jsonl'), 'utf8')).toBe(run);
  });

  it('gemloop eval from-runs --out onto a recorded run it reads is refused', async () => {
    const { dir, run } = await project();
    const out = captureIo();
    const code = await createEvalCommand(dir).run(
      ['from-runs', '--dir', '.', '--out', 'run.jsonl'],
      out,
    );
    expect(code).toBe(2);
    expect(out.err()).toMatch(/--out run\.jsonl is a recorded run/);
    expect(readFileSync(join(dir, 'run.jsonl'), 'utf8')).toBe(run);
    // A dataset in the same folder is still written (and rewritten) there.
    const again = captureIo();
    expect(
      await createEvalCommand(dir).run(['from-runs', '--dir', '.', '--out', 'cases.jsonl'], again),
    ).toBe(0);
    expect(
      await createEvalCommand(dir).run(['from-runs', '--dir', '.', '--out', 'cases.jsonl'], again),
    ).toBe(0);
  });

  it('gemloop eval --json or --junit onto the suite file or its dataset is refused', async () => {
    const { dir } = await project();
    const made = captureIo();
    expect(
      await createEvalCommand(dir).run(['from-runs', '--dir', '.', '--out', 'cases.jsonl'], made),
    ).toBe(0);
    const suite = `import { weatherSuite } from '${SUITE}';\nexport default weatherSuite('cases.jsonl');\n`;
    writeFileSync(join(dir, 'suite.mjs'), suite);
    const dataset = readFileSync(join(dir, 'cases.jsonl'), 'utf8');
    for (const args of [
      ['--json', 'cases.jsonl'],
      ['--junit', 'suite.mjs'],
    ]) {
      const out = captureIo();
      const code = await createEvalCommand(dir).run(['suite.mjs', ...args], out);
      expect(code).toBe(2);
      expect(out.err()).toMatch(/is the suite's (dataset|file)/);
    }
    expect(readFileSync(join(dir, 'cases.jsonl'), 'utf8')).toBe(dataset);
    expect(readFileSync(join(dir, 'suite.mjs'), 'utf8')).toBe(suite);
  }, 60_000);
});
