import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../dist/main.js', import.meta.url));

describe('the built gemloop bin', () => {
  it('runs with plain node and lists its commands', async () => {
    if (!existsSync(bin)) {
      throw new Error(
        `gemloop is not built (${bin} is missing). Run \`npx tsc -b\` first; \`npm test\` does it.`,
      );
    }
    const { stdout } = await run(process.execPath, [bin, '--help'], { timeout: 30_000 });
    expect(stdout).toContain('Usage: gemloop <command>');
    expect(stdout).toContain('view');
  });
});
