// defineEvalTests as a user's project runs it: a test file in a folder of its own, @gemloop/evals
// and vitest in its node_modules (the built package, loaded by Node as any dependency is), run by
// `vitest run` as a child process; what each test did is read from vitest's JSON report.

import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAlone } from '../../../../scripts/build-alone.ts';
import { GUARDED_TEST_LIMIT_MS, runGuarded } from '../../../../scripts/run-guarded.ts';
import { EvalDatasetError } from '../eval-dataset-error.ts';
import { defineEvalTests } from './define-eval-tests.ts';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('../../../../', import.meta.url));
/** A hang guard for a child vitest on a loaded machine; a run takes a few seconds. */
const CHILD_LIMIT = 240_000;

// The child imports the built @gemloop/evals and @gemloop/core; build them first (incremental),
// one build of the checkout at a time (the CLI's bin tests build the same packages beside this
// file), under the hang guard: the hook's limit is above its last resort, and above a wait for
// another file's build.
beforeAll(async () => {
  const tsc = `${root}node_modules/typescript/bin/tsc`;
  await buildAlone(() =>
    runGuarded(process.execPath, [tsc, '-b', 'packages/evals'], { cwd: root }),
  );
}, GUARDED_TEST_LIMIT_MS);

const answer = (text: string) => ({
  candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP' }],
});

/** The suite's module: two cases replayed from their recorded answers, the second as `alan` says. */
const suiteFile = (alan: string, minPass: number) => `
import { createAgent } from '@gemloop/core';
import { defineEvalSuite, exactMatch } from '@gemloop/evals';

export default defineEvalSuite({
  name: 'greetings',
  cases: [
    {
      id: 'greets-ada',
      input: 'Greet Ada.',
      expected: { text: 'Hello, Ada.' },
      fixtures: { modelResponses: [${JSON.stringify(answer('Hello, Ada.'))}] },
    },
    {
      id: 'greets-alan',
      input: 'Greet Alan.',
      expected: { text: 'Hello, Alan.' },
      fixtures: { modelResponses: [${JSON.stringify(answer(alan))}] },
    },
  ],
  scorers: [exactMatch()],
  minPass: ${minPass},
  createAgent: ({ gemini }) => createAgent({ gemini, model: 'gemini-2.5-flash' }),
});
`;

/** A user's test file: the suite module `name`.eval.ts beside it, run as vitest tests. */
const testFile = (name: string) => `
import { defineEvalTests } from '@gemloop/evals/vitest';
import suite from './${name}.eval.ts';

await defineEvalTests(suite);
`;

type Report = {
  numFailedTests: number;
  testResults: {
    name: string;
    assertionResults: {
      title: string;
      status: string;
      failureMessages: string[];
    }[];
  }[];
};

type ProjectRun = { code: number; report: Report; junit: string };

const projectDirectories: string[] = [];
afterAll(() => {
  for (const dir of projectDirectories) rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs `vitest run` once in a fresh project holding one test file per suite (`<name>.test.ts`
 * with its `<name>.eval.ts`); returns the run's exit code and its JSON and JUnit reports, which
 * hold each file's tests apart. One child run serves every suite whose run should end alike: a
 * child Vitest is most of this file's CPU (three runs of one file each before, two now).
 */
async function runProject(suites: Record<string, string>): Promise<ProjectRun> {
  const dir = mkdtempSync(join(tmpdir(), 'gemloop-eval-vitest-'));
  projectDirectories.push(dir);
  mkdirSync(join(dir, 'node_modules', '@gemloop'), { recursive: true });
  symlinkSync(join(root, 'packages/evals'), join(dir, 'node_modules/@gemloop/evals'));
  symlinkSync(join(root, 'packages/core'), join(dir, 'node_modules/@gemloop/core'));
  symlinkSync(join(root, 'node_modules/vitest'), join(dir, 'node_modules/vitest'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  // An install puts the packages' files in node_modules, which Vitest leaves to Node to load; these
  // links lead Vite to packages/*, outside any node_modules, and it would transform core's and
  // evals' dist itself (~5 s of CPU a child run, bench/RESULTS.md, helper test-speed-rest3).
  // Vite's `resolve.preserveSymlinks` keeps the link's path, so they load as a user's do.
  writeFileSync(
    join(dir, 'vitest.config.mjs'),
    'export default { resolve: { preserveSymlinks: true } };\n',
  );
  for (const [name, suite] of Object.entries(suites)) {
    writeFileSync(join(dir, `${name}.eval.ts`), suite);
    writeFileSync(join(dir, `${name}.test.ts`), testFile(name));
  }
  const args = [
    join(root, 'node_modules/vitest/vitest.mjs'),
    'run',
    '--root',
    dir,
    '--reporter=json',
    `--outputFile.json=${join(dir, 'report.json')}`,
    // The JUnit report keeps each test's annotations (as properties); the JSON one does not.
    '--reporter=junit',
    `--outputFile.junit=${join(dir, 'report.xml')}`,
  ];
  const code = await exec(process.execPath, args, {
    cwd: dir,
    env: { PATH: process.env['PATH'] ?? '', TMPDIR: tmpdir() },
    timeout: CHILD_LIMIT,
  }).then(
    () => 0,
    (error: { code: number }) => error.code,
  );
  return {
    code,
    report: JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report,
    junit: readFileSync(join(dir, 'report.xml'), 'utf8'),
  };
}

/** Starts `start` on the first call; every call gets the same run. */
function once<T>(start: () => Promise<T>): () => Promise<T> {
  let started: Promise<T> | undefined;
  return () => {
    started ??= start();
    return started;
  };
}

/**
 * The runs that should pass, in one child Vitest (its exit code 0 says that neither file failed):
 * every case passing, and a failing case that the suite's minPass allows.
 */
const passingRun = once(() =>
  runProject({
    'all-pass': suiteFile('Hello, Alan.', 1),
    allowed: suiteFile('Hi Alan!', 0.5),
  }),
);
/** The run that should fail, alone: its exit code 1 is that file's alone. */
const failingRun = once(() => runProject({ regressed: suiteFile('Hi Alan!', 1) }));

/** The tests of one test file of a run, in their order. */
function results(report: Report, name: string) {
  const files = report.testResults.filter((file) => file.name.endsWith(`/${name}.test.ts`));
  expect(files, JSON.stringify(report.testResults.map((file) => file.name))).toHaveLength(1);
  return files.flatMap((file) => file.assertionResults);
}

/** The JUnit `<testsuite>` element of one test file of a run. */
function junitSuite(junit: string, name: string): string {
  const start = junit.indexOf(`<testsuite name="${name}.test.ts"`);
  expect(start, junit).toBeGreaterThanOrEqual(0);
  return junit.slice(start, junit.indexOf('</testsuite>', start));
}

describe('defineEvalTests', () => {
  it(
    'registers one test per case and a gate; all pass when every case passes',
    async () => {
      const { code, report } = await passingRun();
      expect(results(report, 'all-pass').map(({ title, status }) => [title, status])).toEqual([
        ['greets-ada', 'passed'],
        ['greets-alan', 'passed'],
        ['pass rate meets the gate', 'passed'],
      ]);
      expect(code).toBe(0);
    },
    CHILD_LIMIT,
  );

  it(
    'fails the run on a regressed case: its test names the scorer and why, and the gate fails',
    async () => {
      const { code, report } = await failingRun();
      const [ada, alan, gate] = results(report, 'regressed');
      expect(ada?.status).toBe('passed');
      expect(alan?.status).toBe('failed');
      expect(alan?.failureMessages.join('\n')).toContain('greets-alan: fail');
      expect(alan?.failureMessages.join('\n')).toMatch(/FAIL exact 0\.00/);
      expect(gate?.status).toBe('failed');
      expect(gate?.failureMessages.join('\n')).toContain(
        'pass rate 50.0% is below the gate 100.0%',
      );
      expect(code).toBe(1);
    },
    CHILD_LIMIT,
  );

  it(
    "keeps a failed case as an annotation when the suite's minPass allows it",
    async () => {
      const { code, report, junit } = await passingRun();
      const [, alan, gate] = results(report, 'allowed');
      expect(alan?.status).toBe('passed');
      expect(junitSuite(junit, 'allowed')).toMatch(
        /<property name="warning" value="greets-alan: fail\n {2}FAIL exact 0\.00: expected &quot;Hello, Alan\.&quot;, got &quot;Hi Alan!&quot;\n\(allowed by the gate: minPass 0\.5\)">/,
      );
      expect(gate?.status).toBe('passed');
      expect(code).toBe(0);
    },
    CHILD_LIMIT,
  );

  it('refuses a relative dataset path without the folder to read it from, saying what to pass', async () => {
    const refused = defineEvalTests({
      cases: 'cases.jsonl',
      scorers: [],
      createAgent: () => {
        throw new Error('never built');
      },
    });
    await expect(refused).rejects.toBeInstanceOf(EvalDatasetError);
    await expect(refused).rejects.toThrow(
      "cases.jsonl: a relative dataset path, and defineEvalTests was given no folder to read it from: pass { dir: import.meta.dirname } of the suite's module, or an absolute path.",
    );
  });
});
