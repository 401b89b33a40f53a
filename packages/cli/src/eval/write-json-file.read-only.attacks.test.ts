// attack43a: writing reports whole (a file of their own, renamed over the target) must not undo
// what writing in place refused: a report its owner made read-only (a baseline kept with chmod
// 444) was refused with EACCES, and a rename would replace it, the folder being writable. Run as
// an unprivileged user (root writes anyway): as `nobody` in a child when the test runs as root.
//
// cli68: nor what writing in place allowed: a report the user may write in a folder they may not
// (a CI job's `/shared/reports/eval.json` made for it in a folder it does not own). The file
// beside it cannot be made there, and the command failed with EACCES naming a
// `.eval.json.<hex>.tmp` the user never heard of. It is written in place there (as before
// attack43a: a reader polling that one file may see it half-written), and a report that does not
// exist yet is refused naming itself.

import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeTextFile } from './write-json-file.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const NOBODY = 65534;
const root = process.getuid?.() === 0;

/** A folder that `nobody` can enter, removed after the test. */
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gemloop-a43a-read-only-'));
  dirs.push(dir);
  chmodSync(dir, 0o777);
  return dir;
}

/**
 * Writes `text` to each of `paths` in turn as this user, or as `nobody` in a child when this is
 * root: what each write did (`WROTE`, or `REFUSED <code> <message>`).
 */
async function writeAsUser(dir: string, paths: readonly string[], text: string): Promise<string[]> {
  if (!root) {
    const outcomes: string[] = [];
    for (const path of paths) {
      outcomes.push(
        await writeTextFile(path, text).then(
          () => 'WROTE',
          (error: NodeJS.ErrnoException) => `REFUSED ${error.code} ${error.message}`,
        ),
      );
    }
    return outcomes;
  }
  const script = join(dir, 'write.mts');
  writeFileSync(
    script,
    `import { writeTextFile } from ${JSON.stringify(join(import.meta.dirname, 'write-json-file.ts'))};
for (const path of ${JSON.stringify(paths)}) {
  await writeTextFile(path, ${JSON.stringify(text)}).then(
    () => console.log('WROTE'),
    (error) => console.log('REFUSED', error.code, error.message),
  );
}
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
  return child.stdout.trim().split('\n');
}

describe('a read-only report', () => {
  it('is refused with EACCES, as before, and left as it was', { timeout: 60_000 }, async () => {
    const dir = folder();
    const baseline = join(dir, 'baseline.json');
    writeFileSync(baseline, '{"baseline":true}\n');
    chmodSync(baseline, 0o444);
    const [outcome] = await writeAsUser(dir, [baseline], '{"new":1}\n');
    expect(outcome).toMatch(/^REFUSED EACCES /);
    expect(readFileSync(baseline, 'utf8')).toBe('{"baseline":true}\n');
  });
});

describe('a writable report in a folder its user may not write', () => {
  it('is written in place; a new report there is refused naming itself', {
    timeout: 60_000,
  }, async () => {
    const dir = folder();
    const reports = join(dir, 'reports');
    mkdirSync(reports);
    const report = join(reports, 'eval.json');
    writeFileSync(report, `{"old":"${'x'.repeat(100)}"}\n`);
    if (root) chownSync(report, NOBODY, NOBODY);
    chmodSync(report, 0o640);
    chmodSync(reports, 0o555);
    try {
      const outcome = await writeAsUser(dir, [report, join(reports, 'new.json')], '{"new":1}\n');
      expect(outcome[0]).toBe('WROTE');
      expect(readFileSync(report, 'utf8')).toBe('{"new":1}\n');
      expect(statSync(report).mode & 0o777).toBe(0o640);
      expect(outcome[1]).toMatch(/^REFUSED EACCES .*'[^']*\/reports\/new\.json'$/);
      expect(readdirSync(reports)).toEqual(['eval.json']);
    } finally {
      chmodSync(reports, 0o755);
    }
  });
});
