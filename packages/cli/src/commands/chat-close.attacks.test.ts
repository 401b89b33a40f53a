// `gemloop chat FILE` whose export `close` throws after the chat (attack44d): a module's close
// quoting what it used (a database URL) and a terminal escape. Before, the rejection left main
// uncaught and Node printed its report: the stack, the password and the raw OSC 52. The built bin
// as a user runs it, the chat ended by the end of stdin.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_LIMIT_MS, buildCli, runCliBin } from '../__fixtures__/build-cli.ts';

const PASSWORD = 'hunter2-db-password';
let folder = '';
beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'gemloop-chat-close-'));
  // A duck-typed agent: no turn is sent (stdin ends at once), only its shape is checked.
  writeFileSync(
    join(folder, 'agent.mjs'),
    `export default { run() {}, stream() {} };
export const close = async () => {
  throw new Error('pool end failed: ' + process.env.DATABASE_URL + ' \\u001b]52;c;QQ==\\u0007');
};
`,
  );
  await buildCli();
}, BUILD_LIMIT_MS);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('gemloop chat: a module whose close throws', () => {
  it('says so in one redacted, escaped line and exits 1, no stack', async () => {
    const { code, stdout, stderr } = await runCliBin(['chat', 'agent.mjs'], folder, {
      DATABASE_URL: `postgres://app:${PASSWORD}@db.internal:5432/app`,
    });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      'gemloop chat: the export `close` of agent.mjs failed: pool end failed: postgres://app:[redacted]@db.internal:5432/app \\u001b]52;c;QQ==\\u0007\n',
    );
    expect(stderr).not.toContain(PASSWORD);
    expect(stderr).not.toContain('\u001b');
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stderr).not.toContain('Node.js v');
  });
});
