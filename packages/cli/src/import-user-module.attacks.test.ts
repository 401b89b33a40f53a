// The module FILE of `gemloop chat FILE` (and estimate, eval, fake --script) when it is no regular
// file (attack44d): Node's loader reads a module whole before parsing it. Before, `gemloop chat
// /dev/zero`, or an `agent.ts` linked to it (which every extension check passes), grew to 7.5 GB
// of memory in 15 s; a FIFO named `agent.mjs` waited for a writer for ever. The built bin, as a
// user runs it; a hang is killed by the guard after 20 s without CPU.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuardedProcessError, runGuarded } from '../../../scripts/run-guarded.ts';
import { BUILD_LIMIT_MS, buildCli, CLI_BIN } from './__fixtures__/build-cli.ts';

let folder = '';
beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'gemloop-module-kinds-'));
  symlinkSync('/dev/zero', join(folder, 'zero-agent.ts'));
  mkdirSync(join(folder, 'folder.mjs'));
  expect(spawnSync('mkfifo', [join(folder, 'fifo-agent.mjs')]).status).toBe(0);
  await buildCli();
}, BUILD_LIMIT_MS);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

async function runBin(args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await runGuarded(process.execPath, [CLI_BIN, ...args], {
      cwd: folder,
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

describe('a module path that is no regular file', () => {
  it.each([
    ['chat', ['chat', 'fifo-agent.mjs'], 'a FIFO'],
    ['chat', ['chat', 'zero-agent.ts'], 'a device'],
    ['chat', ['chat', 'folder.mjs'], 'a folder'],
    ['estimate', ['estimate', 'zero-agent.ts', 'hi'], 'a device'],
    ['fake --script', ['fake', '--port', '0', '--script', './fifo-agent.mjs'], 'a FIFO'],
  ])(
    '%s %j is refused at once, naming what it is (exit 2)',
    { timeout: 120_000 },
    async (_name, args, kind) => {
      const { code, stderr } = await runBin(args);
      expect(code).toBe(2);
      expect(stderr).toContain(
        `importing it failed: it is ${kind}, not a module file: give the path of a .ts, .js or .mjs file`,
      );
    },
  );
});
