// The bin's output redirected to a full disk (attack44d): `gemloop help > report.txt` or
// `gemloop probe --json > report.json` where no space is left. Before, the stream's ENOSPC was
// thrown from its error handler: Node's uncaught report with a stack, and the exit code 1 came from
// the crash, not from the command. /dev/full answers every write with ENOSPC.

import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILD_LIMIT_MS, buildCli, CLI_BIN } from './__fixtures__/build-cli.ts';

beforeAll(buildCli, BUILD_LIMIT_MS);

/** The bin with stdout (or stderr) on /dev/full; awaited, a timeout as its hang guard only. */
function runToFullDisk(args: string[], full: 'stdout' | 'stderr') {
  const fd = openSync('/dev/full', 'w');
  try {
    const result = spawnSync(process.execPath, [CLI_BIN, ...args], {
      stdio: full === 'stdout' ? ['ignore', fd, 'pipe'] : ['ignore', 'pipe', fd],
      env: { PATH: process.env['PATH'] ?? '' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    return {
      code: result.status,
      other: (full === 'stdout' ? result.stderr : result.stdout) ?? '',
    };
  } finally {
    closeSync(fd);
  }
}

describe.skipIf(!existsSync('/dev/full'))('the bin writing to a full disk', () => {
  it.each([['--version'], ['help'], ['help', 'probe']])(
    'gemloop %s > /dev/full says so in one line and exits 1, no stack',
    (...args) => {
      const { code, other } = runToFullDisk(args, 'stdout');
      expect(other).toBe(
        'gemloop: writing to stdout failed (ENOSPC: no space left on device, write); the output is incomplete.\n',
      );
      expect(code).toBe(1);
    },
  );

  it("keeps a command's own non-zero exit code, told on stdout when stderr is full", () => {
    const { code, other } = runToFullDisk(['no-such-command'], 'stderr');
    expect(code).toBe(2);
    expect(other).toBe(
      'gemloop: writing to stderr failed (ENOSPC: no space left on device, write); the output is incomplete.\n',
    );
  });
});
