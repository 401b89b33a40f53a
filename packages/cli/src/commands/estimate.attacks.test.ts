import { execFileSync } from 'node:child_process';
import {
  closeSync,
  constants,
  mkdirSync,
  mkdtempSync,
  openSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { captureIo } from '../__fixtures__/capture-io.ts';
import { createEstimateCommand } from './estimate.ts';

// attack-doors10: `gemloop estimate` learns from every `*.jsonl` of its runs folder, by default
// `.gemloop/runs` of the current folder: a cloned repository's. It read each with `readFile`, so
// a FIFO named like a run held the command for ever, a symlink to `/dev/zero` (git keeps
// symlinks) read until memory ran out, and a symlink out of the folder was read and counted.
// The viewer, `replay`, `diff` and `eval from-runs` read run files as hostile input already
// (`openRunFile`): a regular file inside the folder, within a size bound.

const AGENT = join(import.meta.dirname, '../__fixtures__/estimate-agent.ts');

const fake = createFakeGemini({});
beforeAll(async () => {
  const { url } = await fake.listen();
  process.env['GEMLOOP_ESTIMATE_TEST_URL'] = url;
});
afterAll(async () => {
  delete process.env['GEMLOOP_ESTIMATE_TEST_URL'];
  await fake.close();
});

/** A recorded run's two lines that matter to an estimate, of `cost` dollars and `tokens`. */
function runText(index: number, cost: number, tokens: number): string {
  const lines = [
    {
      type: 'run-start',
      runId: `r${index}`,
      agentName: 'planner',
      model: 'gemini-3-flash-preview',
      path: [],
    },
    { type: 'run-end', cost: { total: cost.toFixed(6) }, usage: { totalTokenCount: tokens } },
  ];
  return `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`;
}

/** A runs folder with ten runs of $0.001 and 100 tokens each. */
function runsFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gemloop-estimate-attack-'));
  const runs = join(dir, 'runs');
  mkdirSync(runs);
  for (let index = 0; index < 10; index++) {
    writeFileSync(join(runs, `run-${index}.jsonl`), runText(index, 0.001, 100));
  }
  return runs;
}

async function estimate(runs: string) {
  const run = captureIo();
  const code = await createEstimateCommand().run(
    [AGENT, 'Plan a week in Lisbon.', '--runs', runs, '--min-runs', '10', '--json'],
    run,
  );
  return { code, run };
}

describe('gemloop estimate over a runs folder planted with what is not a run file', () => {
  it('a FIFO named like a run is skipped without waiting for a writer', async () => {
    const runs = runsFolder();
    const fifo = join(runs, 'pipe.jsonl');
    execFileSync('mkfifo', [fifo]);
    onTestFinished(() => {
      // Before the fix the read waited in the thread pool: a writer that opens and closes lets
      // it end (ENXIO when nothing is waiting).
      try {
        closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        // Nothing was waiting.
      }
    });
    const { code, run } = await estimate(runs);
    expect(code).toBe(0);
    expect(JSON.parse(run.out())).toMatchObject({ source: 'recordings', runs: 10 });
    expect(run.err()).toContain('pipe.jsonl');
  }, 60_000);

  it('symlinks out of the folder (a costly run elsewhere, /dev/zero) are not followed', async () => {
    const runs = runsFolder();
    const elsewhere = mkdtempSync(join(tmpdir(), 'gemloop-estimate-elsewhere-'));
    writeFileSync(join(elsewhere, 'costly.jsonl'), runText(99, 1000, 1_000_000));
    symlinkSync(join(elsewhere, 'costly.jsonl'), join(runs, 'costly.jsonl'));
    symlinkSync('/dev/zero', join(runs, 'zero.jsonl'));
    const { code, run } = await estimate(runs);
    expect(code).toBe(0);
    const result = JSON.parse(run.out());
    expect(result).toMatchObject({ source: 'recordings', runs: 10 });
    expect(result.costUsd.p90).toBeCloseTo(0.001, 10);
    expect(run.err()).toContain('costly.jsonl');
    expect(run.err()).toContain('zero.jsonl');
  }, 60_000);

  it('a run file past the bound the viewer reads (24 MiB) is skipped, not read whole', async () => {
    const runs = runsFolder();
    // A run-end at the end of a 25 MiB file: read whole, it was counted.
    const padding = JSON.stringify({ type: 'note', text: 'x'.repeat(25 * 1024 * 1024) });
    writeFileSync(join(runs, 'huge.jsonl'), `${padding}\n${runText(50, 1000, 1_000_000)}`);
    const { code, run } = await estimate(runs);
    expect(code).toBe(0);
    expect(JSON.parse(run.out())).toMatchObject({ runs: 10 });
    expect(run.err()).toContain('huge.jsonl');
  }, 60_000);

  it('run files saved again with a byte-order mark, CRLF or CR line ends are counted (attack56b)', async () => {
    const runs = runsFolder();
    // Three of the ten as an editor saves them: "UTF-8 with BOM", Windows line ends, old Mac
    // ones. `gemloop view` shows all three; before, the estimate saw 8 runs and refused with
    // --min-runs 10.
    writeFileSync(join(runs, 'run-0.jsonl'), `\uFEFF${runText(0, 0.001, 100)}`);
    writeFileSync(join(runs, 'run-1.jsonl'), runText(1, 0.001, 100).replaceAll('\n', '\r\n'));
    writeFileSync(join(runs, 'run-2.jsonl'), runText(2, 0.001, 100).replaceAll('\n', '\r'));
    const { code, run } = await estimate(runs);
    expect(run.err()).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(run.out())).toMatchObject({ source: 'recordings', runs: 10 });
  }, 60_000);

  it('a run file whose name is not UTF-8 is skipped saying so (leftovers83)', async () => {
    // `readdir` as text gave its name with U+FFFD, which opens no file (ENOENT): the run was left
    // out of the band without a word.
    const runs = runsFolder();
    const name = Buffer.concat([
      Buffer.from('run-'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('.jsonl'),
    ]);
    writeFileSync(Buffer.concat([Buffer.from(`${runs}/`), name]), runText(10, 0.001, 100));
    const { code, run } = await estimate(runs);
    expect(code).toBe(0);
    expect(JSON.parse(run.out())).toMatchObject({ source: 'recordings', runs: 10 });
    expect(run.err()).toContain(
      'gemloop estimate: skipped run-\\xff\\xfe.jsonl of the runs: its name is not UTF-8',
    );
    expect(run.err()).not.toContain('\uFFFD');
  }, 60_000);
});
