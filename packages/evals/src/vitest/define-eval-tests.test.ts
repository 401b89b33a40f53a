// defineEvalTests as a user's project runs it: a test file in a folder of its own, @gemloop/evals
// and vitest in its node_modules (the built package, loaded by Node as any dependency is), run by
// `vitest run` as a child process; what each test did is read from vitest's JSON report.

import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { EvalDatasetError } from '../eval-dataset-error.ts';
import { defineEvalTests } from './define-eval-tests.ts';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('../../../../', import.meta.url));
/** A hang guard for a child vitest on a loaded machine; a run takes a few seconds. */
const CHILD_LIMIT = 240_000;

// The child imports the built @gemloop/evals and @gemloop/core; build them first (incremental).
beforeAll(async () => {
  await exec(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-b', 'packages/evals'], {
    cwd: root,
    timeout: 300_000,
  });
}, 300_000);

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

const TEST_FILE = `
import { defineEvalTests } from '@gemloop/evals/vitest';
import suite from './greetings.eval.ts';

await defineEvalTests(suite);
`;

type Report = {
  numFailedTests: number;
  testResults: {
    assertionResults: {
      title: string;
      status: string;
      failureMessages: string[];
    }[];
  }[];
};

/** Runs `vitest run` in a fresh project with the suite; returns its exit code and JSON report. */
async function runProject(suite: string): Promise<{ code: number; report: Report; junit: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'gemloop-eval-vitest-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'node_modules', '@gemloop'), { recursive: true });
  symlinkSync(join(root, 'packages/evals'), join(dir, 'node_modules/@gemloop/evals'));
  symlinkSync(join(root, 'packages/core'), join(dir, 'node_modules/@gemloop/core'));
  symlinkSync(join(root, 'node_modules/vitest'), join(dir, 'node_modules/vitest'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(dir, 'greetings.eval.ts'), suite);
  writeFileSync(join(dir, 'greetings.test.ts'), TEST_FILE);
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

const results = (report: Report) => report.testResults.flatMap((file) => file.assertionResults);

describe('defineEvalTests', () => {
  it(
    'registers one test per case and a gate; all pass when every case passes',
    async () => {
      const { code, report } = await runProject(suiteFile('Hello, Alan.', 1));
      expect(results(report).map(({ title, status }) => [title, status])).toEqual([
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
      const { code, report } = await runProject(suiteFile('Hi Alan!', 1));
      const [ada, alan, gate] = results(report);
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
      const { code, report, junit } = await runProject(suiteFile('Hi Alan!', 0.5));
      const [, alan, gate] = results(report);
      expect(alan?.status).toBe('passed');
      expect(junit).toMatch(
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
