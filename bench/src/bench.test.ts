import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { CONTENDERS, PARSERS } from './contenders/registry.ts';
import type { BenchReport } from './report/render-report.ts';

const run = promisify(execFile);
const BENCH_ROOT = fileURLToPath(new URL('../', import.meta.url));
const CORE_INDEX = fileURLToPath(new URL('../../packages/core/src/index.ts', import.meta.url));

/** gemloop's contenders may be skipped only while its sources do not export what they need. */
function gemloopExports(name: string): boolean {
  return new RegExp(`\\b${name}\\b`).test(readFileSync(CORE_INDEX, 'utf8'));
}

describe('bench --quick', () => {
  const directory = mkdtempSync(join(tmpdir(), 'gemloop-bench-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('runs every contender of every scenario to the scripted final answer', async () => {
    const jsonPath = join(directory, 'results.json');
    // --no-build: `npm test` builds first; a stale dist shows up as a skipped gemloop below.
    const { stdout } = await run(
      `${BENCH_ROOT}node_modules/.bin/tsx`,
      [`${BENCH_ROOT}src/main.ts`, '--quick', '--no-build', `--json=${jsonPath}`],
      { cwd: BENCH_ROOT, maxBuffer: 16 * 1024 * 1024 },
    ).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`the quick bench failed:\n${error.stderr ?? ''}\n${error.stdout ?? ''}`);
    });
    expect(stdout).toContain('## Targets');
    const report = JSON.parse(readFileSync(jsonPath, 'utf8')) as BenchReport;
    const allowedSkips = new Set<string>();
    if (!gemloopExports('createAgent')) {
      for (const entry of CONTENDERS)
        if (entry.library === '@gemloop/core') allowedSkips.add(entry.name);
    }
    if (!gemloopExports('createGemini')) allowedSkips.add('gemloop (streamGenerateContent)');

    expect(report.results.map((result) => result.id)).toEqual([
      'sequential',
      'first-runs',
      'parallel-calls',
      'in-flight-16',
      'in-flight-256',
      'overhead',
      'long-stream',
      'parse',
      'chat',
      'leak',
      'import',
    ]);
    for (const result of report.results) {
      const rows = result.rows as readonly { name: string; status: string; message?: string }[];
      const expected =
        result.kind === 'parse'
          ? PARSERS.map((entry) => entry.name)
          : result.kind === 'import'
            ? rows.map((row) => row.name)
            : CONTENDERS.filter((entry) =>
                result.kind === 'chat'
                  ? entry.chat
                  : result.kind === 'overhead'
                    ? entry.httpOnly !== true
                    : entry.longStreamOnly !== true &&
                      (result.id !== 'long-stream' || entry.streaming),
              ).map((entry) => entry.name);
      expect(
        rows.map((row) => row.name),
        result.id,
      ).toEqual(expected);
      for (const row of rows) {
        const allowed =
          row.status === 'ok' || (row.status === 'unavailable' && allowedSkips.has(row.name));
        expect(allowed, `${result.id} / ${row.name}: ${row.status} ${row.message ?? ''}`).toBe(
          true,
        );
      }
    }
  });
});
