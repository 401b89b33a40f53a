// attack56b: result files a user saved again in an editor or a shell before handing them back to
// the CLI. Windows PowerShell 5's `Set-Content -Encoding UTF8` and older Notepad write "UTF-8
// with BOM" and CRLF; an older editor may save as Windows-1252. The run files and datasets were
// read through all of this already (attack24, attack43a); the JSON results were not: `gemloop eval
// compare` said "not JSON", `gemloop diff` took a fork result for a torn run file, and a byte of
// another encoding became U+FFFD in a case id, which compare showed as a case removed and added.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarizeAttempts } from '@gemloop/evals';
import { afterEach, describe, expect, it } from 'vitest';
import { captureIo } from '../__fixtures__/capture-io.ts';
import { REPLAY_RESULT_FORMAT } from '../eval/replay-run-file.ts';
import { createDiffCommand } from './diff.ts';
import { createEvalCommand } from './eval.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gemloop-a56b-resaved-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** `text` as "UTF-8 with BOM" and CRLF line ends. */
function resaved(text: string): string {
  return `\uFEFF${text.replaceAll('\n', '\r\n')}`;
}

function evalResult(caseId: string): string {
  const attempts = [
    {
      caseId,
      repeat: 0,
      status: 'pass' as const,
      scores: [],
      text: 'ok',
      totalTokens: 3,
      costUsd: '0.000010',
      latencyMs: 7,
      tags: [],
    },
  ];
  return JSON.stringify(
    {
      format: 'gemloop-eval',
      version: 1,
      name: 'suite',
      mode: 'live',
      startedAt: '2026-11-30T00:00:00.000Z',
      attempts,
      summary: summarizeAttempts(attempts),
    },
    null,
    2,
  );
}

describe('gemloop eval compare of a result saved again', () => {
  it('reads one with a byte-order mark and CRLF as the same result', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'a.json'), evalResult('café'));
    writeFileSync(join(dir, 'bom.json'), resaved(evalResult('café')));
    const run = captureIo();
    expect(await createEvalCommand(dir).run(['compare', 'a.json', 'bom.json'], run)).toBe(0);
    expect(run.err()).toBe('');
    expect(run.out()).toMatch(/café\s+same/);
    expect(run.out()).toContain('0 regression(s), 0 improvement(s)');
  });

  it('refuses one saved as Windows-1252, naming the line, instead of comparing other case ids', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'a.json'), evalResult('café'));
    // "é" as the single byte 0xE9 on line 9, the case id's: the file is no longer UTF-8.
    writeFileSync(join(dir, 'latin1.json'), Buffer.from(evalResult('café'), 'latin1'));
    const run = captureIo();
    expect(await createEvalCommand(dir).run(['compare', 'a.json', 'latin1.json'], run)).toBe(1);
    expect(run.out()).toBe('');
    expect(run.err()).toContain(
      `${join(dir, 'latin1.json')}: line 9 is not UTF-8 (the file was saved in another encoding, such as Windows-1252); save it as UTF-8.`,
    );
  });
});

describe('gemloop diff of a fork result saved again', () => {
  it('reads one with a byte-order mark and CRLF as the fork it holds', async () => {
    const dir = folder();
    const fork = {
      toolCalls: [{ step: 1, name: 'get_weather', args: { city: 'Paris' } }],
      steps: 2,
      tokens: { input: 10, output: 5, thinking: 0, total: 15 },
      costUsd: '0.000100',
      text: 'It is 18 °C in Paris.',
    };
    const result = JSON.stringify({ format: REPLAY_RESULT_FORMAT, fork }, null, 2);
    writeFileSync(join(dir, 'fork.json'), result);
    writeFileSync(join(dir, 'bom.json'), resaved(result));
    const run = captureIo();
    expect(await createDiffCommand(dir).run(['fork.json', 'bom.json'], run)).toBe(0);
    expect(run.err()).toBe('');
    expect(run.out()).toMatch(/^SAME/);
  });
});
