import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { createRunRecorder } from './create-run-recorder.ts';
import { MAX_RECORDED_PLUGIN_DATA_CHARS, type RecordedRunLine } from './recorded-run.ts';
import { RUN_FILE_NAME } from './run-file.ts';

// What a plugin reports (`run.emit`) as a recording holds it: one `plugin` line per report, its
// data as JSON cut to a bound at a whole character, and a report that is not JSON recorded as such
// instead of failing the run or the recording.

const fakes: FakeGemini[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Runs an agent whose plugin emits `reports` before its model call, and returns the recording. */
async function recordRun(
  reports: [string, unknown][],
  streaming = false,
): Promise<RecordedRunLine[]> {
  const fake = createFakeGemini({ script: [turn.text('Done.')] });
  fakes.push(fake);
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-plugin-runs-'));
  dirs.push(dir);
  const gemini = createGemini({ fetch: fake.fetch, apiKey: 'secret-key', retry: false });
  const reporter = definePlugin({
    name: 'reporter',
    beforeModelCall: (_call, run) => {
      for (const [kind, data] of reports) run.emit(kind, data);
    },
  });
  const recorder = createRunRecorder({ dir });
  const agent = createAgent({
    gemini,
    model: 'gemini-2.5-flash',
    plugins: [reporter],
    recorder,
    telemetry: false,
  });
  if (streaming) {
    for await (const _event of agent.stream('Hi')) {
      // Drained.
    }
  } else {
    await agent.run('Hi');
  }
  await recorder.flush();
  const [name] = (await readdir(dir)).filter((file) => RUN_FILE_NAME.test(file));
  if (name === undefined) throw new Error('no run recorded');
  return (await readFile(join(dir, name), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as RecordedRunLine);
}

const pluginLines = (run: RecordedRunLine[]) =>
  run.filter(
    (line): line is Extract<RecordedRunLine, { type: 'plugin' }> => line.type === 'plugin',
  );

describe('a plugin report in a recording', () => {
  it('is a plugin line with the plugin, kind, step and data as JSON, before the model call it preceded', async () => {
    for (const streaming of [false, true]) {
      const run = await recordRun(
        [
          ['checked', { ok: true, items: [1, 2] }],
          ['bare', undefined],
        ],
        streaming,
      );
      const lines = pluginLines(run);
      expect(lines).toEqual([
        {
          type: 'plugin',
          plugin: 'reporter',
          kind: 'checked',
          stepNumber: 1,
          data: '{"ok":true,"items":[1,2]}',
          at: expect.any(Number),
        },
        { type: 'plugin', plugin: 'reporter', kind: 'bare', stepNumber: 1, at: expect.any(Number) },
      ]);
      const types = run.map((line) => line.type);
      expect(types.indexOf('plugin')).toBeLessThan(types.indexOf('model-call-start'));
      expect(types.at(-1)).toBe('run-end');
    }
  });

  it('cuts data past the bound, and never inside an emoji', async () => {
    const run = await recordRun([
      ['huge', { blob: 'x'.repeat(100_000) }],
      // `{"e":"` is 6 characters: the emoji start at 6 + 3,993 = 3,999, so a cut at 4,000 falls inside one.
      ['emoji', { e: `${'x'.repeat(3_993)}${'😀'.repeat(20)}` }],
    ]);
    const [huge, emoji] = pluginLines(run);
    expect(huge?.data?.length).toBe(MAX_RECORDED_PLUGIN_DATA_CHARS + 1);
    expect(huge?.data?.endsWith('…')).toBe(true);
    const data = emoji?.data ?? '';
    expect(data.endsWith('…')).toBe(true);
    expect(/[\ud800-\udbff](?![\udc00-\udfff])/.test(data)).toBe(false);
  });

  it('records data that is not JSON as unserialisable, and the run still ends well', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    const run = await recordRun([
      ['cyclic', cyclic],
      ['bigint', { amount: 10n }],
    ]);
    expect(pluginLines(run).map((line) => line.data)).toEqual([
      '"[unserialisable]"',
      '"[unserialisable]"',
    ]);
    expect(run.at(-1)).toMatchObject({ type: 'run-end', outcome: 'success', text: 'Done.' });
  });

  it('keeps a report of many kinds in the order they were emitted', async () => {
    const kinds = Array.from({ length: 25 }, (_, index) => `kind-${index}`);
    const run = await recordRun(kinds.map((kind) => [kind, { kind }]));
    expect(pluginLines(run).map((line) => line.kind)).toEqual(kinds);
  });
});

describe('opaque values in a recording', () => {
  it("shortens media bytes but keeps a tool's own text field named data", async () => {
    const fake = createFakeGemini({ script: [turn.call('lookup', {}), turn.text('Done.')] });
    fakes.push(fake);
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-opaque-runs-'));
    dirs.push(dir);
    const gemini = createGemini({ fetch: fake.fetch, apiKey: 'secret-key', retry: false });
    const report = `${'line of a report. '.repeat(200)}end`;
    const lookup = defineTool({
      name: 'lookup',
      parameters: z.object({}),
      execute: () => ({ data: report }),
    });
    const recorder = createRunRecorder({ dir });
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [lookup],
      recorder,
      telemetry: false,
    });
    const image = { inlineData: { mimeType: 'image/png', data: 'A'.repeat(5_000) } };
    await agent.run([{ role: 'user', parts: [{ text: 'Look.' }, image] }]);
    await recorder.flush();
    const [name] = (await readdir(dir)).filter((file) => RUN_FILE_NAME.test(file));
    const text = await readFile(join(dir, name ?? ''), 'utf8');
    expect(text).toContain('"data":"[5000 characters omitted]"');
    expect(text).not.toContain('A'.repeat(5_000));
    const end = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as RecordedRunLine)
      .find((line) => line.type === 'tool-call-end');
    expect(end).toMatchObject({ type: 'tool-call-end', output: { data: report } });
  });
});
