import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createFakeGemini } from '@gemloop/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { describeRun, offlineEnv, runExample, startExample } from '../test/run-example-process.ts';

// The demo is the first thing a user runs: these run it offline, as `npm run demo` does, and
// check the whole trace and the answer.

/**
 * The demo run the README's way, `node scripts/run-example.mjs demo --no-search <question>`, from
 * a folder of the user's (no npm, so no INIT_CWD): made once, read by the two tests whose claims
 * it proves (the question taken as words after the flags; the runs recorded in that folder),
 * instead of a second demo process with the same flags.
 */
let readmeWay: Promise<{ stdout: string; folder: string }> | undefined;
const README_QUESTION = 'Convert 10 km to mi';

function runTheReadmeWay(): Promise<{ stdout: string; folder: string }> {
  readmeWay ??= (async () => {
    const folder = await mkdtemp(join(tmpdir(), 'gemloop-demo-cwd-'));
    const { INIT_CWD: _, ...env } = offlineEnv();
    const script = fileURLToPath(new URL('../../scripts/run-example.mjs', import.meta.url));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [script, 'demo', '--no-search', README_QUESTION],
      { cwd: folder, env },
    );
    return { stdout, folder };
  })();
  return readmeWay;
}

afterAll(async () => {
  const made = await readmeWay?.catch(() => undefined);
  if (made !== undefined) await rm(made.folder, { recursive: true, force: true });
});

describe.concurrent('npm run demo (offline)', () => {
  it('says it is offline first, traces the parallel calls live and answers with every result', async () => {
    const run = await runExample('demo/demo.ts');
    const { stdout } = run;
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stderr).toBe('');
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(
      /^Offline: no GEMINI_API_KEY set, using gemloop's built-in fake Gemini \(a deterministic simulator, not a real model\) on http:\/\/127\.0\.0\.1:\d+$/,
    );
    expect(lines[1]).toBe('Model    gemini-3-flash-preview');
    expect(lines[2]).toContain('Google Search (built-in, sent beside the functions)');
    expect(stdout).toContain(
      "Question What's the weather right now in Paris and Tokyo, what is 18 °C in Fahrenheit, and what is 23 * 19?",
    );
    // All four calls of the first turn are announced before any result: they run together.
    const calls = [
      '→ get_weather(city: "Paris")',
      '→ get_weather(city: "Tokyo")',
      '→ convert_units(value: 18, from: "C", to: "F")',
      '→ calculator(expression: "23 * 19")',
    ];
    for (const call of calls) expect(stdout).toContain(call);
    const firstResult = stdout.indexOf('✓ ');
    for (const call of calls) expect(stdout.indexOf(call)).toBeLessThan(firstResult);
    expect(stdout).toMatch(
      /✓ convert_units \d+ ms \{"result":64\.4,"unit":"F","text":"18 °C = 64\.4 °F"\}/,
    );
    expect(stdout).toMatch(/✓ calculator \d+ ms \{"expression":"23 \* 19","result":437\}/);
    expect(stdout).toMatch(/step 1: model \d+ ms, tools \d+ ms · \d+ tokens \(\d+ in, \d+ out/);
    // The answer, streamed in step 2.
    const answer = stdout.slice(stdout.indexOf('Step 2'), stdout.indexOf('step 2:'));
    expect(answer).toContain('Paris, France: 18 °C, partly cloudy (simulated).');
    expect(answer).toContain('Tokyo, Japan: 24 °C, clear sky (simulated).');
    expect(answer).toContain('18 °C = 64.4 °F');
    expect(answer).toContain('23 × 19 = 437.');
    expect(stdout).toMatch(
      /Done \(stop\) after 2 step\(s\) in \d+\.\d\d s · [\d,]+ tokens \([\d,]+ in, [\d,]+ out/,
    );
    expect(stdout).toContain('Answered by gemloop-demo-simulator.');
    // Plain output when piped: no escape codes.
    expect(stdout).not.toContain('\u001b[');
  });

  it('prints the same answer from agent.run() with --no-stream, and uses the search fallback on Gemini 2.5', async () => {
    const run = await runExample('demo/demo.ts', {
      args: ['--no-stream', '--model', 'gemini-2.5-flash'],
    });
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stdout).toContain('Model    gemini-2.5-flash');
    expect(run.stdout).toContain(
      'Google Search (as a google_search function: this model cannot mix built-ins with functions)',
    );
    expect(run.stdout).toContain('18 °C = 64.4 °F');
    expect(run.stdout).toContain('23 × 19 = 437.');
    expect(run.stdout).toContain('Done (stop) after 2 step(s)');
  });

  it('takes the question as words after the flags', async () => {
    // Exit 0: execFile rejects on any other.
    const { stdout } = await runTheReadmeWay();
    expect(stdout).toContain(`Question ${README_QUESTION}`);
    expect(stdout).toContain('Google Search off (--no-search)');
    expect(stdout).toContain('→ convert_units(value: 10, from: "km", to: "mi")');
    expect(stdout).toContain('10 km = 6.21371192237 mi');
  });

  it('prints an API error as its guidance, without a stack, and exits with 1', async () => {
    // A local fake that knows one key: the demo, given another, goes "online" to it and is refused.
    const fake = createFakeGemini({ apiKeys: ['the-right-key'] });
    const { url } = await fake.listen();
    try {
      const run = await runExample('demo/demo.ts', {
        env: { GEMINI_API_KEY: 'a-wrong-key-123', GEMINI_BASE_URL: url },
      });
      expect(run.code, describeRun(run)).toBe(1);
      expect(run.stdout.split('\n')[0]).toBe(
        `Online: gemini-3-flash-preview on ${url}, key from GEMINI_API_KEY`,
      );
      expect(run.stderr).toContain('The model call of step 1 failed.');
      expect(run.stderr).toMatch(
        /Gemini API error: streamGenerateContent failed with HTTP 400 INVALID_ARGUMENT/,
      );
      expect(run.stderr).toContain('The API key sent in the x-goog-api-key header was rejected.');
      expect(run.stderr).toContain('reason API_KEY_INVALID');
      expect(run.stderr).not.toMatch(/^\s+at /m);
      expect(run.stdout + run.stderr).not.toContain('a-wrong-key-123');
    } finally {
      await fake.close();
    }
  });

  it('stops cleanly on Ctrl-C while the answer streams, and exits with 130', async () => {
    const demo = startExample('demo/demo.ts', { env: { GEMLOOP_FAKE_CHUNK_DELAY_MS: '150' } });
    await demo.waitFor('Here is what I found');
    demo.child.kill('SIGINT');
    const run = await demo.done;
    expect(run.code, describeRun(run)).toBe(130);
    expect(run.stdout).toContain('Cancelled after 1 step(s).');
    expect(run.stdout).not.toContain('Done (');
    expect(run.stdout).not.toContain('Let me know if you need anything else.');
  });

  it('run with node scripts/run-example.mjs, records in the folder it was started from', async () => {
    // The README's way to run an example, from a folder of the user's: no npm, so no INIT_CWD.
    const { stdout, folder } = await runTheReadmeWay();
    // Started elsewhere, `npm run view` there has no such script: the command runs the
    // repository's, on this folder's runs.
    const runs = join(folder, '.gemloop', 'runs');
    const repository = fileURLToPath(new URL('../..', import.meta.url)).replace(/[\\/]$/, '');
    expect(stdout).toContain(
      `Recorded in ${runs}. See it: npm --prefix ${repository} run view -- --dir ${runs}`,
    );
    expect(await readdir(runs)).toHaveLength(1);
  });

  it('rejects an unknown flag with the usage and exit code 2', async () => {
    const run = await runExample('demo/demo.ts', { args: ['--colour'] });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Unknown option '--colour'");
    expect(run.stderr).toContain('--no-stream');
    expect(run.stdout).toBe('');
  });
});
