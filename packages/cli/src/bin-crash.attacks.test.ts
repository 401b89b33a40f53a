// A throw that no command catches (lockscli45, what attack44d left): a module the command loaded
// that rejects a promise nobody awaits, or throws from a callback, quoting what it used (a database
// URL) and a terminal escape. Before, Node printed its report: the source line, the stack with the
// install's paths, the password and the raw OSC 52. The built bin as a user runs it; the module is
// loaded by `gemloop chat`, the chat ended by the end of stdin.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_LIMIT_MS, buildCli, runCliBin } from './__fixtures__/build-cli.ts';

const PASSWORD = 'hunter2-db-password';
const AGENT = 'export default { run() {}, stream() {} };\n';
const QUOTED = `'pool failed: ' + process.env.DATABASE_URL + ' \\u001b]52;c;QQ==\\u0007'`;
const MODULES = {
  'rejects.mjs': `${AGENT}Promise.reject(new Error(${QUOTED}));\n`,
  'throws.mjs': `${AGENT}process.nextTick(() => { throw new Error(${QUOTED}); });\n`,
  'rejects-string.mjs': `${AGENT}Promise.reject(${QUOTED});\n`,
  'throws-late.mjs': `${AGENT}setTimeout(() => { throw new TypeError(${QUOTED}); }, 0);\n`,
};
let folder = '';
beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'gemloop-bin-crash-'));
  for (const [name, text] of Object.entries(MODULES)) writeFileSync(join(folder, name), text);
  await buildCli();
}, BUILD_LIMIT_MS);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('the bin: an error no command catches', () => {
  it.each(Object.keys(MODULES))(
    '%s: one redacted, escaped line on stderr and exit 1, no stack, no paths',
    async (name) => {
      const { code, stderr } = await runCliBin(['chat', name], folder, {
        DATABASE_URL: `postgres://app:${PASSWORD}@db.internal:5432/app`,
      });
      expect(code).toBe(1);
      // The last line, after the chat's banner and prompt (`you> `, on stderr) if it had started.
      expect(stderr).toMatch(
        /(^|\n)(you> )?gemloop: unexpected error: pool failed: postgres:\/\/(app|\[redacted\]):\[redacted\]@db\.internal:5432\/app \\u001b\]52;c;QQ==\\u0007\n$/,
      );
      expect(stderr.match(/gemloop: unexpected error/g)).toHaveLength(1);
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(stderr).not.toContain(PASSWORD);
      expect(stderr).not.toContain('\u001b');
      expect(stderr).not.toContain(folder);
      expect(stderr).not.toContain('Node.js v');
    },
  );
});
