import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../__fixtures__/capture-io.ts';
import { main } from '../cli.ts';

// attack-doors9: an agent, suite or script module that throws as it is imported, quoting what it
// read: the key (in its message and in a field, as a URL error's `input` holds a URL), a terminal
// escape and a forged line; its path holds a space, a line end and an escape. `gemloop chat` and
// `gemloop estimate` let the error escape to Node's uncaught-error report (the stack, the key, the
// escapes as they were, `input` printed); `eval` and `fake --script` escaped it but printed the key.

const KEY = 'AIzaSyD-attack-doors9-0123456789abcdef';
const OTHER = 'ghp_attackdoors9tokenvalue0123';
let folder = '';

const THROWING = `
const error = new Error('config broken \\u001b[2J\\u001b[31mFORGED LINE\\nkey=' + process.env.GEMINI_API_KEY + ' token=' + process.env.GITHUB_TOKEN + ' url=https://gw.example/?key=' + encodeURIComponent(process.env.GEMINI_API_KEY));
error.input = 'https://gw.example/?key=' + process.env.GEMINI_API_KEY;
throw error;
`;

/** A throwing module of its own (an import that failed is cached per URL), named with hostile bytes. */
function throwingModule(tag: string): string {
  const path = join(folder, `my agent\n\u001b[31m${tag}.mjs`);
  writeFileSync(path, THROWING);
  return path;
}

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'gemloop-import-failure-'));
  process.env['GEMINI_API_KEY'] = KEY;
  process.env['GITHUB_TOKEN'] = OTHER;
});
afterAll(() => {
  delete process.env['GEMINI_API_KEY'];
  delete process.env['GITHUB_TOKEN'];
  rmSync(folder, { recursive: true, force: true });
});

describe('a module that throws at import, quoting the key, on the terminal', () => {
  it.each([
    ['chat', (path: string) => ['chat', path]],
    ['estimate', (path: string) => ['estimate', path, 'hi']],
    ['eval', (path: string) => ['eval', path]],
    ['fake --script', (path: string) => ['fake', '--script', path, '--port', '0']],
  ])(
    'gemloop %s: exit 2, one escaped line naming the file, no key, no stack',
    async (name, argv) => {
      const io = captureIo({ GEMINI_API_KEY: KEY, GITHUB_TOKEN: OTHER, PATH: '/usr/bin' });
      const code = await main(argv(throwingModule(name.replace(/\W/g, ''))), io);
      const printed = io.out() + io.err();
      expect(code, printed).toBe(2);
      expect(printed).toContain('importing it failed: config broken');
      expect(printed).toContain('[redacted]');
      expect(printed).not.toContain(KEY);
      expect(printed).not.toContain(encodeURIComponent(KEY));
      expect(printed).not.toContain(OTHER);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the escapes are what is looked for
      expect(printed).not.toMatch(/\u001b/);
      expect(printed).toContain('\\u001b[2J');
      expect(printed).not.toContain('FORGED LINE\n');
      expect(printed).not.toMatch(/ at .*import-user-module|\binput: /);
    },
  );

  it('cuts a 100 KB message to 1,000 characters', async () => {
    const path = join(folder, 'long.mjs');
    writeFileSync(path, `throw new Error('x'.repeat(100_000));`);
    const io = captureIo({});
    expect(await main(['chat', path], io)).toBe(2);
    expect(io.err().length).toBeLessThan(1_300);
    expect(io.err()).toContain('… (cut)');
  });

  it('names a file that is not there in one line, exit 2', async () => {
    const io = captureIo({});
    expect(await main(['chat', join(folder, 'missing\u001b[2J.mjs')], io)).toBe(2);
    expect(io.err()).toContain('importing it failed');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the escape is what is looked for
    expect(io.err()).not.toMatch(/\u001b/);
  });
});
