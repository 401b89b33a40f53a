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

/**
 * Parses each file as an ES module in one Node process: `vm.SourceTextModule` compiles its source
 * with the ModuleWrap that `node --check` uses for a `.mjs` file (lib/internal/main/check_syntax.js),
 * so the verdict is the same as 80 `node --check` processes gave, for one process start (the 80
 * starts were most of this file's time). Prints `{ [path]: SyntaxError text | null }`.
 */
const CHECKER = `
const { SourceTextModule } = require('node:vm');
const { readFileSync } = require('node:fs');
const verdicts = {};
for (const file of process.argv.slice(2)) {
  try {
    new SourceTextModule(readFileSync(file, 'utf8'), { identifier: file });
    verdicts[file] = null;
  } catch (error) {
    verdicts[file] = String(error);
  }
}
process.stdout.write(JSON.stringify(verdicts));
`;

/** Every file's types stripped, then all parsed by Node at once: file -> its SyntaxError, if any. */
async function parseAll(): Promise<Map<string, string | null>> {
  const verdicts = new Map<string, string | null>();
  const stripped = new Map<string, string>();
  await Promise.all(
    files.map(async (file) => {
      const source = readFileSync(new URL(file, examples), 'utf8');
      try {
        const { code } = await transform(source, { loader: 'ts', format: 'esm', target: 'esnext' });
        const path = join(scratch, `${file.replaceAll('/', '_')}.mjs`);
        writeFileSync(path, code);
        stripped.set(path, file);
      } catch (error) {
        verdicts.set(file, `esbuild could not strip its types: ${String(error)}`);
      }
    }),
  );
  const checker = join(scratch, 'check-syntax.cjs');
  writeFileSync(checker, CHECKER);
  const { stdout } = await run(process.execPath, [
    '--experimental-vm-modules',
    '--no-warnings',
    checker,
    ...stripped.keys(),
  ]);
  const parsed = JSON.parse(stdout) as Record<string, string | null>;
  for (const [path, file] of stripped) {
    // A file the checker did not answer for fails rather than passes.
    verdicts.set(file, path in parsed ? (parsed[path] ?? null) : 'not parsed by the checker');
  }
  return verdicts;
}

let parsed: Promise<Map<string, string | null>> | undefined;

describe('the README and guide snippets', () => {
  it.each(files)('%s parses on Node 20.19', async (file) => {
    const source = readFileSync(new URL(file, examples), 'utf8');
    // `using` and `await using` declarations need Node 24.
    expect(source).not.toMatch(/^\s*(?:await\s+)?using\s+[\w$]+\s*=/m);
    parsed ??= parseAll();
    const verdicts = await parsed;
    expect(verdicts.has(file)).toBe(true);
    const error = verdicts.get(file);
    if (error != null) {
      throw new Error(`${file} is not valid JavaScript on Node ${process.version}:\n${error}`);
    }
  });
});
