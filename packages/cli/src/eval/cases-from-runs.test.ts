// `gemloop eval from-runs` over a runs folder that holds more than run files: hostile text in a
// file, a FIFO, a dangling symlink. Each is one skipped file, never a hang, a failed command or
// bytes that repaint the terminal.

import { constants, existsSync, mkdtempSync, openSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEvalCases, MAX_CASE_LINE_CHARS } from '@gemloop/evals';
import { afterEach, describe, expect, it } from 'vitest';
import {
  recordWeatherRun,
  recordWeatherTeamRun,
} from '../../../evals/src/__fixtures__/weather-agent.ts';
import type { CliIo } from '../cli-io.ts';
import { casesFromDatabase, casesFromRuns } from './cases-from-runs.ts';

function io(): CliIo & { out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    env: {},
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

/** A folder with `runs/` holding one successful recorded run, `good.jsonl`. */
async function runsFolder(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'gemloop-from-runs-'));
  await mkdir(join(dir, 'runs'));
  const recorded = await recordWeatherRun();
  writeFileSync(join(dir, 'runs', 'good.jsonl'), await readFile(recorded.file));
  await recorded.cleanup();
  return dir;
}

/** The text of one successful recorded run. */
async function runsFolderText(): Promise<string> {
  const recorded = await recordWeatherRun();
  await recorded.cleanup();
  return recorded.text;
}

const fifos: string[] = [];
afterEach(() => {
  // A reader still blocked on a FIFO (the bug this file guards against) is released by a writer,
  // so a failing run does not leave a thread of the pool stuck.
  for (const fifo of fifos.splice(0)) {
    try {
      openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch {
      // No reader waiting: nothing to release.
    }
  }
});

describe('gemloop eval from-runs', () => {
  it('escapes the control characters a run file puts in its skip message', async () => {
    const dir = await runsFolder();
    writeFileSync(
      join(dir, 'runs', 'hostile.jsonl'),
      `${JSON.stringify({ type: 'run-start', format: '\u001b[2J\u001b[31mPASS\u202e', runId: 'r' })}\n`,
    );
    const run = io();
    expect(await casesFromRuns('runs', 'cases.jsonl', run, dir)).toBe(1);
    expect(run.err()).toContain('skipped hostile.jsonl');
    expect(run.err()).toContain('\\u001b[2J\\u001b[31mPASS\\u202e');
    expect(run.err()).not.toContain('\u001b');
    expect(run.err()).not.toContain('\u202e');
  });

  it('skips a FIFO and a dangling symlink named like runs, and writes the other runs', async () => {
    const dir = await runsFolder();
    const { execFileSync } = await import('node:child_process');
    const fifo = join(dir, 'runs', 'pipe.jsonl');
    execFileSync('mkfifo', [fifo]);
    fifos.push(fifo);
    symlinkSync(join(dir, 'gone.jsonl'), join(dir, 'runs', 'dangling.jsonl'));
    const run = io();
    expect(await casesFromRuns('runs', 'cases.jsonl', run, dir)).toBe(1);
    expect(run.out()).toContain('1 case(s) written to cases.jsonl; 2 run(s) skipped');
    expect(run.err()).toContain('skipped pipe.jsonl: not a regular file');
    expect(run.err()).toContain('skipped dangling.jsonl: cannot be read (ENOENT)');
    expect((await readFile(join(dir, 'cases.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(1);
  });

  it('makes a run of an agent tree one case with its subagent runs, and skips a subagent run whose top run is missing', async () => {
    const dir = await runsFolder();
    const team = await recordWeatherTeamRun();
    for (const file of team.files) writeFileSync(join(dir, 'runs', file.name), file.text);
    const [top, child] = team.files;
    await team.cleanup();
    // A subagent run whose parent is not in the folder (pruned, or recorded elsewhere).
    writeFileSync(
      join(dir, 'runs', 'lost.jsonl'),
      (child?.text ?? '')
        .replace(/"runId":"[^"]+"/, '"runId":"lost-run"')
        .replace(/"parentRunId":"[^"]+"/, '"parentRunId":"gone-run"'),
    );
    const run = io();
    expect(await casesFromRuns('runs', 'cases.jsonl', run, dir)).toBe(2);
    expect(run.out()).toBe(
      '2 case(s) written to cases.jsonl (with 2 subagent run(s) in them); 1 run(s) skipped (0 failed, unfinished or without an answer; 1 as said above).\n',
    );
    expect(run.err()).toBe(
      "gemloop eval from-runs: skipped lost.jsonl: a subagent's run (of gone-run) whose top run is not in runs; it becomes part of its top run's case when both are there.\n",
    );
    const cases = await loadEvalCases(join(dir, 'cases.jsonl'));
    const topId = /"runId":"([^"]+)"/.exec(top?.text ?? '')?.[1];
    const tree = cases.find((evalCase) => evalCase.id === topId);
    expect(tree?.fixtures?.subagents?.map((sub) => sub.path).sort()).toEqual([
      ['forecast#1'],
      ['forecast#2'],
    ]);
    expect(cases.map((evalCase) => evalCase.id)).not.toContain('lost-run');
  });

  it('writes nothing when no run makes a case, and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gemloop-from-runs-'));
    await mkdir(join(dir, 'runs'));
    const failed = (await runsFolderText()).replace(
      '"type":"run-end","outcome":"success"',
      '"type":"run-end","outcome":"error"',
    );
    writeFileSync(join(dir, 'runs', 'failed.jsonl'), failed);
    const run = io();
    expect(await casesFromRuns('runs', 'cases.jsonl', run, dir)).toBe(0);
    expect(run.out()).toBe(
      '0 case(s) written to cases.jsonl; 1 run(s) skipped (1 failed, unfinished or without an answer; 0 as said above).\n',
    );
    expect(existsSync(join(dir, 'cases.jsonl'))).toBe(false);
  });

  it('writes only cases the dataset loader reads back: a run once, lines within its limit', async () => {
    const dir = await runsFolder();
    const good = await readFile(join(dir, 'runs', 'good.jsonl'), 'utf8');
    // A copy of a run file: the same run id twice made a dataset that failed to load.
    writeFileSync(join(dir, 'runs', 'good-copy.jsonl'), good);
    // A run under the recorder's 20 MB whose case is longer than a dataset line may be.
    const long = good
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .map((line) =>
        line['type'] === 'run-start'
          ? { ...line, runId: 'long-run' }
          : line['type'] === 'run-end'
            ? { ...line, text: 'x'.repeat(MAX_CASE_LINE_CHARS) }
            : line,
      );
    writeFileSync(
      join(dir, 'runs', 'long.jsonl'),
      `${long.map((line) => JSON.stringify(line)).join('\n')}\n`,
    );
    const run = io();
    expect(await casesFromRuns('runs', 'cases.jsonl', run, dir)).toBe(1);
    expect(run.out()).toContain('1 case(s) written to cases.jsonl; 2 run(s) skipped');
    expect(run.err()).toMatch(
      /skipped good\.jsonl: its run id \S+ is a case already \(from good-copy\.jsonl\)/,
    );
    expect(run.err()).toContain(`skipped long.jsonl: its case has`);
    const cases = await loadEvalCases(join(dir, 'cases.jsonl'));
    expect(cases).toHaveLength(1);
  });

  it('says what is wrong with a runs folder that is missing or a file', async () => {
    const dir = await runsFolder();
    const missing = io();
    await expect(casesFromRuns('none', 'cases.jsonl', missing, dir)).rejects.toThrow(
      `no runs folder ${join(dir, 'none')}: record runs with createRunRecorder() first`,
    );
    await expect(casesFromRuns('runs/good.jsonl', 'cases.jsonl', io(), dir)).rejects.toThrow(
      'is a file, not a folder: give --dir the folder of the run files.',
    );
  });

  it("skips a fleet's run that started subagents, whose child workflows it does not read, saying why", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gemloop-from-db-'));
    const lines = (await runsFolderText())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    async function* read() {
      yield { runId: 'team-1', lines, hasSubagents: true };
      yield { runId: 'solo-1', lines, hasSubagents: false };
    }
    const run = io();
    const query = { databaseUrl: 'postgres://u:pw@localhost/db' };
    expect(await casesFromDatabase(query, join(dir, 'x.jsonl'), run, dir, read)).toBe(1);
    expect(run.err()).toBe(
      "gemloop eval from-runs: skipped run team-1: it started subagents (child workflows), whose model turns are not read from the fleet yet; evaluate it with --live, or record the agent's runs to a folder (createRunRecorder) and use --dir, which replays a run with subagents whole.\n",
    );
  });

  it('escapes the control characters a run of a fleet puts in its skip message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gemloop-from-db-'));
    async function* read() {
      yield {
        runId: 'run\u001b[2J',
        lines: [{ type: 'run-start', format: '\u001b[31mPASS\u202e', runId: 'r' }],
      };
    }
    const run = io();
    const query = { databaseUrl: 'postgres://u:pw@localhost/db' };
    expect(await casesFromDatabase(query, join(dir, 'x.jsonl'), run, dir, read)).toBe(0);
    expect(run.err()).toContain('skipped run run\\u001b[2J: ');
    expect(run.err()).toContain('\\u001b[31mPASS\\u202e');
    expect(run.err()).not.toContain('\u001b');
    expect(run.err()).not.toContain('\u202e');
  });
});
