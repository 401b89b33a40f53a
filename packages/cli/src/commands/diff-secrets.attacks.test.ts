// attack43a: a recorded run file holding a credential. The recorder keeps its own client's key
// out, but a tool's output (a config dump, a driver error with the database URL) or a planted
// file brings others: the README promises credentials never reach terminal output, and `gemloop
// view` keeps the shell's keys and any Google key off its page "whatever a run file holds"
// (attack41). `gemloop diff` and `gemloop replay --diff` printed them in the answers and the
// arguments they compared, to the CI log, and into the `--json` report.

import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gemloop-a43a-diff-secrets-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

// The shell's key, a database password in its URL, and a Google key of someone else's (by shape).
const ENV_KEY = 'gl-env-key-a43a-7Qx2Lm9Vb4Nc8Rt1';
const PASSWORD = 'Pa55w0rd-a43a-ZkY';
const OTHER_KEY = `AIza${'SyA43aOtherKeyBy1tsShape-0000000000'}`;
const ENV = {
  GEMINI_API_KEY: ENV_KEY,
  DATABASE_URL: `postgres://app:${PASSWORD}@db.internal:5432/app`,
};
const SECRETS = [ENV_KEY, PASSWORD, OTHER_KEY];

function line(value: unknown): string {
  return JSON.stringify(value);
}

/** A run of one tool call and an answer, as the recorder writes it. */
function runFile(runId: string, args: unknown, answer: string): string {
  return `${[
    line({ type: 'run-start', format: 1, runId, model: 'gemini-2.5-flash', input: 'config?' }),
    line({ type: 'tool-call-start', stepNumber: 1, toolName: 'read_config', args }),
    line({ type: 'step-end', stepNumber: 1 }),
    line({ type: 'step-end', stepNumber: 2 }),
    line({ type: 'run-end', outcome: 'success', text: answer }),
  ].join('\n')}\n`;
}

function expectNoSecret(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
  expect(text).not.toContain(encodeURIComponent(PASSWORD));
}

describe('gemloop diff of run files holding credentials', () => {
  it('prints and writes the diff with the shell keys, URL passwords and Google keys redacted', async () => {
    const dir = folder();
    writeFileSync(
      join(dir, 'a.jsonl'),
      runFile('a', { key: OTHER_KEY, url: ENV.DATABASE_URL }, `The key is ${ENV_KEY}.`),
    );
    writeFileSync(
      join(dir, 'b.jsonl'),
      runFile('b', { key: 'none' }, `The password is ${PASSWORD}, the other key ${OTHER_KEY}.`),
    );
    const out = captureIo(ENV);
    expect(
      await createDiffCommand(dir).run(['a.jsonl', 'b.jsonl', '--json', 'diff.json'], out),
    ).toBe(0);
    expect(out.out()).toMatch(/^DIFFERENT/);
    expect(out.out()).toContain('[redacted]');
    expectNoSecret(out.out() + out.err());
    const written = readFileSync(join(dir, 'diff.json'), 'utf8');
    expectNoSecret(written);
    // The diff itself is computed on the runs as recorded: the changed key is still a change.
    expect(JSON.parse(written)).toMatchObject({ same: false, answer: { same: false } });
  });

  it('a key cut by the terminal bound (a value past 200 characters) leaves no start of it', async () => {
    const dir = folder();
    const long = `${'x'.repeat(180)}${OTHER_KEY}`;
    writeFileSync(join(dir, 'a.jsonl'), runFile('a', {}, long));
    writeFileSync(join(dir, 'b.jsonl'), runFile('b', {}, 'short'));
    const out = captureIo(ENV);
    expect(await createDiffCommand(dir).run(['a.jsonl', 'b.jsonl'], out)).toBe(0);
    expect(out.out()).not.toContain(OTHER_KEY.slice(0, 12));
  });

  it('arguments nested past what JSON.stringify takes: the key beside them redacted, the rest not printed', async () => {
    const dir = folder();
    // Written by hand: JSON.stringify itself overflows on it, JSON.parse reads it.
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const hostile = (runId: string, key: string) =>
      runFile(runId, { key: '@KEY@', deep: '@DEEP@' }, 'same')
        .replace('"@KEY@"', JSON.stringify(key))
        .replace('"@DEEP@"', deep);
    writeFileSync(join(dir, 'a.jsonl'), hostile('a', OTHER_KEY));
    writeFileSync(join(dir, 'b.jsonl'), hostile('b', ENV_KEY));
    const out = captureIo(ENV);
    expect(await createDiffCommand(dir).run(['a.jsonl', 'b.jsonl'], out)).toBe(0);
    expect(out.out()).toContain('$.key: "[redacted]" → "[redacted]"');
    expectNoSecret(out.out() + out.err());
  });

  it('the same with --json: said as nested too deeply, no file left; the diff still printed (deep47)', async () => {
    const dir = folder();
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const hostile = (runId: string, key: string) =>
      runFile(runId, { key, deep: '@DEEP@' }, 'same').replace('"@DEEP@"', deep);
    writeFileSync(join(dir, 'a.jsonl'), hostile('a', 'one'));
    writeFileSync(join(dir, 'b.jsonl'), hostile('b', 'two'));
    const out = captureIo(ENV);
    const code = await createDiffCommand(dir).run(
      ['a.jsonl', 'b.jsonl', '--json', 'diff.json'],
      out,
    );
    // Before: "RangeError: Maximum call stack size exceeded" from writing the report.
    expect(out.err()).toContain(
      '--json diff.json: the report cannot be written as JSON: a value in it is nested too deeply',
    );
    expect(out.err()).not.toContain('RangeError');
    expect(code).not.toBe(0);
    expect(out.out()).toContain('$.key: "one" → "two"');
    expect(existsSync(join(dir, 'diff.json'))).toBe(false);
  });

  it('short values of secret-named variables (AUTH=true) do not cut ordinary words out of the diff', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'a.jsonl'), runFile('a', { ok: true }, 'true'));
    writeFileSync(join(dir, 'b.jsonl'), runFile('b', { ok: false }, 'false'));
    const out = captureIo({ AUTH: 'true', MAX_TOKENS: '8192' });
    expect(await createDiffCommand(dir).run(['a.jsonl', 'b.jsonl'], out)).toBe(0);
    expect(out.out()).toContain('$.ok: true → false');
    expect(out.out()).not.toContain('[redacted]');
  });
});

describe('gemloop replay of a run file holding credentials', () => {
  it('prints the fork, its diff and writes --json with them redacted', async () => {
    const recorded = await recordSignedWeatherRun({ recorder: { fidelity: 'full' } });
    cleanups.push(recorded.cleanup);
    const dir = folder();
    writeFileSync(
      join(dir, 'run.jsonl'),
      recorded.text.replaceAll(
        'It is 18 °C in Paris.',
        `It is 18 °C in Paris. ${ENV_KEY} ${OTHER_KEY} ${PASSWORD}`,
      ),
    );
    const out = captureIo(ENV);
    expect(
      await createReplayCommand(dir).run(
        ['run.jsonl', '--until', '1', '--diff', '--json', 'fork.json'],
        out,
      ),
    ).toBe(0);
    expect(out.out()).toContain('answer (original)');
    expectNoSecret(out.out() + out.err());
    expectNoSecret(readFileSync(join(dir, 'fork.json'), 'utf8'));
  });
});
