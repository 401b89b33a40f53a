// attack49a: `gemloop chat agent.ts` (or eval, fake --script) with a TMPDIR this process cannot
// write (a locked-down container, a service user, a read-only /tmp). tsx, which loads a TypeScript
// module, makes its cache folder `<TMPDIR>/tsx-<uid>` first: the import failed with only `EACCES:
// permission denied, mkdir '…/tsx-65534'`. Now the line says what to do. As `nobody` (setpriv)
// when this runs as root, who writes anyway.

import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuardedProcessError, runGuarded } from '../../../../scripts/run-guarded.ts';
import { BUILD_LIMIT_MS, buildCli, CLI_BIN } from '../__fixtures__/build-cli.ts';

const AGENT = join(import.meta.dirname, '../__fixtures__/chat-terminate-agent.ts');
let folder = '';
beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'gemloop-a49a-tmpdir-'));
  chmodSync(folder, 0o755);
  await buildCli();
}, BUILD_LIMIT_MS);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('gemloop chat FILE.ts with a TMPDIR it cannot write', () => {
  it('says to set TMPDIR or give a .js module, in one line, exit 2', async () => {
    const readOnly = join(folder, 'read-only-tmp');
    mkdirSync(readOnly);
    chmodSync(readOnly, 0o555);
    const asNobody = process.getuid?.() === 0;
    const command = asNobody
      ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath]
      : [process.execPath];
    let failure: GuardedProcessError | undefined;
    try {
      await runGuarded(command[0] as string, [...command.slice(1), CLI_BIN, 'chat', AGENT], {
        env: {
          PATH: process.env['PATH'] ?? '',
          TMPDIR: readOnly,
          GEMLOOP_CHAT_TEST_URL: 'http://127.0.0.1:9',
        },
        input: 'hi\n',
      });
    } catch (error) {
      if (!(error instanceof GuardedProcessError)) throw error;
      failure = error;
    }
    expect(failure?.failure).toMatchObject({ kind: 'exit', code: 2 });
    expect(failure?.stderr).toMatch(
      new RegExp(
        `importing it failed: \\w+: .*'${readOnly}/tsx-\\d+' \\(tsx, which loads a TypeScript module, keeps its cache in TMPDIR, ${readOnly}: set TMPDIR to a folder this process can write, or give gemloop the module compiled to \\.js or \\.mjs\\)\\n$`,
      ),
    );
    expect(failure?.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(readOnly)).toEqual([]);
  });
});
