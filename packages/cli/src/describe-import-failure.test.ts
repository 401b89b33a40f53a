import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeImportFailure } from './describe-import-failure.ts';

// loose-ends4: the CLI redacted only the values of environment variables named as secrets. A key
// given by flag, a database URL's password under a plain name, or a key the module read from a
// .env file itself (not into process.env) reached the terminal when the module quoted it.

const FLAG_KEY = 'AIzaSy-flag-key-0123456789abcdef';
const QUERY_KEY = 'AIzaSy-query-key-0123456789abcdef';
const DB_PASSWORD = 'pg-pass/word 42';
const FILE_KEY = 'sk-from-dotenv-file-0123456789';
let folder = '';

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'gemloop-terminal-secrets-'));
  writeFileSync(
    join(folder, '.env'),
    `# local\nCOMETAPI_KEY="${FILE_KEY}"\nMODEL=gemini-2.5-flash\n`,
  );
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('describeImportFailure', () => {
  it('redacts a key given by flag, in a URL flag, in a URL under a plain name and in the .env file', () => {
    const databaseUrl = `postgres://app:${encodeURIComponent(DB_PASSWORD)}@db.internal:5432/app`;
    const message = [
      `flag ${FLAG_KEY}`,
      `url https://gw.example/v1?alt=sse&key=${QUERY_KEY}`,
      `db ${databaseUrl} (${DB_PASSWORD})`,
      `file ${FILE_KEY} model gemini-2.5-flash`,
    ].join('; ');
    const shown = describeImportFailure(
      new Error(message),
      { DATABASE_URL: databaseUrl, PATH: '/usr/bin' },
      [
        'eval',
        'suite.mjs',
        '--api-key',
        FLAG_KEY,
        `--base-url=https://gw.example/v1?key=${QUERY_KEY}`,
      ],
      folder,
    );
    for (const secret of [
      FLAG_KEY,
      QUERY_KEY,
      DB_PASSWORD,
      encodeURIComponent(DB_PASSWORD),
      FILE_KEY,
    ])
      expect(shown).not.toContain(secret);
    // What is not secret stays legible: the model, the host, the plain query value.
    expect(shown).toContain('model gemini-2.5-flash');
    expect(shown).toContain('@db.internal:5432/app');
    expect(shown).toContain('alt=sse');
    expect(shown.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(5);
  });

  it('reads no .env file that is not there, or one too big to be configuration', () => {
    const empty = mkdtempSync(join(tmpdir(), 'gemloop-terminal-secrets-none-'));
    const big = mkdtempSync(join(tmpdir(), 'gemloop-terminal-secrets-big-'));
    try {
      writeFileSync(join(big, '.env'), `API_KEY=${FILE_KEY}\n${'#'.repeat(70_000)}\n`);
      for (const cwd of [empty, big])
        expect(describeImportFailure(new Error(`x ${FILE_KEY}`), {}, [], cwd)).toBe(
          `x ${FILE_KEY}`,
        );
    } finally {
      rmSync(empty, { recursive: true, force: true });
      rmSync(big, { recursive: true, force: true });
    }
  });
});
