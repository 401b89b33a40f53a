// `gemloop replay` on run files a hostile user hands it (attack-outside4): not a file at all,
// cut, hand-edited with terminal escapes in the answer and the tool names, a forged step.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recordSignedWeatherRun } from '../../../evals/src/__fixtures__/weather-agent.ts';
import { captureIo } from '../__fixtures__/capture-io.ts';
import { createDiffCommand } from './diff.ts';
import { createReplayCommand } from './replay.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** A recorded run (the weather agent's, fidelity full) and a folder of its own to edit it in. */
async function recordedRun(): Promise<{ text: string; dir: string }> {
  const recorded = await recordSignedWeatherRun({ recorder: { fidelity: 'full' } });
  cleanups.push(recorded.cleanup);
  return { text: recorded.text, dir: folder() };
}

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gemloop-replay-attack-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

// OSC 52 (write the clipboard), erase the line above, a C1 CSI, a forged PASS line.
const ESCAPES = '\u001b]52;c;cm0gLXJmIH4=\u0007\u001b[1A\u001b[2K\u009b2J\nPASS';

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('gemloop replay attacked by the run file it is given', () => {
  it.each([
    ['a FIFO', (dir: string) => execFileSync('mkfifo', [join(dir, 'run.jsonl')])],
    ['a directory', (dir: string) => mkdirSync(join(dir, 'run.jsonl'))],
  ])(
    'a run file that is %s is refused at once (exit 2), never opened for reading',
    {
      timeout: 60_000,
    },
    async (_, make) => {
      const dir = folder();
      make(dir);
      const out = captureIo();
      expect(await createReplayCommand(dir).run(['run.jsonl'], out)).toBe(2);
      expect(out.err()).toMatch(/not a regular file/);
    },
  );

  it('a device (/dev/zero) is refused at once, never read', { timeout: 60_000 }, async () => {
    const out = captureIo();
    expect(await createReplayCommand(folder()).run(['/dev/zero'], out)).toBe(2);
    expect(out.err()).toMatch(/not a regular file/);
  });

  it('a run file cut in the middle of a line forks nothing and says so (exit 1), no stack', async () => {
    const recorded = await recordedRun();
    const { dir } = recorded;
    writeFileSync(
      join(dir, 'run.jsonl'),
      recorded.text.slice(0, Math.floor(recorded.text.length / 2)),
    );
    const out = captureIo();
    expect(await createReplayCommand(dir).run(['run.jsonl'], out)).toBe(1);
    expect(out.err()).toMatch(/not a finished, successful run/);
    expect(out.err()).not.toMatch(/\n\s+at /);
  });

  it('a hand-edited tool name full of terminal escapes is refused (exit 2), quoted escaped', async () => {
    const recorded = await recordedRun();
    const { dir } = recorded;
    const escaped = JSON.stringify(ESCAPES).slice(1, -1);
    writeFileSync(
      join(dir, 'run.jsonl'),
      recorded.text.replaceAll('get_weather', `get_weather${escaped}`),
    );
    const out = captureIo();
    expect(await createReplayCommand(dir).run(['run.jsonl', '--diff'], out)).toBe(2);
    expect(out.err()).toMatch(/which Gemini rejects/);
    expect(out.out() + out.err()).not.toMatch(CONTROL);
  });

  it('a hand-edited answer full of terminal escapes reaches the terminal escaped, in the answer and the diff', async () => {
    const recorded = await recordedRun();
    const { dir } = recorded;
    const escaped = JSON.stringify(ESCAPES).slice(1, -1);
    writeFileSync(
      join(dir, 'run.jsonl'),
      recorded.text.replaceAll('It is 18 °C in Paris.', `It is 18 °C in Paris.${escaped}`),
    );
    const out = captureIo();
    // Served from the recording up to its last call, the fork's answer is the edited one; the
    // demo fake answers what is left.
    expect(await createReplayCommand(dir).run(['run.jsonl', '--until', '1', '--diff'], out)).toBe(
      0,
    );
    expect(out.out()).toContain('answer (original)');
    expect(out.out() + out.err()).not.toMatch(CONTROL);
    expect(out.out()).not.toMatch(/^PASS/m);
  });

  it('a forged step index (flags past the recording, step numbers rewritten in the file) is refused or ignored, never trusted', async () => {
    const { text, dir } = await recordedRun();
    writeFileSync(join(dir, 'run.jsonl'), text);
    for (const [args, said] of [
      [['--until', '999999'], /until must be a whole number from 0 to 2/],
      [['--tool-result', '999999:0={}'], /until must be a whole number from 0 to 2/],
      [['--tool-result', '1:9999={}'], /there is no call 9999/],
    ] as const) {
      const out = captureIo();
      expect(await createReplayCommand(dir).run(['run.jsonl', ...args], out)).toBe(2);
      expect(out.err()).toMatch(said);
    }
    // The file's own step numbers say nothing the replay relies on: the same run comes out.
    const forged = text.replace(/"stepNumber":\d+/g, '"stepNumber":-99999999999');
    expect(forged).not.toBe(text);
    writeFileSync(join(dir, 'forged.jsonl'), forged);
    const out = captureIo();
    expect(await createReplayCommand(dir).run(['forged.jsonl', '--diff'], out)).toBe(0);
    expect(out.out()).toContain('SAME: the fork made the same tool calls');
  });
});

// The characters that reorder what a terminal shows without being controls ("Trojan Source",
// CVE-2021-42574): bidi embeddings, overrides, isolates and marks.
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe('gemloop diff of two hand-edited run files (attack-doors8)', () => {
  it('a tool name and arguments with terminal escapes and bidi overrides reach the terminal escaped', async () => {
    const recorded = await recordedRun();
    const { dir } = recorded;
    writeFileSync(join(dir, 'original.jsonl'), recorded.text);
    // "get_weather" shown as "get_weather" + reversed text: the diff's reader sees another call.
    const hostile = JSON.stringify(`\u202e${ESCAPES}\u2066rehtaew_teg\u2069`).slice(1, -1);
    writeFileSync(
      join(dir, 'edited.jsonl'),
      recorded.text
        .replaceAll('get_weather', `get_weather${hostile}`)
        .replaceAll('Paris', `Par${hostile}is`),
    );
    const out = captureIo();
    expect(await createDiffCommand(dir).run(['original.jsonl', 'edited.jsonl'], out)).toBe(0);
    expect(out.out()).toMatch(/^DIFFERENT/);
    expect(out.out() + out.err()).not.toMatch(CONTROL);
    expect(out.out() + out.err()).not.toMatch(BIDI);
    expect(out.out()).not.toMatch(/^PASS/m);
  });
});
