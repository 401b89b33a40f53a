import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { transform } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

// The snippet tests run the README and guide code through tsx, whose esbuild lowers syntax the
// running Node lacks (`await using` becomes try/finally), so a snippet that is a SyntaxError for
// a user on Node 20.19 still passes there. Here each file has its types stripped and nothing else
// (esbuild, target esnext) and Node itself parses it: on the Node 20 these tests run on, new
// syntax fails. The explicit-resource-management check holds on any Node.

const run = promisify(execFile);
const examples = new URL('../', import.meta.url);
const files = ['test/readme/', 'test/docs/'].flatMap((folder) =>
  readdirSync(new URL(folder, examples), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => `${folder}${name}`),
);
const scratch = mkdtempSync(join(tmpdir(), 'gemloop-snippets-'));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the README and guide snippets', () => {
  it.each(files)('%s parses on Node 20.19', async (file) => {
    const source = readFileSync(new URL(file, examples), 'utf8');
    // `using` and `await using` declarations need Node 24.
    expect(source).not.toMatch(/^\s*(?:await\s+)?using\s+[\w$]+\s*=/m);
    const { code } = await transform(source, { loader: 'ts', format: 'esm', target: 'esnext' });
    const stripped = join(scratch, `${file.replaceAll('/', '_')}.mjs`);
    writeFileSync(stripped, code);
    await run(process.execPath, ['--check', stripped]).catch((error: { stderr?: string }) => {
      throw new Error(
        `${file} is not valid JavaScript on Node ${process.version}:\n${error.stderr}`,
      );
    });
  });
});
