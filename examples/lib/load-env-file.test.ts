import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadEnvFiles } from './load-env-file.ts';

const names = ['GEMLOOP_TEST_A', 'GEMLOOP_TEST_B', 'GEMLOOP_TEST_C', 'GEMLOOP_TEST_D'];
const directory = mkdtempSync(join(tmpdir(), 'gemloop-env-'));

// Each test loads into an environment of its own: the process's is every test file's in this
// worker, and none of it changes.
afterEach(() => {
  for (const name of names) expect(process.env[name]).toBeUndefined();
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('loadEnvFiles', () => {
  it('loads the file GEMLOOP_ENV_FILE names, without overriding what is already set (even empty)', () => {
    const file = join(directory, 'test.env');
    writeFileSync(file, 'GEMLOOP_TEST_A=from-file\nGEMLOOP_TEST_B=from-file\n');
    const env: NodeJS.ProcessEnv = { GEMLOOP_ENV_FILE: file, GEMLOOP_TEST_A: '' };
    expect(loadEnvFiles(env)).toEqual([file]);
    expect(env['GEMLOOP_TEST_A']).toBe('');
    expect(env['GEMLOOP_TEST_B']).toBe('from-file');
  });

  // attack49a: a `.env` saved on Windows (Notepad's and PowerShell 5's "UTF-8 with BOM", CRLF line
  // ends), with `export ` lines copied from a shell script, quoted values and a line repeated.
  // Before, the BOM went into the first name: `\uFEFFGEMLOOP_TEST_A` was set, not the variable.
  it('reads a .env with a BOM, CRLF line ends, export prefixes, quotes and a repeated line', () => {
    const file = join(directory, 'windows.env');
    writeFileSync(
      file,
      '\uFEFFGEMLOOP_TEST_A=first-line\r\nexport GEMLOOP_TEST_B="quoted value"\r\n' +
        "GEMLOOP_TEST_C='single'\r\nGEMLOOP_TEST_D=old\r\nGEMLOOP_TEST_D=  new  \r\n",
    );
    const env: NodeJS.ProcessEnv = { GEMLOOP_ENV_FILE: file };
    expect(loadEnvFiles(env)).toEqual([file]);
    expect(names.map((name) => env[name])).toEqual(['first-line', 'quoted value', 'single', 'new']);
    expect(env['\uFEFFGEMLOOP_TEST_A']).toBeUndefined();
  });

  it('loads nothing with GEMLOOP_ENV_FILE=off', () => {
    expect(loadEnvFiles({ GEMLOOP_ENV_FILE: 'off' })).toEqual([]);
  });

  it('refuses a GEMLOOP_ENV_FILE that does not exist, naming it', () => {
    const missing = join(directory, 'missing.env');
    expect(() => loadEnvFiles({ GEMLOOP_ENV_FILE: missing })).toThrow(
      `GEMLOOP_ENV_FILE names ${missing}`,
    );
  });
});
