import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { FakeGemini } from '@gemloop/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGuarded } from '../../../scripts/start-guarded.ts';
import { BUILD_LIMIT_MS, buildCli } from './__fixtures__/build-cli.ts';
import { startProbeFake } from './__fixtures__/probe-fake.ts';

const exec = promisify(execFile);
const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

/** Runs the built bin as `npx gemloop` would: plain node, no source condition. */
async function gemloop(args: string[], env: Record<string, string> = {}, nodeArgs: string[] = []) {
  try {
    const { stdout, stderr } = await exec(process.execPath, [...nodeArgs, bin, ...args], {
      env: { PATH: process.env['PATH'] ?? '', ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

// The bin imports the built @gemloop/core; build both first (incremental, quick when fresh), one
// build of the checkout at a time (see buildCli).
beforeAll(buildCli, BUILD_LIMIT_MS);

describe('the gemloop bin', () => {
  it('probes a conforming server: a table, every line PASS, exit code 0', async () => {
    const fake = await startProbeFake();
    fakes.push(fake);
    const result = await gemloop(['probe', '--base-url', fake.baseUrl], {
      GEMINI_API_KEY: 'bin-key',
    });
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n').filter((line) => /^(PASS|WARN|FAIL|SKIP) /.test(line));
    expect(lines).toHaveLength(16);
    expect(lines.every((line) => line.startsWith('PASS'))).toBe(true);
    expect(result.stdout + result.stderr).not.toContain('bin-key');
  });

  it('exits 1 and prints JSON with --json when a property fails', async () => {
    const fake = await startProbeFake(['drop-call-ids']);
    fakes.push(fake);
    const result = await gemloop(
      ['probe', '--base-url', fake.baseUrl, '--auth', 'bearer', '--json'],
      {
        GEMINI_API_KEY: 'bin-key',
      },
    );
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as {
      ok: boolean;
      records: { id: string; status: string }[];
    };
    expect(report.ok).toBe(false);
    expect(report.records.filter((record) => record.status === 'fail').map((r) => r.id)).toEqual([
      'function-call-ids',
    ]);
  });

  it('exits 2 with the usage for bad arguments, a missing key, or an unknown command', async () => {
    const noUrl = await gemloop(['probe'], { GEMINI_API_KEY: 'k' });
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain('--base-url is required');
    const noKey = await gemloop(['probe', '--base-url', 'http://127.0.0.1:9']);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('GEMINI_API_KEY');
    const unknown = await gemloop(['nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'nope'");
    expect(unknown.stderr).toMatch(/probe\s+check a Gemini gateway/);
  });

  it('lists the commands, and names an unknown one, without loading any command or @gemloop/core', async () => {
    // Each command's module brings its own graph (core, the probe, the viewer): `gemloop help`
    // loading all eight took ~0.54 s of CPU a start, 0.14 s without (bench/RESULTS.md, test-speed8).
    const folder = mkdtempSync(join(tmpdir(), 'gemloop-loaded-'));
    const log = join(folder, 'loaded.txt');
    const preload = fileURLToPath(
      new URL('./__fixtures__/log-loaded-modules.mjs', import.meta.url),
    );
    try {
      const help = await gemloop(['help'], { GEMLOOP_LOADED_LOG: log }, ['--import', preload]);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/probe\s+check a Gemini gateway/);
      const unknown = await gemloop(['nope'], { GEMLOOP_LOADED_LOG: log }, ['--import', preload]);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/view\s+show recorded agent runs/);
      const files = readFileSync(log, 'utf8')
        .split('\n')
        .filter((url) => url.startsWith('file:'))
        .map((url) => fileURLToPath(url));
      const dist = fileURLToPath(new URL('../dist/', import.meta.url));
      expect(files).toContain(bin);
      expect(files.filter((file) => !file.startsWith(dist) || file.includes('/commands/'))).toEqual(
        [],
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('prints the version of the package it was installed from', async () => {
    const { version } = JSON.parse(
      readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    const result = await gemloop(['--version']);
    expect(result).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('exits with its own code and no stack trace when the reader of its output goes away', async () => {
    // `gemloop help | head -0`: the pipe is closed before the bin writes its first byte.
    const child = startGuarded(process.execPath, [bin, 'help']);
    child.stdout?.destroy();
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
