// cli68: a report the user may write in a folder they may not (a CI job's `/shared/reports/eval.json`
// made for it in a folder it does not own). attack43a's writer puts the new report in a file of
// its own beside the target and renames it over: that file cannot be made there, so the command
// failed with EACCES naming a `.eval.json.<hex>.tmp` the user never heard of, where writing in
// place had worked. It is written in place there (as before attack43a: a reader polling that one
// file may see it half-written), and a report that does not exist yet is refused naming itself.
// Run as an unprivileged user (root writes anyway): as `nobody` in a child when the test runs as
// root.

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

/** Writes `text` to each path as the unprivileged user; what each write did, in order. */
function writeAsUser(dir: string, paths: readonly string[], text: string): string[] {
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

describe.runIf(root)('a writable report in a folder its user may not write', () => {
  it('is written in place; a new report there is refused naming itself', {
    timeout: 60_000,
  }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'gemloop-cli68-folder-'));
    dirs.push(dir);
    chmodSync(dir, 0o755);
    const reports = join(dir, 'reports');
    mkdirSync(reports, { mode: 0o755 });
    const report = join(reports, 'eval.json');
    writeFileSync(report, `{"old":"${'x'.repeat(100)}"}\n`);
    chownSync(report, NOBODY, NOBODY);
    chmodSync(report, 0o640);
    const outcome = writeAsUser(dir, [report, join(reports, 'new.json')], '{"new":1}\n');
    expect(outcome[0]).toBe('WROTE');
    expect(readFileSync(report, 'utf8')).toBe('{"new":1}\n');
    expect(statSync(report).mode & 0o777).toBe(0o640);
    expect(outcome[1]).toMatch(/^REFUSED EACCES .*'[^']*\/reports\/new\.json'$/);
    expect(readdirSync(reports)).toEqual(['eval.json']);
  });
});

describe.skipIf(root)('a writable report in a folder this user may not write', () => {
  it('is written in place', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gemloop-cli68-folder-'));
    dirs.push(dir);
    const report = join(dir, 'eval.json');
    writeFileSync(report, '{"old":1}\n');
    chmodSync(dir, 0o555);
    try {
      await writeTextFile(report, '{"new":1}\n');
      expect(readFileSync(report, 'utf8')).toBe('{"new":1}\n');
    } finally {
      chmodSync(dir, 0o755);
    }
  });
});
