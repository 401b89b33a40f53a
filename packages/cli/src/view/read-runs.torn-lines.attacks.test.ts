import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { type RunListCache, readRunLines, readRunSummaries } from './read-runs.ts';

// attack29: a run file with a whole line in it that is not a run line — a line torn by a crash
// and written after (two processes appending to one file: a durable run taken over under the
// same run id and start time), a disk that filled mid-line then freed, a hand edit. The view
// dropped such a line without a word: the page showed the run as if whole, a model call or a
// tool call missing. Now the view keeps its place and says which line of the file it was. The
// last line without its newline is still a line being written (left out, as before). And a run
// whose process crashed or was killed: no end will ever come, yet the page said "Run in progress
// (updating live)" and polled it every second, forever. The recorder touches an open run's file
// every minute; one without its end and untouched for 10 minutes now ends with an `abandoned`
// note.

const id = '2026-11-28T18-00-00-000Z-run-torn';

async function runFile(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-attack29-view-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, `${id}.jsonl`), text);
  return dir;
}

const line = (value: object): string => `${JSON.stringify(value)}\n`;
const start = line({ type: 'run-start', format: 1, runId: 'torn', model: 'm', at: 1, input: 'hi' });
const call = line({ type: 'model-call-start', stepNumber: 1, request: { contents: [] }, at: 2 });
const end = line({ type: 'run-end', outcome: 'success', text: 'ok', at: 9 });

describe('readRunLines: whole lines that are not run lines', () => {
  it('names each by its line number, in its place, and keeps the lines around it', async () => {
    const torn = `{"type":"model-call-end","stepNumber":1,"response":{"candi`;
    const dir = await runFile(
      `${start}${call}${torn}\n42\n{"no":"type"}\n${'\u0000'.repeat(3)}\n${end}`,
    );
    const run = await readRunLines(dir, id);
    if (run === undefined || 'problem' in run) throw new Error('no run');
    const types = run.lines.map((value) => value['type']);
    expect(types).toEqual([
      'run-start',
      'model-call-start',
      'unreadable-line',
      'unreadable-line',
      'unreadable-line',
      'unreadable-line',
      'run-end',
    ]);
    const notes = run.lines.filter((value) => value['type'] === 'unreadable-line');
    expect(notes.map((note) => note['line'])).toEqual([3, 4, 5, 6]);
    expect(notes[0]?.['reason']).toBe(
      'Line 3 of the file is not JSON (cut short, or not written by the recorder); it is not shown.',
    );
    expect(notes[1]?.['reason']).toBe(
      'Line 4 of the file is JSON but not a run line (an object with a type); it is not shown.',
    );
    // In time order with the lines around it: the page sorts by `at`.
    expect(notes[0]?.['at']).toBe(2);
    // Nothing of the line itself is quoted: a run file is bytes from anywhere.
    expect(JSON.stringify(notes)).not.toContain('candi');
  });

  it('leaves out a last line still being written, as before', async () => {
    const dir = await runFile(`${start}${call}{"type":"model-call-e`);
    const run = await readRunLines(dir, id);
    if (run === undefined || 'problem' in run) throw new Error('no run');
    expect(run.lines.map((value) => value['type'])).toEqual(['run-start', 'model-call-start']);
  });

  it('counts CRLF and CR line ends and skips blank lines without a note', async () => {
    const dir = await runFile(`${start.trimEnd()}\r\n\r\n${call.trimEnd()}\rnot json\n${end}`);
    const run = await readRunLines(dir, id);
    if (run === undefined || 'problem' in run) throw new Error('no run');
    const notes = run.lines.filter((value) => value['type'] === 'unreadable-line');
    expect(notes.map((note) => note['line'])).toEqual([4]);
  });
});

describe('readRunLines: a run whose process stopped', () => {
  it('ends an unfinished file untouched for over 10 minutes with an abandoned note', async () => {
    const dir = await runFile(`${start}${call}`);
    const now = Date.now();
    const old = new Date(now - 11 * 60_000);
    await utimes(join(dir, `${id}.jsonl`), old, old);
    const viewCache = {};
    const run = await readRunLines(dir, id, { viewCache });
    if (run === undefined || 'problem' in run) throw new Error('no run');
    expect(run.lines.at(-1)).toMatchObject({ type: 'abandoned', by: 'viewer', at: 2 });
    expect(String(run.lines.at(-1)?.['reason'])).toMatch(
      /^No line was written for 11 minutes and the run has no end/,
    );
    // Not kept for polling: nothing more will come.
    expect(viewCache).toEqual({ last: undefined });
  });

  it('leaves a run being written, or ended long ago, as it is', async () => {
    const fresh = await runFile(`${start}${call}`);
    const running = await readRunLines(fresh, id);
    if (running === undefined || 'problem' in running) throw new Error('no run');
    expect(running.lines.map((value) => value['type'])).toEqual(['run-start', 'model-call-start']);
    const done = await runFile(`${start}${call}${end}`);
    const later = await readRunLines(done, id, { now: () => Date.now() + 24 * 3_600_000 });
    if (later === undefined || 'problem' in later) throw new Error('no run');
    expect(later.lines.map((value) => value['type'])).toEqual([
      'run-start',
      'model-call-start',
      'run-end',
    ]);
  });
});

// leftovers36: the run list said `running` for the same run, forever. Its row now follows the
// run page's rule: no end line, and the file untouched for over 10 minutes, is `abandoned`.
describe('readRunSummaries: a run whose process stopped', () => {
  it('lists an unfinished file untouched for over 10 minutes as abandoned, cached or not', async () => {
    const dir = await runFile(`${start}${call}`);
    const cache: RunListCache = new Map();
    const [fresh] = await readRunSummaries(dir, { cache });
    expect(fresh?.outcome).toBe('running');
    // The same file, unchanged (its cache key too), read 11 minutes later.
    const later = () => Date.now() + 11 * 60_000;
    const [stale] = await readRunSummaries(dir, { cache, now: later });
    expect(stale).toMatchObject({ id, runId: 'torn', outcome: 'abandoned' });
    const old = new Date(Date.now() - 11 * 60_000);
    await utimes(join(dir, `${id}.jsonl`), old, old);
    const [uncached] = await readRunSummaries(dir);
    expect(uncached?.outcome).toBe('abandoned');
  });

  it('leaves an ended run, however old, as it ended', async () => {
    const dir = await runFile(`${start}${call}${end}`);
    const [row] = await readRunSummaries(dir, { now: () => Date.now() + 24 * 3_600_000 });
    expect(row?.outcome).toBe('success');
  });
});
