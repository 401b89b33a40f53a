import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../__fixtures__/capture-io.ts';
import { createEstimateCommand } from './estimate.ts';

// leftovers44: what `gemloop estimate` writes to the terminal that others chose: the names of the
// run files it skips (a cloned repository's folder: any bytes but `/`) and what the agent's
// client threw (its fetch's or gateway's words). OSC 52 writes the clipboard, a CSI erases the
// line and moves up (a forged line over the real one), U+202E reverses what follows. Before, the
// client's message was escaped but printed whole: 5 MB on one line.

const HOSTILE_AGENT = join(import.meta.dirname, '../__fixtures__/estimate-hostile-agent.ts');
const OSC52 = '\u001b]52;c;cm0gLXJmIH4=\u0007';
const CSI = '\u001b[2K\u001b[1A';
// Raw controls and the bidi overrides a terminal acts on (the escaped forms are visible text).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function emptyRuns(): string {
  const runs = join(mkdtempSync(join(tmpdir(), 'gemloop-estimate-escapes-')), 'runs');
  mkdirSync(runs);
  return runs;
}

describe('gemloop estimate shows others’ text as one inert, bounded line', () => {
  it('a skipped run file named with OSC 52, a CSI and U+202E is named escaped', async () => {
    const runs = emptyRuns();
    // A symlink to /dev/zero is skipped (not a regular file): its name is printed.
    symlinkSync('/dev/zero', join(runs, `${OSC52}${CSI}PASS \u202elnosj.jsonl`));
    const run = captureIo();
    await createEstimateCommand().run(
      [HOSTILE_AGENT, 'hi', '--runs', runs, '--min-runs', '0'],
      run,
    );
    const skipped = run
      .err()
      .split('\n')
      .find((line) => line.includes('skipped'));
    expect(skipped).toContain('\\u001b]52;c;cm0gLXJmIH4=\\u0007\\u001b[2K\\u001b[1APASS \\u202e');
    expect(skipped).not.toMatch(RAW);
  }, 60_000);

  it('what the client threw (OSC 52, a CSI, U+202E and 5 MB) is escaped and cut', async () => {
    const run = captureIo();
    const code = await createEstimateCommand().run(
      [HOSTILE_AGENT, 'hi', '--runs', emptyRuns()],
      run,
    );
    expect(code).toBe(1);
    const err = run.err();
    expect(err).toContain('\\u001b]52;c;cm0gLXJmIH4=\\u0007\\u001b[2K\\u001b[1A');
    expect(err).toContain('\\u202eevil');
    expect(err).not.toMatch(RAW);
    // One line, cut: not the 5 MB the client's message carried.
    expect(err.endsWith('\n')).toBe(true);
    expect(err.slice(0, -1)).not.toContain('\n');
    expect(err.length).toBeLessThan(1_200);
    expect(run.out()).toBe('');
  }, 60_000);
});
