// attack43a: `gemloop eval from-runs` over a big folder of runs (collected from production, a
// recorder with a raised maxBytes, or a folder someone filled). Every file's text was held until
// the last case was made, to find subagent trees: 240 MB of runs grew the heap by 211 MB, and a
// folder of a few GB ended the process out of memory. Only each file's ids are kept now; a case
// reads its files again, so what is held is about one run tree at a time.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../cli-io.ts';
import { casesFromRuns } from './cases-from-runs.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const line = (value: unknown): string => JSON.stringify(value);

const FILES = 24;
const FILE_BYTES = 4 * 1024 * 1024;

describe('gemloop eval from-runs over a folder much larger than one run', () => {
  it('holds about one run at a time, not the folder', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gemloop-a43a-from-runs-memory-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'runs'));
    const pad = 'x'.repeat(FILE_BYTES);
    for (let index = 0; index < FILES; index++) {
      // Runs that failed (no case) with a big tool argument: the read is all the work.
      writeFileSync(
        join(dir, 'runs', `r${index}.jsonl`),
        `${[
          line({ type: 'run-start', format: 1, runId: `r${index}`, input: 'hi' }),
          line({ type: 'tool-call-start', toolName: 'load', args: { pad } }),
          line({ type: 'run-end', outcome: 'error' }),
        ].join('\n')}\n`,
      );
    }
    // One good run, so a dataset is written.
    writeFileSync(
      join(dir, 'runs', 'good.jsonl'),
      `${[
        line({ type: 'run-start', format: 1, runId: 'good', input: 'hi' }),
        line({
          type: 'model-call-start',
          request: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
        }),
        line({
          type: 'model-call-end',
          response: { candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] } }] },
        }),
        line({ type: 'run-end', outcome: 'success', text: 'ok' }),
      ].join('\n')}\n`,
    );
    // What is still reachable, not what the collector has yet to take: a full collection before
    // each sample (Node's gc, reached as `--expose-gc` would expose it).
    setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc') as () => void;
    collect();
    const base = process.memoryUsage().heapUsed;
    let peak = 0;
    const measure = (): void => {
      collect();
      peak = Math.max(peak, process.memoryUsage().heapUsed - base);
    };
    // Sampled on a timer that waits four times what the last collection took: this file shares
    // its worker's heap with the integration project's other files, and at load 15 a collection of it
    // took longer than a fixed 100 ms period, so the collections ran back to back and the 25 reads
    // under test, each waiting behind one, passed the 120 s hang guard. Now the reads get at least
    // four fifths of the time, whatever a collection costs.
    let sampling = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = (): void => {
      const started = performance.now();
      measure();
      if (sampling) timer = setTimeout(tick, Math.max(100, 4 * (performance.now() - started)));
    };
    timer = setTimeout(tick, 100);
    // Also when it prints its count, at its very end, where what it kept is still reachable.
    const io: CliIo = { stdout: measure, stderr: () => {}, env: {} };
    try {
      expect(await casesFromRuns('runs', 'cases.jsonl', io, dir)).toBe(1);
    } finally {
      sampling = false;
      clearTimeout(timer);
    }
    // Before: the whole folder stayed reachable until the end (110 MB for these 96 MB of
    // files). Now about one run: 22 MB measured, a few times one file's 4 MB (its text, its lines,
    // its parse).
    expect(peak).toBeLessThan((FILES * FILE_BYTES) / 3);
    expect(readFileSync(join(dir, 'cases.jsonl'), 'utf8')).toContain('"id":"good"');
  });
});
