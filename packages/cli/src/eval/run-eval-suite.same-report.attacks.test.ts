// evals68: `gemloop eval suite.mjs --json report.out --junit ./report.out` (one name twice, a slip
// in a CI script) wrote the JSON result, then the JUnit report over it: the result that
// `gemloop eval compare` reads was lost without a word, and the run exited 0. Refused now before
// the suite runs, naming both flags.

import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recordWeatherRun } from '../../../evals/src/__fixtures__/weather-agent.ts';
import { captureIo } from '../__fixtures__/capture-io.ts';
import { createEvalCommand } from '../commands/eval.ts';
import { writeSuiteProject } from './__fixtures__/write-suite-project.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function project(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'gemloop-evals68-same-report-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const recorded = await recordWeatherRun();
  cleanups.push(recorded.cleanup);
  await writeSuiteProject(dir, recorded.text, captureIo());
  return dir;
}

describe('gemloop eval --json and --junit naming one file', () => {
  it('is refused before the suite runs, by name, by ./ path and through a link', async () => {
    const dir = await project();
    writeFileSync(join(dir, 'old.json'), 'the last result');
    symlinkSync(join(dir, 'old.json'), join(dir, 'link.xml'));
    for (const [json, junit] of [
      ['report.out', './report.out'],
      ['old.json', 'link.xml'],
    ]) {
      const out = captureIo();
      const code = await createEvalCommand(dir).run(
        ['suite.mjs', '--json', json as string, '--junit', junit as string],
        out,
      );
      expect(code).toBe(2);
      expect(out.err()).toContain(
        `--junit ${junit} is the file --json writes the result to: one would replace the other.`,
      );
      expect(out.out()).toBe('');
    }
    expect(existsSync(join(dir, 'report.out'))).toBe(false);
    expect(readFileSync(join(dir, 'old.json'), 'utf8')).toBe('the last result');
  }, 60_000);

  it('two files still get one report each', async () => {
    const dir = await project();
    const out = captureIo();
    const code = await createEvalCommand(dir).run(
      ['suite.mjs', '--json', 'result.json', '--junit', 'result.xml'],
      out,
    );
    expect(code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')).format).toBe('gemloop-eval');
    expect(readFileSync(join(dir, 'result.xml'), 'utf8')).toMatch(/^<\?xml/);
  }, 60_000);
});
