// `gemloop eval` in-process: a recorded run turned into a dataset, replayed offline with the gate,
// drift failing it, live against the fake as the endpoint, the JSON and JUnit files, and compare.

import { constants, existsSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createFakeGemini, turn } from '@gemloop/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  recordSignedWeatherRun,
  recordWeatherRun,
  recordWeatherTeamRun,
} from '../../../evals/src/__fixtures__/weather-agent.ts';
import { captureIo } from '../__fixtures__/capture-io.ts';
import { createEvalCommand } from './eval.ts';

const io = captureIo;

const SUITE = pathToFileURL(
  join(import.meta.dirname, '../eval/__fixtures__/weather-suite.ts'),
).href;
let dir: string;

/** Writes a suite module `name` in `folder` whose default export is `call` (a suite fixture's). */
function writeSuite(folder: string, name: string, call: string): void {
  const made = call.slice(0, call.indexOf('('));
  writeFileSync(
    join(folder, name),
    `import { ${made} } from '${SUITE}';\nexport default ${call};\n`,
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gemloop-eval-cli-'));
  const recorded = await recordWeatherRun();
  await mkdir(join(dir, 'runs'));
  await copyFile(recorded.file, join(dir, 'runs', 'run.jsonl'));
  writeFileSync(join(dir, 'runs', 'garbage.jsonl'), '{"type":"run-start","format":1}\nnot json\n');
  await recorded.cleanup();
  writeFileSync(
    join(dir, 'same.mjs'),
    `import { weatherSuite } from '${SUITE}';\nexport default weatherSuite('cases.jsonl');\n`,
  );
  writeFileSync(
    join(dir, 'changed.mjs'),
    `import { weatherSuite } from '${SUITE}';\nexport default weatherSuite('cases.jsonl', 'Answer in French.');\n`,
  );
});

describe('gemloop eval', () => {
  it('from-runs writes the recorded runs as cases, skipping what is not a successful run', async () => {
    const run = io();
    const code = await createEvalCommand(dir).run(
      ['from-runs', '--dir', 'runs', '--out', 'cases.jsonl'],
      run,
    );
    expect(code).toBe(0);
    expect(run.out()).toContain('1 case(s) written to cases.jsonl; 1 run(s) skipped');
    const [line] = readFileSync(join(dir, 'cases.jsonl'), 'utf8').trim().split('\n');
    expect(JSON.parse(line as string)).toMatchObject({
      input: 'Weather in Paris?',
      expected: { text: 'It is 18 °C in Paris.' },
    });
  });

  it('from-runs makes a run with subagents one case that gemloop eval replays whole, and a drifted subagent fails it', async () => {
    const project = mkdtempSync(join(tmpdir(), 'gemloop-eval-team-'));
    await mkdir(join(project, 'runs'));
    const team = await recordWeatherTeamRun();
    for (const file of team.files) writeFileSync(join(project, 'runs', file.name), file.text);
    await team.cleanup();
    const made = io();
    expect(
      await createEvalCommand(project).run(
        ['from-runs', '--dir', 'runs', '--out', 'team.jsonl'],
        made,
      ),
    ).toBe(0);
    expect(made.out()).toContain(
      '1 case(s) written to team.jsonl (with 2 subagent run(s) in them); 0 run(s) skipped',
    );
    writeSuite(project, 'team.mjs', "weatherTeamSuite('team.jsonl')");
    writeSuite(project, 'team-haiku.mjs', "weatherTeamSuite('team.jsonl', 'Answer in haiku.')");
    const run = io();
    expect(await createEvalCommand(project).run(['team.mjs'], run)).toBe(0);
    expect(run.err()).toMatch(/\[1\/1\] PASS/);
    expect(run.out()).toContain('1/1 passed (100.0%)');
    const drifted = io();
    expect(await createEvalCommand(project).run(['team-haiku.mjs'], drifted)).toBe(1);
    expect(drifted.out()).toMatch(
      /the subagent run forecast#[12]: model call 1: the request differs/,
    );
  });

  it('from-runs that makes no case fails with exit 1, says why and writes nothing', async () => {
    const project = mkdtempSync(join(tmpdir(), 'gemloop-eval-none-'));
    await mkdir(join(project, 'runs'));
    writeFileSync(join(project, 'runs', 'garbage.jsonl'), '{"type":"run-start","format":1}\n');
    const run = io();
    expect(
      await createEvalCommand(project).run(['from-runs', '--dir', 'runs', '--out', 'x.jsonl'], run),
    ).toBe(1);
    expect(run.err()).toContain(
      'gemloop eval from-runs: no case made from runs, so nothing was written to x.jsonl: every run was skipped',
    );
    expect(existsSync(join(project, 'x.jsonl'))).toBe(false);
  });

  it('fails a suite whose dataset has no case, even under a gate of 0', async () => {
    const project = mkdtempSync(join(tmpdir(), 'gemloop-eval-empty-'));
    writeFileSync(join(project, 'empty.jsonl'), '');
    writeSuite(project, 'empty.mjs', "weatherSuite('empty.jsonl')");
    const run = io();
    expect(await createEvalCommand(project).run(['empty.mjs', '--min-pass', '0'], run)).toBe(1);
    expect(run.err()).toBe(
      'gemloop eval: the suite empty.mjs has no case (its dataset empty.jsonl is empty): a suite of no case passes nothing. Add cases, or make them from recorded runs with gemloop eval from-runs.\n',
    );
  });

  it('replays the dataset offline, passes the gate, writes JSON and JUnit', async () => {
    const run = io();
    const code = await createEvalCommand(dir).run(
      ['same.mjs', '--min-pass', '0.9', '--json', 'a.json', '--junit', 'a.xml'],
      run,
    );
    expect(run.err()).toMatch(/\[1\/1\] PASS/);
    expect(code).toBe(0);
    expect(run.out()).toContain('1/1 passed (100.0%)');
    const result = JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8'));
    expect(result).toMatchObject({
      format: 'gemloop-eval',
      version: 1,
      mode: 'replay',
      summary: { passRate: 1 },
    });
    const junit = readFileSync(join(dir, 'a.xml'), 'utf8');
    expect(junit).toContain('<testsuite name="weather" tests="1" failures="0" errors="0"');
  });

  it('says which steps a shortened recording could not reproduce, and none for a full one', async () => {
    for (const fidelity of ['shortened', 'full'] as const) {
      const project = mkdtempSync(join(tmpdir(), `gemloop-eval-${fidelity}-`));
      await mkdir(join(project, 'runs'));
      const recorded = await recordSignedWeatherRun({ recorder: { fidelity } });
      await copyFile(recorded.file, join(project, 'runs', 'run.jsonl'));
      await recorded.cleanup();
      expect(
        await createEvalCommand(project).run(
          ['from-runs', '--dir', 'runs', '--out', 'cases.jsonl'],
          io(),
        ),
      ).toBe(0);
      writeSuite(project, 'suite.mjs', "weatherSuite('cases.jsonl')");
      const run = io();
      expect(await createEvalCommand(project).run(['suite.mjs', '--json', 'r.json'], run)).toBe(0);
      expect(run.out()).toContain('1/1 passed (100.0%)');
      const attempt = JSON.parse(readFileSync(join(project, 'r.json'), 'utf8')).attempts[0];
      if (fidelity === 'full') {
        expect(run.out()).not.toContain('INEXACT');
        expect(attempt).not.toHaveProperty('unreproduced');
      } else {
        expect(run.out()).toMatch(
          /INEXACT [^:]+: the recording shortened what the model sent \(the top run call 1: candidates\[0\]\.content\.parts\[0\]\.thoughtSignature; the top run call 2: /,
        );
        expect(attempt.unreproduced).toHaveLength(2);
      }
      await rm(project, { recursive: true, force: true });
    }
  });

  it('a changed prompt drifts: the gate fails with exit 1, the JUnit has the failure', async () => {
    const run = io();
    const code = await createEvalCommand(dir).run(
      ['changed.mjs', '--json', 'b.json', '--junit', 'b.xml'],
      run,
    );
    expect(code).toBe(1);
    expect(run.out()).toContain('DRIFT');
    expect(run.out()).toContain('system prompt');
    expect(run.err()).toContain('FAILED: pass rate 0.0% is below the gate 100.0%');
    expect(readFileSync(join(dir, 'b.xml'), 'utf8')).toContain('<failure type="drift"');
    // Under a lower gate the same run passes the command.
    expect(await createEvalCommand(dir).run(['changed.mjs', '--min-pass', '0'], io())).toBe(0);
  });

  it('a per-scorer gate fails the run when that scorer passes too rarely', async () => {
    writeFileSync(
      join(dir, 'gated.mjs'),
      `import { weatherSuite } from '${SUITE}';\nexport default weatherSuite('cases.jsonl', undefined, true);\n`,
    );
    const run = io();
    expect(
      await createEvalCommand(dir).run(['gated.mjs', '--concurrency', '2', '--repeats', '2'], run),
    ).toBe(1);
    expect(run.err()).toContain('FAILED: never passes 0.0%, below its gate 50.0%');
    expect(run.err()).toMatch(/\[2\/2\] FAIL/);
  });

  it('compare shows the regression, and --fail-on-regression exits 1', async () => {
    const run = io();
    expect(await createEvalCommand(dir).run(['compare', 'a.json', 'b.json'], run)).toBe(0);
    expect(run.out()).toMatch(/regression\s+1\.00→0\.00/);
    expect(run.out()).toContain('1 regression(s), 0 improvement(s); pass rate -100.0 points');
    expect(
      await createEvalCommand(dir).run(
        ['compare', 'a.json', 'b.json', '--fail-on-regression'],
        io(),
      ),
    ).toBe(1);
  });

  it('--live needs GEMINI_API_KEY, and runs against the endpoint it is given', async () => {
    const refused = io();
    expect(await createEvalCommand(dir).run(['same.mjs', '--live'], refused)).toBe(2);
    expect(refused.err()).toContain('set GEMINI_API_KEY');
    await using fake = createFakeGemini({
      script: [turn.call('get_weather', { city: 'Paris' }), turn.text('It is 18 °C in Paris.')],
    });
    const run = io({ GEMINI_API_KEY: 'k' }, fake.fetch);
    expect(await createEvalCommand(dir).run(['same.mjs', '--live'], run)).toBe(0);
    expect(run.out()).toContain('weather (live): 1/1 passed');
    expect(fake.modelRequests).toHaveLength(2);
  });

  it('--batch runs the suite as a Batch API job against the endpoint, at the batch price', async () => {
    const refused = io();
    expect(await createEvalCommand(dir).run(['same.mjs', '--batch'], refused)).toBe(2);
    expect(refused.err()).toContain('--batch runs against the model: set GEMINI_API_KEY');
    const both = io({ GEMINI_API_KEY: 'k' });
    expect(await createEvalCommand(dir).run(['same.mjs', '--batch', '--live'], both)).toBe(2);
    await using fake = createFakeGemini({
      script: [turn.call('get_weather', { city: 'Paris' }), turn.text('It is 18 °C in Paris.')],
    });
    const run = io({ GEMINI_API_KEY: 'k' }, fake.fetch);
    expect(
      await createEvalCommand(dir).run(['same.mjs', '--batch', '--json', 'batch.json'], run),
    ).toBe(0);
    expect(run.out()).toContain('weather (batch): 1/1 passed');
    expect(JSON.parse(readFileSync(join(dir, 'batch.json'), 'utf8'))).toMatchObject({
      mode: 'batch',
    });
    const batches = fake.requests.filter((request) =>
      request.url.includes(':batchGenerateContent'),
    );
    expect(batches).toHaveLength(2);
    expect(
      fake.requests.filter((request) => /:(stream)?generateContent/i.test(request.url)),
    ).toEqual([]);
  });

  it("from-runs refuses an empty --dir or --out, and reads GEMLOOP_RUNS_DIR='' as unset", async () => {
    for (const args of [
      ['--dir', '', '--out', 'cases.jsonl'],
      ['--dir', 'runs', '--out', ''],
    ]) {
      const run = io();
      expect(await createEvalCommand(dir).run(['from-runs', ...args], run)).toBe(2);
      expect(run.err()).toMatch(/^gemloop eval from-runs: --(dir|out) is empty: give [^\n]*\n$/);
      expect(run.out()).toBe('');
    }
    // An empty variable is unset: the default folder, not the current one.
    const project = mkdtempSync(join(tmpdir(), 'gemloop-eval-env-'));
    await mkdir(join(project, '.gemloop', 'runs'), { recursive: true });
    await copyFile(join(dir, 'runs', 'run.jsonl'), join(project, '.gemloop', 'runs', 'run.jsonl'));
    const run = io({ GEMLOOP_RUNS_DIR: '' });
    expect(await createEvalCommand(project).run(['from-runs', '--out', 'cases.jsonl'], run)).toBe(
      0,
    );
    expect(run.out()).toContain('1 case(s) written to cases.jsonl');
  });

  it('refuses an empty --json or --junit before running the suite', async () => {
    for (const flag of ['--json', '--junit']) {
      const run = io();
      expect(await createEvalCommand(dir).run(['same.mjs', flag, ''], run)).toBe(2);
      expect(run.err()).toMatch(new RegExp(`^gemloop eval: ${flag} is empty: give [^\\n]*\\n$`));
      expect(run.out()).toBe('');
    }
  });

  it('refuses --base-url without --live or --batch instead of replaying as if it was not given', async () => {
    const run = io();
    expect(
      await createEvalCommand(dir).run(['same.mjs', '--base-url', 'http://127.0.0.1:4320'], run),
    ).toBe(2);
    expect(run.err()).toContain('gemloop eval: --base-url is the API');
    expect(run.err()).toContain('Give --live (or --batch) too');
    expect(run.out()).toBe('');
  });

  it('names a bad flag and a bad file', async () => {
    const flag = io();
    expect(await createEvalCommand(dir).run(['same.mjs', '--min-pass', '90'], flag)).toBe(2);
    expect(flag.err()).toContain('--min-pass 90: give a pass rate from 0 to 1');
    const file = io();
    expect(await createEvalCommand(dir).run(['missing.mjs'], file)).toBe(2);
    expect(file.err()).toContain('no such file');
    writeFileSync(join(dir, 'bad.jsonl'), '{"id":"a","input":"x"}\n{"id":"a","input":"y"}\n');
    writeFileSync(
      join(dir, 'dup.mjs'),
      `import { weatherSuite } from '${SUITE}';\nexport default weatherSuite('bad.jsonl');\n`,
    );
    const dup = io();
    expect(await createEvalCommand(dir).run(['dup.mjs'], dup)).toBe(1);
    expect(dup.err()).toContain("bad.jsonl:2: the id 'a' is used twice");
  });

  it('compare refuses a folder and a FIFO by name instead of a bare EISDIR or a hang', async () => {
    const { execFileSync } = await import('node:child_process');
    const fifo = join(dir, 'pipe.json');
    execFileSync('mkfifo', [fifo]);
    try {
      for (const [file, problem] of [
        ['runs', 'a folder'],
        ['pipe.json', 'not a regular file'],
      ] as const) {
        const run = io();
        expect(await createEvalCommand(dir).run(['compare', file, 'a.json'], run)).toBe(1);
        expect(run.err()).toContain(`${join(dir, file)}: ${problem}`);
      }
    } finally {
      // A reader still blocked on the FIFO (the bug) is released by a writer.
      try {
        openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
      } catch {
        // No reader waiting.
      }
    }
  });

  it('escapes the control characters a result file puts in its error', async () => {
    writeFileSync(
      join(dir, 'hostile.json'),
      JSON.stringify({ format: 'gemloop-eval', version: '\u001b[2J\u001b[31mPASS\u202e' }),
    );
    const run = io();
    expect(await createEvalCommand(dir).run(['compare', 'hostile.json', 'hostile.json'], run)).toBe(
      1,
    );
    expect(run.err()).toContain('eval result version \\u001b[2J\\u001b[31mPASS\\u202e');
    expect(run.err()).not.toContain('\u001b');
    expect(run.err()).not.toContain('\u202e');
  });
});

describe('gemloop eval from-runs --database-url', () => {
  const URL_WITH_SECRET = 'postgres://fleet:s3cret%2Fpw@127.0.0.1:1/runs?sslpassword=k3y';
  /** The weather run (recorded in beforeAll) as a fleet's reader yields it, twice. */
  const reader = (calls: unknown[], fail?: Error) => async () =>
    async function* (query: unknown) {
      calls.push(query);
      if (fail !== undefined) throw fail;
      const lines = readFileSync(join(dir, 'runs', 'run.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown);
      for (const runId of ['run-b', 'run-a']) {
        yield {
          runId,
          lines: lines.map((line) =>
            (line as { type?: string }).type === 'run-start'
              ? { ...(line as object), runId }
              : line,
          ),
        };
      }
    };

  it('writes the fleet runs as cases, passing the runs, age and limit asked for', async () => {
    const calls: unknown[] = [];
    const run = io();
    const code = await createEvalCommand(dir, {
      loadRecordedRuns: reader(calls),
      now: () => Date.parse('2026-11-23T12:00:00Z'),
    }).run(
      [
        'from-runs',
        '--database-url',
        URL_WITH_SECRET,
        '--run',
        'run-a',
        '--run',
        'run-b',
        '--since',
        '2d',
        '--limit',
        '50',
        '--out',
        'fleet.jsonl',
      ],
      run,
    );
    expect(run.err()).toBe('');
    expect(code).toBe(0);
    expect(calls).toEqual([
      {
        databaseUrl: URL_WITH_SECRET,
        runIds: ['run-a', 'run-b'],
        since: new Date('2026-11-21T12:00:00Z'),
        limit: 50,
      },
    ]);
    const cases = readFileSync(join(dir, 'fleet.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(cases.map((item) => [item.id, item.input, item.runFile])).toEqual([
      ['run-b', 'Weather in Paris?', 'postgres:run-b'],
      ['run-a', 'Weather in Paris?', 'postgres:run-a'],
    ]);
    expect(cases[0].fixtures.toolResults).toEqual([
      { name: 'get_weather', args: { city: 'Paris' }, output: { city: 'Paris', temperatureC: 18 } },
    ]);
    expect(run.out()).toContain(
      '2 case(s) written to fleet.jsonl from postgres://fleet:***@127.0.0.1:1/runs;',
    );
    expect(run.out()).not.toMatch(/s3cret|k3y/);
  });

  it('keeps the password and query out of a failure, and says what is missing', async () => {
    const failing = io();
    const code = await createEvalCommand(dir, {
      loadRecordedRuns: reader(
        [],
        new Error(`connect failed for ${URL_WITH_SECRET} (password s3cret/pw)`),
      ),
    }).run(['from-runs', '--database-url', URL_WITH_SECRET, '--out', 'x.jsonl'], failing);
    expect(code).toBe(1);
    expect(failing.err()).toContain('connect failed for postgres://fleet:***@127.0.0.1:1/runs');
    expect(failing.err()).not.toMatch(/s3cret|k3y/);

    const missing = io();
    expect(
      await createEvalCommand(dir, { loadRecordedRuns: async () => undefined }).run(
        ['from-runs', '--database-url', URL_WITH_SECRET, '--out', 'x.jsonl'],
        missing,
      ),
    ).toBe(1);
    expect(missing.err()).toContain('npm install @gemloop/dbos');

    const orphan = io();
    expect(
      await createEvalCommand(dir).run(['from-runs', '--run', 'a', '--out', 'x.jsonl'], orphan),
    ).toBe(2);
    expect(orphan.err()).toContain('--run reads a fleet');
    const badSince = io();
    expect(
      await createEvalCommand(dir, { loadRecordedRuns: reader([]) }).run(
        [
          'from-runs',
          '--database-url',
          URL_WITH_SECRET,
          '--since',
          'last week',
          '--out',
          'x.jsonl',
        ],
        badSince,
      ),
    ).toBe(2);
    expect(badSince.err()).toContain('--since last week: give an ISO date');
  });

  it('loads @gemloop/dbos from the project it runs in: an unreachable fleet fails without the password', async () => {
    // examples/ depends on @gemloop/dbos (its built dist); the cli does not.
    const examples = join(import.meta.dirname, '../../../../examples');
    const run = io();
    const code = await createEvalCommand(examples).run(
      ['from-runs', '--database-url', URL_WITH_SECRET, '--out', join(dir, 'none.jsonl')],
      run,
    );
    expect(code).toBe(1);
    expect(run.err()).toContain('Could not connect to Postgres');
    expect(run.err()).not.toMatch(/s3cret|k3y/);
  });
});
