// attack43a: writing reports whole (a file of their own, renamed over the target) must not undo
// what writing in place refused: a report its owner made read-only (a baseline kept with chmod
// 444) was refused with EACCES, and a rename would replace it, the folder being writable. Run as
// an unprivileged user (root writes anyway): as `nobody` in a child when the test runs as root.

import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeTextFile } from './write-json-file.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const NOBODY = 65534;

describe('a read-only report', () => {
  it('is refused with EACCES, as before, and left as it was', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gemloop-a43a-read-only-'));
    dirs.push(dir);
    chmodSync(dir, 0o777);
    const baseline = join(dir, 'baseline.json');
    writeFileSync(baseline, '{"baseline":true}\n');
    chmodSync(baseline, 0o444);
    let outcome: string;
    if (process.getuid?.() !== 0) {
      outcome = await writeTextFile(baseline, '{"new":1}\n').then(
        () => 'WROTE',
        (error: NodeJS.ErrnoException) => `REFUSED ${error.code}`,
      );
    } else {
      const script = join(dir, 'write.mts');
      writeFileSync(
        script,
        `import { writeTextFile } from ${JSON.stringify(join(import.meta.dirname, 'write-json-file.ts'))};
await writeTextFile(${JSON.stringify(baseline)}, '{"new":1}\\n').then(
  () => console.log('WROTE'),
  (error) => console.log('REFUSED', error.code),
);
`,
      );
      chmodSync(script, 0o644);
      const child = spawnSync(process.execPath, ['--import', 'tsx', script], {
        uid: NOBODY,
        gid: NOBODY,
        cwd: join(import.meta.dirname, '../..'),
        encoding: 'utf8',
        timeout: 50_000,
      });
      expect(child.stderr).toBe('');
      outcome = child.stdout.trim();
    }
    expect(outcome).toBe('REFUSED EACCES');
    expect(readFileSync(baseline, 'utf8')).toBe('{"baseline":true}\n');
  });
});
