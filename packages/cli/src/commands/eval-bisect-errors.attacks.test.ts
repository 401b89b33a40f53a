// leftovers49 (what leftovers48 left): `gemloop eval bisect`'s errors were escaped but not
// redacted. Its output (subjects, the --json report) went through the report redactor; a failure's
// message did not: a ref given as a key, a git error quoting it, or a committed suite whose import
// fails quoting a database URL printed the secret to the terminal (and the CI log).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { captureIo } from '../__fixtures__/capture-io.ts';
import { createEvalCommand } from './eval.ts';

const PASSWORD = 'Pa55w0rd-l49-bisect-errors-Q';
const DATABASE_URL = `postgres://app:${PASSWORD}@db.internal:5432/app`;
const OTHER_KEY = 'AIzaSyL49BisectErrorKeyOfAnother-000000';

/** A git repository of one commit per entry in a temporary folder, removed after the test. */
function repository(commits: Record<string, string>[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'gemloop-l49-bisect-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  let stream = '';
  for (const [index, files] of commits.entries()) {
    stream += `commit refs/heads/main\ncommitter t <t@example.com> ${1_700_000_000 + index} +0000\n`;
    stream += data(`commit ${index}`);
    for (const [name, text] of Object.entries(files))
      stream += `M 100644 inline ${name}\n${data(text)}`;
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, input: stream });
  execFileSync('git', ['reset', '-q', '--hard', 'main'], { cwd: dir });
  return dir;
}

/** Runs `gemloop eval bisect ...args` in `dir`; its code and everything it printed. */
async function bisect(dir: string, args: string[]): Promise<{ code: number; printed: string }> {
  const io = captureIo({ DATABASE_URL });
  const code = await createEvalCommand(dir).run(['bisect', ...args], io);
  return { code, printed: `${io.out()}${io.err()}` };
}

describe('gemloop eval bisect errors', () => {
  it('a ref that is a key is redacted where the refusal quotes it', async () => {
    const suite =
      "export default { cases: [{ id: 'a', input: 'hi' }], scorers: [], createAgent: () => { throw new Error('unused'); } };\n";
    const dir = repository([{ 'suite.mjs': suite }, { 'a.txt': 'b' }]);
    for (const refs of [
      [OTHER_KEY, 'main'],
      ['main', `${OTHER_KEY}~1`],
      [PASSWORD, 'main'],
    ]) {
      const { code, printed } = await bisect(dir, [...refs, '--suite', 'suite.mjs']);
      expect(code).toBe(2);
      expect(printed).toContain('gemloop eval:');
      expect(printed).toContain('[redacted]');
      expect(printed).not.toContain(OTHER_KEY);
      expect(printed).not.toContain(PASSWORD);
    }
  }, 60_000);

  it("a suite whose import fails quoting the shell's database URL is redacted", async () => {
    const dir = repository([
      { 'suite.mjs': `throw new Error('no database at ${DATABASE_URL}');\n` },
      { 'a.txt': 'b' },
    ]);
    const { code, printed } = await bisect(dir, ['HEAD~1', 'HEAD', '--suite', 'suite.mjs']);
    expect(code).toBe(2);
    expect(printed).toContain('no database at postgres://app:');
    expect(printed).toContain('[redacted]');
    expect(printed).not.toContain(PASSWORD);
  }, 60_000);
});
