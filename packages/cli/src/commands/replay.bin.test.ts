// The built bin as `npx gemloop replay` runs it in a user's project: plain node, a run file,
// nothing but gemloop, @gemloop/evals and @gemloop/testing installed, no key, no network.

import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { GUARDED_TEST_LIMIT_MS } from '../../../../scripts/run-guarded.ts';
import { recordSignedWeatherRun } from '../../../evals/src/__fixtures__/weather-agent.ts';
import { BUILD_LIMIT_MS, buildCli, runCliBin } from '../__fixtures__/build-cli.ts';

beforeAll(buildCli, BUILD_LIMIT_MS);

const gemloop = runCliBin;

// Each test's limit sits above the hang guard its bin runs under (runCliBin), so a hung bin fails
// with the guard's message.
describe('the built gemloop bin', { timeout: GUARDED_TEST_LIMIT_MS }, () => {
  it('forks a recorded run offline and diffs it against the original', async () => {
    const recorded = await recordSignedWeatherRun({ recorder: { fidelity: 'full' } });
    onTestFinished(recorded.cleanup);
    const dir = mkdtempSync(join(tmpdir(), 'gemloop-replay-bin-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    symlinkSync(
      fileURLToPath(new URL('../../node_modules', import.meta.url)),
      join(dir, 'node_modules'),
    );
    writeFileSync(join(dir, 'run.jsonl'), recorded.text);
    const listed = await gemloop(['help'], dir);
    expect(listed.stdout).toMatch(/^ {2}replay +fork a recorded run/m);
    expect(listed.stdout).toMatch(/^ {2}diff +compare two runs/m);
    const fork = await gemloop(
      ['replay', 'run.jsonl', '--until', '1', '--script', 'echo', '--diff', '--json', 'fork.json'],
      dir,
    );
    expect(fork.stderr).toBe('');
    expect(fork.code).toBe(0);
    expect(fork.stdout).toContain(
      '1 model call(s) served from the recording (no model call), 1 on the fake (echo).',
    );
    expect(fork.stdout).toMatch(/^DIFFERENT: .*answer changed\.$/m);
    const diff = await gemloop(['diff', 'run.jsonl', 'fork.json', '--fail-on-change'], dir);
    expect(diff.code).toBe(1);
    expect(diff.stdout).toMatch(/^DIFFERENT/);
    expect(readFileSync(join(dir, 'run.jsonl'), 'utf8')).toBe(recorded.text);
  });
});
