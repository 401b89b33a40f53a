// attack43a: `gemloop eval` over a dataset made from a run file that holds credentials (a tool's
// output quoting a database URL, a Google key of another project, a planted file). runEval keeps
// its own client's key out of its result; the other credentials went into the summary on the
// terminal (the CI log), the --json result and the --junit report, through a scorer's reason that
// quotes the expected answer. `gemloop view` shows the same file's secrets redacted (attack41).

import { mkdtempSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recordWeatherRun } from '../../../evals/src/__fixtures__/weather-agent.ts';
import { captureIo } from '../__fixtures__/capture-io.ts';
import { writeSuiteProject } from '../eval/__fixtures__/write-suite-project.ts';
import { createEvalCommand } from './eval.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

const PASSWORD = 'Pa55w0rd-a43a-eval-Zq';
const OTHER_KEY = 'AIzaSyA43aEvalKeyOfAnother-000000000000';
const ENV = { DATABASE_URL: `postgres://app:${PASSWORD}@db.internal:5432/app` };

describe('gemloop eval of a dataset holding credentials', () => {
  it('prints the summary and writes --json and --junit with them redacted', async () => {
    expect(OTHER_KEY).toMatch(/^AIza[\w-]{35}$/);
    const dir = mkdtempSync(join(tmpdir(), 'gemloop-a43a-eval-secrets-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const recorded = await recordWeatherRun();
    cleanups.push(recorded.cleanup);
    // The run's answer as its run-end line keeps it (the case's expected text) quotes the
    // secrets; the model's recorded answer does not, so the exact scorer fails quoting both.
    const edited = recorded.text
      .split('\n')
      .map((line) =>
        line.includes('"type":"run-end"')
          ? line.replace('in Paris.', `in Paris. ${PASSWORD} ${OTHER_KEY}`)
          : line,
      )
      .join('\n');
    await writeSuiteProject(dir, edited, captureIo(ENV));
    const out = captureIo(ENV);
    const code = await createEvalCommand(dir).run(
      ['suite.mjs', '--json', 'result.json', '--junit', 'result.xml'],
      out,
    );
    expect(code).toBe(1);
    expect(out.out()).toMatch(/FAIL .*exact: expected/);
    expect(out.out()).toContain('[redacted]');
    for (const text of [
      out.out() + out.err(),
      readFileSync(join(dir, 'result.json'), 'utf8'),
      readFileSync(join(dir, 'result.xml'), 'utf8'),
    ]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(OTHER_KEY);
    }
    // The result is still one `gemloop eval compare` reads.
    const again = captureIo(ENV);
    expect(await createEvalCommand(dir).run(['compare', 'result.json', 'result.json'], again)).toBe(
      0,
    );
  }, 60_000);
});
