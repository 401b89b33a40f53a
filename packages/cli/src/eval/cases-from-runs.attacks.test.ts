// `gemloop eval from-runs` over a folder where one run file was edited into a run whose case a
// dataset refuses (attack13): that file is skipped with why, and the dataset written loads. Before,
// its case was written and the whole dataset failed to load.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEvalCases } from '@gemloop/evals';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../cli-io.ts';
import { casesFromRuns } from './cases-from-runs.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function runFile(runId: string, input: unknown): string {
  const line = (value: unknown): string => JSON.stringify(value);
  return `${[
    line({ type: 'run-start', format: 1, runId, model: 'gemini-2.5-flash', input }),
    line({
      type: 'model-call-start',
      request: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
    }),
    line({
      type: 'model-call-end',
      response: { candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] } }] },
    }),
    line({ type: 'run-end', outcome: 'success', text: 'ok' }),
  ].join('\n')}\n`;
}

describe('gemloop eval from-runs: a run edited into a case no dataset takes', () => {
  it('skips it with why, and writes a dataset that loads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gemloop-from-runs-attack-'));
    dirs.push(dir);
    await mkdir(join(dir, 'runs'));
    writeFileSync(join(dir, 'runs', 'a-good.jsonl'), runFile('good', 'hi'));
    writeFileSync(join(dir, 'runs', 'b-edited.jsonl'), runFile('edited', [1, 2]));
    const err: string[] = [];
    const io: CliIo = { stdout: () => {}, stderr: (text) => err.push(text), env: {} };
    const written = await casesFromRuns('runs', 'cases.jsonl', io, dir);
    expect(written).toBe(1);
    expect(err.join('')).toMatch(
      /skipped b-edited\.jsonl: .*'input' must be a string or an array of contents/,
    );
    const cases = await loadEvalCases(join(dir, 'cases.jsonl'));
    expect(cases.map((each) => each.id)).toEqual(['good']);
  });
});

describe('gemloop eval from-runs: run files with CR-only line ends (leftovers33)', () => {
  it('reads an agent tree saved with old Mac line ends as the one case it is', async () => {
    const { recordWeatherTeamRun } = await import(
      '../../../evals/src/__fixtures__/weather-agent.ts'
    );
    const dir = mkdtempSync(join(tmpdir(), 'gemloop-from-runs-cr-'));
    dirs.push(dir);
    await mkdir(join(dir, 'runs'));
    const team = await recordWeatherTeamRun();
    // A raw CR never occurs inside a JSON string (RFC 8259 section 7): each one ends a line.
    for (const file of team.files) {
      writeFileSync(join(dir, 'runs', file.name), file.text.split('\n').join('\r'));
    }
    await team.cleanup();
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = {
      stdout: (text) => out.push(text),
      stderr: (text) => err.push(text),
      env: {},
    };
    // Before: each file read as one line (not JSON): the subagents' runs taken for top runs, and
    // no case at all, silently ("0 case(s) written").
    expect(await casesFromRuns('runs', 'cases.jsonl', io, dir)).toBe(1);
    expect(out.join('')).toContain(
      '1 case(s) written to cases.jsonl (with 2 subagent run(s) in them)',
    );
    expect(err).toEqual([]);
    const cases = await loadEvalCases(join(dir, 'cases.jsonl'));
    expect(cases[0]?.fixtures?.subagents?.map((sub) => sub.path).sort()).toEqual([
      ['forecast#1'],
      ['forecast#2'],
    ]);
  });
});
