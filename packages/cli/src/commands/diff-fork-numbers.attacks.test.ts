// A `gemloop replay --json` result edited by hand, or written by another tool (attack63b): its
// fork's token counts were taken as they stood, so `{}` printed "tokens undefined → 5 (NaN)" and
// wrote `null` deltas into `--json`, `"7"` was subtracted as text, and a step count of -3 was a
// delta too. A run file's counts were already read leniently (a count that is no positive number
// is 0); a fork's now are.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { captureIo } from '../__fixtures__/capture-io.ts';
import { REPLAY_RESULT_FORMAT } from '../eval/replay-run-file.ts';
import { createDiffCommand } from './diff.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

function forkResult(fork: Record<string, unknown>): string {
  return JSON.stringify({
    format: REPLAY_RESULT_FORMAT,
    fork: {
      toolCalls: [{ step: 1, name: 'lookup', args: { q: 'tea' } }],
      text: 'done',
      costUsd: '0',
      ...fork,
    },
  });
}

describe('gemloop diff of a fork result whose numbers are no counts', () => {
  it("reads a token count or a step count that is no positive number as 0, as a run file's, never NaN", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gemloop-a63b-diff-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const tokens = { input: 3, output: 2, thinking: 0, total: 5 };
    writeFileSync(join(dir, 'a.json'), forkResult({ steps: 1, tokens }));
    writeFileSync(
      join(dir, 'b.json'),
      forkResult({ steps: -3, tokens: { input: '12', output: null, thinking: {}, total: '7' } }),
    );
    const run = captureIo();
    const code = await createDiffCommand(dir).run(['a.json', 'b.json', '--json', 'd.json'], run);
    expect(run.err()).toBe('');
    expect(code).toBe(0);
    expect(run.out()).not.toMatch(/NaN|undefined/);
    expect(run.out()).toContain('steps 1 → 0 (-1); tokens 5 → 0 (-5)');
    const written = JSON.parse(readFileSync(join(dir, 'd.json'), 'utf8'));
    expect(written.tokens.fork).toEqual({ input: 0, output: 0, thinking: 0, total: 0 });
    expect(written.tokens.delta).toEqual({ input: -3, output: -2, thinking: 0, total: -5 });

    writeFileSync(join(dir, 'c.json'), forkResult({ steps: 1, tokens: {} }));
    const again = captureIo();
    expect(await createDiffCommand(dir).run(['a.json', 'c.json'], again)).toBe(0);
    expect(again.out()).toContain('tokens 5 → 0 (-5)');
  });
});
