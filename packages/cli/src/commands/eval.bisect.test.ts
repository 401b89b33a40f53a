// `gemloop eval bisect` in-process over a scripted git history of 64 commits: offline where the
// agent sends the recorded requests, live (the fake as the endpoint) only where it does not.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BisectResult } from '@gemloop/evals';
import { caseFromRunFile } from '@gemloop/evals';
import { createFakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordWeatherRun } from '../../../evals/src/__fixtures__/weather-agent.ts';
import { captureIo } from '../__fixtures__/capture-io.ts';
import { createEvalCommand } from './eval.ts';

const SUITE = pathToFileURL(
  join(import.meta.dirname, '../eval/__fixtures__/weather-bisect-suite.ts'),
).href;
/** What the recording was made with (the weather agent's defaults). */
const GOOD = {
  instructions: 'You answer weather questions.',
  toolDescription: 'The weather in a city.',
};
/** Commit 36 rewords the tool's description: the request changes, the trajectory does not. */
const REWORDED = 36;
/** Commit 45 tells the model to answer from memory: it stops calling the tool. */
const CULPRIT = 45;
let repo: string;
const shas: string[] = [];

const io = captureIo;

const git = (...args: string[]) =>
  execFileSync(
    'git',
    ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args],
    {
      cwd: repo,
      encoding: 'utf8',
    },
  ).trim();

beforeAll(async () => {
  repo = mkdtempSync(join(tmpdir(), 'gemloop-bisect-'));
  git('init', '-q', '-b', 'main');
  const recorded = await recordWeatherRun();
  const made = caseFromRunFile(recorded.text, recorded.file);
  await recorded.cleanup();
  writeFileSync(join(repo, 'cases.jsonl'), `${JSON.stringify(made)}\n`);
  writeFileSync(
    join(repo, 'suite.mjs'),
    `import config from './agent-config.mjs';\nimport { weatherSuiteOf } from '${SUITE}';\nexport default weatherSuiteOf(config);\n`,
  );
  // The 64 commits in one `git fast-import` (three git processes in all, not 193: add, commit and
  // rev-parse for each were most of this file's set-up), then the work tree checked out at the last.
  const config = { ...GOOD };
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const file = (path: string, text: string) => `M 100644 inline ${path}\n${data(text)}`;
  let stream = '';
  for (let index = 0; index < 64; index++) {
    if (index === REWORDED) config.toolDescription = 'The current weather in a city.';
    if (index === CULPRIT) config.instructions = 'You answer weather questions from memory.';
    stream += `commit refs/heads/main\ncommitter t <t@example.com> ${1_700_000_000 + index} +0000\n`;
    stream += data(`change ${index}`);
    if (index === 0) {
      for (const name of ['cases.jsonl', 'suite.mjs']) {
        stream += file(name, readFileSync(join(repo, name), 'utf8'));
      }
    }
    stream += file('agent-config.mjs', `export default ${JSON.stringify(config)};\n`);
    stream += file('notes.md', `Note ${index}.\n`);
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: repo, input: stream });
  git('reset', '-q', '--hard', 'main');
  shas.push(...git('rev-list', '--reverse', 'main').split('\n'));
  if (shas.length !== 64) throw new Error(`fast-import made ${shas.length} commits, not 64`);
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

/** The model: it answers from memory when told to, else looks the weather up. */
function liveModel() {
  return createFakeGemini({
    script: (request, context) => {
      if (JSON.stringify(request.body.systemInstruction ?? '').includes('from memory'))
        return turn.text('About 18 °C, I believe.');
      return context.functionResponses.length > 0
        ? turn.text('It is 18 °C in Paris.')
        : turn.call('get_weather', { city: 'Paris' });
    },
  });
}

describe('gemloop eval bisect', () => {
  it('finds the commit that changed the trajectory among 64 with at most 7 live evaluations', async () => {
    await using live = liveModel();
    const run = io({ GEMINI_API_KEY: 'secret-key-2' }, live.fetch);
    const code = await createEvalCommand(repo).run(
      ['bisect', shas[0] as string, 'main', '--suite', 'suite.mjs', '--json', 'bisect.json'],
      run,
    );
    expect(run.err()).not.toContain('gemloop eval:');
    expect(code).toBe(0);
    const result = JSON.parse(readFileSync(join(repo, 'bisect.json'), 'utf8')) as BisectResult & {
      format: string;
    };
    expect(result.culprit).toBe(shas[CULPRIT]);
    expect(result.lastGood).toBe(shas[CULPRIT - 1]);
    expect(result.liveEvaluations).toBeLessThanOrEqual(7);
    // The commits before the reworded description replay the recording: no model call.
    expect(result.offlineEvaluations).toBeGreaterThanOrEqual(2);
    for (const step of result.steps) expect(step.live).toBe(shas.indexOf(step.commit) >= REWORDED);
    expect(result.changes).toEqual([
      {
        caseId: expect.any(String),
        difference: expect.objectContaining({ dropped: ['get_weather'] }),
      },
    ]);
    expect(run.out()).toContain(`first changed commit: ${shas[CULPRIT]} change ${CULPRIT}`);
    expect(run.out()).toMatch(/: \d live, \d offline \(replayed from the recording\)/);
    // Every live evaluation went live from its first request: no model call for an offline one.
    expect(live.modelRequests.length).toBeGreaterThan(0);
    expect(
      `${run.out()}${run.err()}${readFileSync(join(repo, 'bisect.json'), 'utf8')}`,
    ).not.toContain('secret-key-2');
    // The checked-out trees are gone, the work tree untouched.
    expect(existsSync(join(repo, '.gemloop', 'bisect'))).toBe(false);
    expect(git('status', '--porcelain')).toBe('?? bisect.json');
    rmSync(join(repo, 'bisect.json'));
  }, 240_000);

  it('needs a live model only where a request changed, and says so without one', async () => {
    const offline = io({});
    // Up to commit 20 every request is the recorded one: no key needed, and nothing changed.
    expect(
      await createEvalCommand(repo).run(
        ['bisect', shas[0] as string, shas[20] as string, '--suite', 'suite.mjs'],
        offline,
      ),
    ).toBe(1);
    expect(offline.out()).toContain("no case's trajectory differs");
    expect(offline.out()).toContain('0 live, 2 offline');
    const keyless = io({});
    expect(
      await createEvalCommand(repo).run(
        ['bisect', shas[0] as string, 'main', '--suite', 'suite.mjs'],
        keyless,
      ),
    ).toBe(1);
    expect(keyless.err()).toContain(
      'changed), so the recording cannot answer it: give a live model (options.live; GEMINI_API_KEY for gemloop eval bisect)',
    );
  }, 120_000);

  it('refuses bad refs, a ref order backwards, a missing suite or case', async () => {
    const refused: [string[], number, string][] = [
      [['bisect', 'nope', 'main', '--suite', 'suite.mjs'], 2, 'nope is not a commit'],
      [['bisect', 'main', shas[0] as string, '--suite', 'suite.mjs'], 2, 'is not an ancestor'],
      [['bisect', shas[0] as string, 'main'], 2, 'give --suite FILE'],
      [
        ['bisect', shas[0] as string, 'main', '--suite', 'suite.mjs', '--case', 'nope'],
        2,
        '--case nope: the suite has no such case',
      ],
      [['bisect', '--suite', 'suite.mjs'], 2, 'give the good ref, then the bad ref'],
    ];
    for (const [args, code, message] of refused) {
      const run = io({});
      expect(await createEvalCommand(repo).run(args, run)).toBe(code);
      expect(run.err()).toContain(message);
    }
  }, 60_000);
});
