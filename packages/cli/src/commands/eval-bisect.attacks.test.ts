// leftovers48 (what attack43a left): `gemloop eval bisect` printed and wrote commit subjects, case
// ids and tool calls unredacted (a subject quoting a database URL went to the CI log and the
// --json report, where `gemloop eval` redacts the same), and copies of the project it extracts
// under `.gemloop/bisect/<pid>` stayed after a Ctrl-C, a SIGTERM or a crash (its `finally` never
// ran). Now: the output redacted; the first SIGINT/SIGTERM aborts the bisect (its copies removed,
// exit 130); and a later bisect removes the copies of a bisect whose process is gone.

import { type ChildProcess, execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { caseFromRunFile } from '@gemloop/evals';
import { createFakeGemini, turn } from '@gemloop/testing';
import { afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startGuarded } from '../../../../scripts/start-guarded.ts';
import { recordWeatherRun } from '../../../evals/src/__fixtures__/weather-agent.ts';
import { BUILD_LIMIT_MS, buildCli, CLI_BIN } from '../__fixtures__/build-cli.ts';
import { captureIo } from '../__fixtures__/capture-io.ts';
import { createEvalCommand } from './eval.ts';

const PASSWORD = 'Pa55w0rd-l48-bisect-Q';
const DATABASE_URL = `postgres://app:${PASSWORD}@db.internal:5432/app`;
const OTHER_KEY = 'AIzaSyL48BisectKeyOfAnother-00000000000';

const children: ChildProcess[] = [];
afterEach(() => {
  // Every bisect a test started is stopped, whatever the test's outcome.
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});

/** A git repository in a temporary folder, removed after the test; commits by `git fast-import`. */
function repository(commits: { subject: string; files: Record<string, string> }[]): {
  dir: string;
  shas: string[];
} {
  const dir = mkdtempSync(join(tmpdir(), 'gemloop-l48-bisect-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  let stream = '';
  for (const [index, commit] of commits.entries()) {
    stream += `commit refs/heads/main\ncommitter t <t@example.com> ${1_700_000_000 + index} +0000\n`;
    stream += data(commit.subject);
    for (const [name, text] of Object.entries(commit.files))
      stream += `M 100644 inline ${name}\n${data(text)}`;
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, input: stream });
  execFileSync('git', ['reset', '-q', '--hard', 'main'], { cwd: dir });
  const shas = execFileSync('git', ['rev-list', '--reverse', 'main'], {
    cwd: dir,
    encoding: 'utf8',
  })
    .trim()
    .split('\n');
  return { dir, shas };
}

/** The id of a process that has exited. */
function deadPid(): number {
  const { pid } = spawnSync(process.execPath, ['-e', '']);
  if (pid === undefined) throw new Error('node -e did not start');
  return pid;
}

describe('gemloop eval bisect output', () => {
  it('is redacted (subjects, --json) and clears the copies of a bisect whose process is gone', async () => {
    const recorded = await recordWeatherRun();
    const made = caseFromRunFile(recorded.text, recorded.file);
    await recorded.cleanup();
    const suite = pathToFileURL(
      join(import.meta.dirname, '../eval/__fixtures__/weather-bisect-suite.ts'),
    ).href;
    const config = (instructions: string) =>
      `export default ${JSON.stringify({ instructions, toolDescription: 'The weather in a city.' })};\n`;
    const { dir, shas } = repository([
      {
        subject: 'the agent as recorded',
        files: {
          'cases.jsonl': `${JSON.stringify(made)}\n`,
          'suite.mjs': `import config from './agent-config.mjs';\nimport { weatherSuiteOf } from '${suite}';\nexport default weatherSuiteOf(config);\n`,
          'agent-config.mjs': config('You answer weather questions.'),
        },
      },
      {
        subject: `answer from memory, see ${DATABASE_URL} (key ${OTHER_KEY})`,
        files: { 'agent-config.mjs': config('You answer weather questions from memory.') },
      },
    ]);
    // A bisect killed before this one (its process gone), and one running (this test's parent).
    const stale = join(dir, '.gemloop', 'bisect', String(deadPid()));
    const running = join(dir, '.gemloop', 'bisect', String(process.ppid));
    for (const folder of [stale, running]) {
      mkdirSync(join(folder, 'abc'), { recursive: true });
      writeFileSync(join(folder, 'abc', 'suite.mjs'), '');
    }
    await using live = createFakeGemini({ script: () => turn.text('About 18 °C, I believe.') });
    const run = captureIo({ GEMINI_API_KEY: 'bisect-live-key', DATABASE_URL }, live.fetch);
    const code = await createEvalCommand(dir).run(
      ['bisect', shas[0] as string, 'main', '--suite', 'suite.mjs', '--json', 'bisect.json'],
      run,
    );
    expect(run.err()).not.toContain('gemloop eval:');
    expect(code).toBe(0);
    expect(run.out()).toContain(`first changed commit: ${shas[1]} answer from memory, see`);
    const report = readFileSync(join(dir, 'bisect.json'), 'utf8');
    expect(report).toContain('[redacted]');
    for (const text of [run.out(), run.err(), report]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(OTHER_KEY);
    }
    expect(existsSync(stale)).toBe(false);
    expect(readdirSync(join(dir, '.gemloop', 'bisect'))).toEqual([String(process.ppid)]);
  }, 120_000);
});

// A suite whose one case's recorded answer calls `wait`, a tool that writes BISECT_MARK and waits
// until its call is aborted: the bisect is interrupted while it evaluates the first commit.
const WAITING_SUITE = `import { writeFileSync } from 'node:fs';
import { createAgent, defineTool, jsonSchema } from '@gemloop/core';
import { defineEvalSuite } from '@gemloop/evals';
const wait = defineTool({
  name: 'wait',
  description: 'Waits.',
  parameters: jsonSchema({ type: 'object', properties: {} }),
  execute: (_args, { signal }) => {
    writeFileSync(process.env.BISECT_MARK, String(process.pid));
    return new Promise((_resolve, reject) =>
      signal.addEventListener('abort', () => reject(signal.reason)),
    );
  },
});
const call = { candidates: [{ content: { role: 'model', parts: [{ functionCall: { name: 'wait', args: {} } }] }, finishReason: 'STOP' }] };
const text = { candidates: [{ content: { role: 'model', parts: [{ text: 'done' }] }, finishReason: 'STOP' }] };
export default defineEvalSuite({
  cases: [{ id: 'waits', input: 'wait', fixtures: { modelResponses: [call, text] } }],
  scorers: [],
  createAgent: ({ gemini }) =>
    createAgent({ gemini, model: 'gemini-2.5-flash', tools: [wait], telemetry: false }),
});
`;

describe('gemloop eval bisect stopped', () => {
  beforeAll(buildCli, BUILD_LIMIT_MS);

  /** The built bin bisecting a repository whose suite waits; resolves once it waits. */
  async function waitingBisect(dir: string, good: string, mark: string) {
    rmSync(mark, { force: true });
    const child = startGuarded(
      process.execPath,
      [CLI_BIN, 'eval', 'bisect', good, 'main', '--suite', 'suite.mjs'],
      {
        cwd: dir,
        env: { PATH: process.env['PATH'] ?? '', BISECT_MARK: mark },
      },
    );
    children.push(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout?.resume();
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.on('exit', (code, signal) => done({ code, signal })),
    );
    // Until the tool waits (or the bisect ends without reaching it: then the test fails below).
    let ended = false;
    void exited.then(() => {
      ended = true;
    });
    while (!existsSync(mark) && !ended) await new Promise((resolve) => setTimeout(resolve, 20));
    if (!existsSync(mark)) throw new Error(`the bisect ended before its tool waited: ${stderr}`);
    return { child, exited, stderr: () => stderr };
  }

  function waitingRepository(): { dir: string; shas: string[]; mark: string } {
    const { dir, shas } = repository([
      { subject: 'a waiting suite', files: { 'suite.mjs': WAITING_SUITE } },
      { subject: 'a note', files: { 'notes.md': 'Note.\n' } },
    ]);
    // The suite's imports resolve from the repository's node_modules, as in a user's project.
    symlinkSync(
      fileURLToPath(new URL('../../node_modules', import.meta.url)),
      join(dir, 'node_modules'),
    );
    return { dir, shas, mark: join(dir, 'waiting.mark') };
  }

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'on %s: aborted, its copies removed, exit 130',
    { timeout: 60_000 },
    async (signal) => {
      const { dir, shas, mark } = waitingRepository();
      const bisect = await waitingBisect(dir, shas[0] as string, mark);
      const copies = join(dir, '.gemloop', 'bisect', String(bisect.child.pid));
      expect(existsSync(copies)).toBe(true);
      bisect.child.kill(signal);
      expect(await bisect.exited).toEqual({ code: 130, signal: null });
      expect(bisect.stderr()).toContain('gemloop eval bisect: stopped (interrupted)');
      expect(existsSync(join(dir, '.gemloop'))).toBe(false);
    },
  );

  it('after a SIGKILL, the next bisect removes the copies the killed one left', {
    timeout: 60_000,
  }, async () => {
    const { dir, shas, mark } = waitingRepository();
    const killed = await waitingBisect(dir, shas[0] as string, mark);
    const left = join(dir, '.gemloop', 'bisect', String(killed.child.pid));
    killed.child.kill('SIGKILL');
    expect(await killed.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(existsSync(left)).toBe(true);
    const next = await waitingBisect(dir, shas[0] as string, mark);
    expect(readdirSync(join(dir, '.gemloop', 'bisect'))).toEqual([String(next.child.pid)]);
    next.child.kill('SIGINT');
    expect((await next.exited).code).toBe(130);
    expect(existsSync(join(dir, '.gemloop'))).toBe(false);
  });
});
