// `gemloop replay` and `gemloop diff` in-process: a recorded run forked from its file alone,
// offline, with what changed, its diff, the result file, and the run file never written.

import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  recordSignedWeatherRun,
  recordWeatherTeamRun,
} from '../../../evals/src/__fixtures__/weather-agent.ts';
import { captureIo } from '../__fixtures__/capture-io.ts';
import { createDiffCommand } from './diff.ts';
import { createReplayCommand } from './replay.ts';

const io = captureIo;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gemloop-replay-cli-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function signedRun(): Promise<{ dir: string; file: string; text: string }> {
  const recorded = await recordSignedWeatherRun({ recorder: { fidelity: 'full' } });
  cleanups.push(recorded.cleanup);
  const dir = folder();
  const file = join(dir, 'run.jsonl');
  writeFileSync(file, recorded.text);
  return { dir, file, text: recorded.text };
}

describe('gemloop replay', () => {
  it('replays a whole run with no model call and no change: the diff says SAME', async () => {
    const { dir, text } = await signedRun();
    const out = io();
    expect(await createReplayCommand(dir).run(['run.jsonl', '--until', '2', '--diff'], out)).toBe(
      0,
    );
    expect(out.err()).toBe('');
    expect(out.out()).toContain(
      'gemloop replay: 2 model call(s) served from the recording (no model call), 0 on the fake (demo).',
    );
    expect(out.out()).toContain('fork answer: "It is 18 °C in Paris."');
    expect(out.out()).toContain('SAME: the fork made the same tool calls');
    expect(readFileSync(join(dir, 'run.jsonl'), 'utf8')).toBe(text);
  });

  it('reads an instructions file an editor saved with a byte-order mark without sending the mark', async () => {
    // attack56b: Notepad and PowerShell 5 save "UTF-8 with BOM"; the mark reached the model as the
    // instructions' first character.
    const { dir } = await signedRun();
    writeFileSync(join(dir, 'terse.txt'), '\uFEFFYou answer tersely.');
    writeFileSync(
      join(dir, 'script.mjs'),
      `export default [
        (request) => ({ raw: { candidates: [{ content: { role: 'model', parts: [{ text: JSON.stringify(request.body.systemInstruction) }] }, finishReason: 'STOP' }] } }),
      ];\n`,
    );
    const out = io();
    const code = await createReplayCommand(dir).run(
      ['run.jsonl', '--until=1', '--instructions-file', 'terse.txt', '--script', './script.mjs'],
      out,
    );
    expect(out.err()).toBe('');
    expect(code).toBe(0);
    expect(out.out()).toContain('You answer tersely.');
    expect(out.out()).not.toContain('\uFEFF');
  });

  it('forks at a step with another instruction file, tool description and tool result, on a scripted fake; writes the result gemloop diff reads', async () => {
    const { dir, text } = await signedRun();
    writeFileSync(join(dir, 'terse.txt'), 'You answer tersely.');
    writeFileSync(
      join(dir, 'script.mjs'),
      `export default [
        (request) => ({ raw: { candidates: [{ content: { role: 'model', parts: [{ text: JSON.stringify(request.body.systemInstruction) + JSON.stringify(request.body.tools) + JSON.stringify(request.body.contents.at(-1)) }] }, finishReason: 'STOP' }] } }),
      ];\n`,
    );
    const out = io();
    const code = await createReplayCommand(dir).run(
      [
        'run.jsonl',
        '--until=1',
        '--instructions-file',
        'terse.txt',
        '--tool-description',
        'get_weather=Weather, in Kelvin.',
        '--tool-result',
        '1:0={"city":"Paris","temperatureC":-40}',
        '--script',
        './script.mjs',
        '--diff',
        '--json',
        '.gemloop/forks/fork.json',
      ],
      out,
    );
    expect(out.err()).toBe('');
    expect(code).toBe(0);
    expect(out.out()).toContain(
      '1 model call(s) served from the recording (no model call), 1 on the fake (your script).',
    );
    // What the fork sent the fake, as it answered it back.
    expect(out.out()).toContain('You answer tersely.');
    expect(out.out()).toContain('Weather, in Kelvin.');
    expect(out.out()).toContain('\\"temperatureC\\":-40');
    expect(out.out()).toMatch(
      /DIFFERENT: 0 call\(s\) added, 0 dropped, 0 moved, 0 with drifted arguments; 1 unchanged; answer changed\./,
    );
    // The forks folder is made when it is not there yet.
    const result = JSON.parse(readFileSync(join(dir, '.gemloop/forks/fork.json'), 'utf8'));
    expect(result).toMatchObject({ format: 1, until: 1, recordedCalls: 1, continuedCalls: 1 });
    expect(result.diff.answer.original).toBe('It is 18 °C in Paris.');
    expect(readFileSync(join(dir, 'run.jsonl'), 'utf8')).toBe(text);

    const diffed = io();
    expect(
      await createDiffCommand(dir).run(
        ['run.jsonl', '.gemloop/forks/fork.json', '--fail-on-change', '--json', 'diffs/d.json'],
        diffed,
      ),
    ).toBe(1);
    expect(diffed.out()).toMatch(/^DIFFERENT: .*answer changed\./);
    expect(JSON.parse(readFileSync(join(dir, 'diffs/d.json'), 'utf8'))).toEqual(result.diff);
    const same = io();
    expect(
      await createDiffCommand(dir).run(['run.jsonl', 'run.jsonl', '--fail-on-change'], same),
    ).toBe(0);
    expect(same.out()).toMatch(/^SAME/);
  });

  it('continues live on another model with the key from the environment, which reaches no output', async () => {
    const { dir } = await signedRun();
    const key = 'AIzaLiveKey-QWxhZGRpbjpvcGVu';
    const fake = createFakeGemini({ script: [turn.text('From the other model.')] });
    cleanups.push(() => fake.close());
    const out = io({ GEMINI_API_KEY: key }, fake.fetch);
    const code = await createReplayCommand(dir).run(
      [
        'run.jsonl',
        '--until',
        '1',
        '--model',
        'gemini-3.1-pro-preview',
        '--live',
        '--diff',
        '--json',
        'f.json',
      ],
      out,
    );
    expect(out.err()).toBe('');
    expect(code).toBe(0);
    expect(fake.modelRequests.map((request) => request.model)).toEqual(['gemini-3.1-pro-preview']);
    expect(JSON.stringify(fake.modelRequests[0]?.body)).toContain(
      'skip_thought_signature_validator',
    );
    expect(out.out()).toContain('1 on the model (live)');
    expect(out.out()).toContain('fork answer: "From the other model."');
    expect(out.out() + readFileSync(join(dir, 'f.json'), 'utf8')).not.toContain(key);
  });

  it('re-executes the tools of --tools on both sides of the fork, the others replaying', async () => {
    const { dir } = await signedRun();
    // A tool as defineTool makes one, written without imports (the test folder has no packages).
    writeFileSync(
      join(dir, 'tools.mjs'),
      `import { appendFileSync } from 'node:fs';
export default [{
  kind: 'function',
  name: 'get_weather',
  description: 'The weather in a city.',
  declaration: { name: 'get_weather', description: 'The weather in a city.' },
  parseArgs: (args) => ({ success: true, value: args }),
  execute: ({ city }) => {
    appendFileSync(${JSON.stringify(join(dir, 'ran.txt'))}, city + '\\n');
    return { city, temperatureC: -3 };
  },
}];\n`,
    );
    writeFileSync(
      join(dir, 'script.mjs'),
      `export default [
        { raw: { candidates: [{ content: { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Oslo' } } }] }, finishReason: 'STOP' }] } },
        { raw: { candidates: [{ content: { role: 'model', parts: [{ text: 'Oslo: -3.' }] }, finishReason: 'STOP' }] } },
      ];\n`,
    );
    const out = io();
    const code = await createReplayCommand(dir).run(
      [
        'run.jsonl',
        '--until',
        '1',
        '--tools',
        'tools.mjs',
        '--script',
        './script.mjs',
        '--json',
        'f.json',
      ],
      out,
    );
    expect(out.err()).toBe('');
    expect(code).toBe(0);
    // Step 1's call (Paris) ran live in the replay, the fork's (Oslo) too.
    expect(readFileSync(join(dir, 'ran.txt'), 'utf8')).toBe('Paris\nOslo\n');
    expect(out.out()).toContain('fork answer: "Oslo: -3."');
    const bad = io();
    writeFileSync(join(dir, 'none.mjs'), 'export default 7;\n');
    expect(
      await createReplayCommand(dir).run(['run.jsonl', '--until', '1', '--tools', 'none.mjs'], bad),
    ).toBe(2);
    expect(bad.err()).toContain('--tools none.mjs: it exports no array of function tools');
  });

  it('forks the top run of a run with subagents, their recorded answers replayed', async () => {
    const team = await recordWeatherTeamRun();
    cleanups.push(team.cleanup);
    const top = team.files[0];
    if (top === undefined) throw new Error('no run');
    const out = io();
    const code = await createReplayCommand(team.dir).run(
      [top.name, '--until', '1', '--script', 'echo'],
      out,
    );
    expect(out.err()).toBe('');
    expect(code).toBe(0);
    expect(out.out()).toContain(
      '1 model call(s) served from the recording (no model call), 1 on the fake (echo).',
    );
  });

  it('refuses bad flags and hostile files, naming the fix, and never writes over the run file', async () => {
    const { dir, text } = await signedRun();
    const run = async (args: string[]) => {
      const out = io();
      const code = await createReplayCommand(dir).run(args, out);
      return { code, err: out.err() };
    };
    expect(await run([])).toMatchObject({
      code: 2,
      err: expect.stringContaining('give one run file'),
    });
    expect(await run(['run.jsonl', '--until', 'x'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--until x'),
    });
    expect(await run(['run.jsonl', '--until', '9'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('until must be a whole number from 0 to 2'),
    });
    expect(await run(['run.jsonl', '--tool-result', '1:0=nope'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('the output is not JSON'),
    });
    expect(await run(['run.jsonl', '--until', '2', '--tool-result', '1:0={}'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('step must be until (2)'),
    });
    expect(await run(['run.jsonl', '--live'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('GEMINI_API_KEY'),
    });
    expect(await run(['run.jsonl', '--base-url', 'http://x'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--live'),
    });
    expect(await run(['run.jsonl', '--json', 'run.jsonl'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('never writes over the recording'),
    });
    symlinkSync(join(dir, 'run.jsonl'), join(dir, 'alias.jsonl'));
    expect(await run(['run.jsonl', '--json', 'alias.jsonl'])).toMatchObject({ code: 2 });
    const outside = folder();
    writeFileSync(join(outside, 'secret.jsonl'), text);
    symlinkSync(join(outside, 'secret.jsonl'), join(dir, 'link.jsonl'));
    expect(await run(['link.jsonl'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('a symlink to a file outside the runs folder'),
    });
    expect(await run(['missing.jsonl'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('no such file'),
    });
    writeFileSync(join(dir, 'weird\u001b[2J.jsonl'), 'not a run');
    const weird = await run(['weird\u001b[2J.jsonl']);
    expect(weird.code).toBe(1);
    expect(weird.err).not.toContain('\u001b');
    expect(readFileSync(join(dir, 'run.jsonl'), 'utf8')).toBe(text);
  });
});
