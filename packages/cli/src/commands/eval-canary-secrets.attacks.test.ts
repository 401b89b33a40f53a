// attack43a: `gemloop eval canary` prints and writes each side's first error. An agent whose
// factory fails to reach its database (the driver quoting DATABASE_URL, password and all), or an
// error quoting another project's Google key, put them in the CI log and the --json report, where
// `gemloop eval` redacts this shell's credentials and keys by their shape.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { captureIo } from '../__fixtures__/capture-io.ts';
import { createEvalCommand } from './eval.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

const PASSWORD = 'Pa55w0rd-a43a-canary-Q';
const DATABASE_URL = `postgres://app:${PASSWORD}@db.internal:5432/app`;
const OTHER_KEY = 'AIzaSyA43aCanaryKeyOfAnother-0000000000';

describe('gemloop eval canary with an agent failing on a credential', () => {
  it('prints and writes its first error with the credential redacted', async () => {
    expect(OTHER_KEY).toMatch(/^AIza[\w-]{35}$/);
    const dir = mkdtempSync(join(tmpdir(), 'gemloop-a43a-canary-secrets-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    writeFileSync(
      join(dir, 'suite.mjs'),
      `import { defineEvalSuite } from '@gemloop/evals';
export default defineEvalSuite({
  cases: [{ id: 'c', input: 'hi' }],
  scorers: [],
  createAgent: () => {
    throw new Error(${JSON.stringify(`connect failed: ${DATABASE_URL} (key ${OTHER_KEY})`)});
  },
});
`,
    );
    const fake = createFakeGemini({ script: () => turn.text('never asked') });
    cleanups.push(() => fake.close());
    const out = captureIo({ GEMINI_API_KEY: 'canary-live-key', DATABASE_URL }, fake.fetch);
    const code = await createEvalCommand(dir).run(
      [
        'canary',
        'suite.mjs',
        '--from',
        'gemini-2.5-flash',
        '--to',
        'gemini-2.5-pro',
        '--k',
        '2',
        '--json',
        'canary.json',
      ],
      out,
    );
    expect(code).toBe(1);
    expect(out.out()).toContain('unjudged');
    expect(out.out()).toContain('connect failed');
    for (const text of [out.out() + out.err(), readFileSync(join(dir, 'canary.json'), 'utf8')]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(OTHER_KEY);
    }
  }, 60_000);
});
