// The `.env` file the CLI reads for the secrets it keeps off the terminal (terminalSecrets), when
// it is no ordinary file (attack44d): a checkout can hold a `.env` that is a FIFO or a link to a
// device. Before, `readFileSync` read it before the size check: a FIFO held the command forever
// before its first line (synchronously: no timer or signal handler of its own ran), `/dev/zero`
// was read until memory ran out. The built bin in that folder, as a user runs it.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuardedProcessError, runGuarded } from '../../../scripts/run-guarded.ts';
import { BUILD_LIMIT_MS, buildCli, CLI_BIN } from './__fixtures__/build-cli.ts';
import { terminalSecrets } from './terminal-secrets.ts';

const folders: string[] = [];
beforeAll(buildCli, BUILD_LIMIT_MS);
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function folderWithEnv(make: (path: string) => void): string {
  const folder = mkdtempSync(join(tmpdir(), 'gemloop-env-'));
  folders.push(folder);
  make(join(folder, '.env'));
  return folder;
}

/**
 * `gemloop chat missing.mjs` in `cwd`: the import fails and its message is redacted, which reads
 * `.env`. A hang is killed by the guard after 20 s without CPU (a FIFO's reader uses none).
 */
async function chatMissingModule(cwd: string): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await runGuarded(process.execPath, [CLI_BIN, 'chat', 'missing.mjs'], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '' },
      input: '',
      idleMs: 20_000,
    });
    return { code: 0, stderr };
  } catch (error) {
    if (!(error instanceof GuardedProcessError) || error.failure.kind !== 'exit') throw error;
    return { code: error.failure.code as number, stderr: error.stderr };
  }
}

describe('a .env that is no regular file', () => {
  it('a FIFO is not waited on: the command answers at once', { timeout: 120_000 }, async () => {
    const cwd = folderWithEnv((path) => {
      // mkfifo(1): Node makes no FIFO.
      const made = spawnMkfifo(path);
      expect(made).toBe(true);
    });
    const { code, stderr } = await chatMissingModule(cwd);
    expect(code).toBe(2);
    expect(stderr).toContain('gemloop chat: missing.mjs: importing it failed');
  });

  it('a link to /dev/zero, a folder and a file past 64 KiB are not read', {
    timeout: 120_000,
  }, async () => {
    const zero = folderWithEnv((path) => symlinkSync('/dev/zero', path));
    const folder = folderWithEnv((path) => mkdirSync(path));
    const huge = folderWithEnv((path) =>
      writeFileSync(path, `API_TOKEN=abcdefgh\n${'#'.repeat(70_000)}\n`),
    );
    for (const cwd of [zero, folder, huge]) {
      const { code, stderr } = await chatMissingModule(cwd);
      expect(code).toBe(2);
      expect(stderr).toContain('importing it failed');
    }
    expect(terminalSecrets({}, [], huge)).toEqual([]);
  });

  it('a regular .env, and a link to one, still give their secrets', () => {
    const plain = folderWithEnv((path) => writeFileSync(path, 'API_TOKEN=s3cr3t-value\nNAME=x\n'));
    const linked = folderWithEnv((path) => symlinkSync(join(plain, '.env'), path));
    expect(terminalSecrets({}, [], plain)).toEqual(['s3cr3t-value', 's3cr3t-value']);
    expect(terminalSecrets({}, [], linked)).toEqual(['s3cr3t-value', 's3cr3t-value']);
  });
});

function spawnMkfifo(path: string): boolean {
  const { status } = spawnSync('mkfifo', [path]);
  return status === 0;
}
