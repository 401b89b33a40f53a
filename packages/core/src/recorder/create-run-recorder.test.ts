import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createFakeGemini, type FakeGemini, turn } from '../testing/index.ts';
import { defineTool } from '../tools/define-tool.ts';
import { createRunRecorder } from './create-run-recorder.ts';
import type { RecordedRunLine } from './recorded-run.ts';

const fakes: FakeGemini[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function setup(fakeOptions: Parameters<typeof createFakeGemini>[0], retry = false) {
  const fake = createFakeGemini(fakeOptions);
  fakes.push(fake);
  const { url } = await fake.listen();
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-runs-'));
  dirs.push(dir);
  const gemini = createGemini({
    baseUrl: url,
    apiKey: 'secret-recorder-key',
    retry: retry ? { initialDelayMs: 1, jitter: false } : false,
  });
  return { gemini, dir };
}

async function readRuns(dir: string): Promise<RecordedRunLine[][]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.jsonl')).sort();
  return Promise.all(
    names.map(async (name) =>
      (await readFile(join(dir, name), 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as RecordedRunLine),
    ),
  );
}

const weather = defineTool({
  name: 'get_weather',
  description: 'Current weather for a city.',
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => {
    if (city === 'Atlantis') throw new Error('no such city');
    return { city, forecast: 'sunny' };
  },
});

describe('createRunRecorder', () => {
  it('writes a run as JSON lines: model calls, retries, tool calls with results and errors, steps, usage, thoughts, grounding', async () => {
    const { gemini, dir } = await setup(
      {
        script: [
          turn.calls([
            { name: 'get_weather', args: { city: 'Paris' } },
            { name: 'get_weather', args: { city: 'Atlantis' } },
          ]),
          turn.grounded(
            'Paris is sunny.',
            { sources: [{ uri: 'https://example.com/paris', title: 'Paris weather' }] },
            { thoughts: 'Atlantis failed.' },
          ),
        ],
        faults: [{ fault: { type: 'overloaded' }, on: 0 }],
      },
      true,
    );
    const recorder = createRunRecorder({ dir });
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      name: 'weather',
      tools: [weather],
      thinking: { includeThoughts: true },
      recorder,
      telemetry: false,
    });
    await agent.run('Weather in Paris and Atlantis?');
    await recorder.flush();
    const [run = []] = await readRuns(dir);
    const types = run.map((line) => line.type);
    expect(types).toEqual([
      'run-start',
      'model-call-start',
      'retry',
      'model-call-end',
      // Synchronous tools: each ends before the next starts.
      'tool-call-start',
      'tool-call-end',
      'tool-call-start',
      'tool-call-end',
      'step-end',
      'model-call-start',
      'model-call-end',
      'step-end',
      'run-end',
    ]);
    const start = run[0] as Extract<RecordedRunLine, { type: 'run-start' }>;
    expect(start).toMatchObject({
      agentName: 'weather',
      model: 'gemini-2.5-flash',
      streaming: false,
    });
    const request = (run[1] as Extract<RecordedRunLine, { type: 'model-call-start' }>).request;
    expect(request).toMatchObject({ model: 'gemini-2.5-flash' });
    const retry = run[2] as Extract<RecordedRunLine, { type: 'retry' }>;
    expect(retry).toMatchObject({ attempt: 1, error: { status: 503 } });
    const toolEnds = run.filter((line) => line.type === 'tool-call-end') ?? [];
    expect(toolEnds).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          outcome: 'success',
          output: { city: 'Paris', forecast: 'sunny' },
        }),
        expect.objectContaining({
          outcome: 'execution-error',
          error: expect.stringContaining('no such city'),
        }),
      ]),
    );
    const lastStep = run[11] as Extract<RecordedRunLine, { type: 'step-end' }>;
    expect(lastStep.thoughts).toBe('Atlantis failed.');
    expect(JSON.stringify(lastStep.grounding)).toContain('https://example.com/paris');
    expect(run[12]).toMatchObject({ type: 'run-end', outcome: 'success', finishReason: 'stop' });
    const text = JSON.stringify(run);
    expect(text).not.toContain('secret-recorder-key');
    expect(text.toLowerCase()).not.toContain('x-goog-api-key');
  });

  it('records a failed run and groups chat turns by session id', async () => {
    const { gemini, dir } = await setup({
      script: [turn.text('One.'), turn.text('Two.')],
      faults: [{ fault: { type: 'internal' }, on: 2 }],
    });
    const recorder = createRunRecorder({ dir });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', recorder, telemetry: false });
    const chat = createChatSession({ agent, id: 'session-1' });
    await chat.send('first');
    const stream = chat.sendStream('second');
    for await (const _event of stream) {
      // drain
    }
    await stream.result;
    await expect(chat.send('third')).rejects.toThrow();
    await recorder.flush();
    const runs = await readRuns(dir);
    expect(runs).toHaveLength(3);
    for (const run of runs) {
      expect(run[0]).toMatchObject({ type: 'run-start', conversationId: 'session-1' });
    }
    const outcomes = runs.map((run) => (run.at(-1) as { outcome?: string }).outcome).sort();
    expect(outcomes).toEqual(['error', 'success', 'success']);
    const streamed = runs.find((run) => (run[0] as { streaming: boolean }).streaming);
    expect(streamed?.some((line) => line.type === 'first-chunk')).toBe(true);
  });

  it('deletes the oldest run files when the folder passes maxBytes', async () => {
    const { gemini, dir } = await setup({ script: () => turn.text('x'.repeat(800)) });
    await writeFile(join(dir, '0000-old-run.jsonl'), `${'{}\n'.repeat(1000)}`);
    const recorder = createRunRecorder({ dir, maxBytes: 4096 });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', recorder, telemetry: false });
    await agent.run('Hi');
    await recorder.flush();
    const names = await readdir(dir);
    expect(names).not.toContain('0000-old-run.jsonl');
    expect(names).toHaveLength(1);
  });

  it('stops a run that passes maxRunBytes with a note, and still records how it ended', async () => {
    const { gemini, dir } = await setup({
      script: [turn.call('get_weather', { city: 'Paris' }), turn.text('y'.repeat(3000))],
    });
    const recorder = createRunRecorder({ dir, maxRunBytes: 2048 });
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [weather],
      recorder,
      telemetry: false,
    });
    await agent.run('Weather?');
    await recorder.flush();
    const [run = []] = await readRuns(dir);
    const types = run.map((line) => line.type);
    expect(types).toContain('truncated');
    expect(types.at(-1)).toBe('run-end');
    expect(types.indexOf('truncated')).toBeLessThan(types.length - 1);
  });

  it('never fails a run when it cannot write', async () => {
    const { gemini, dir } = await setup({ script: [turn.text('Fine.')] });
    const blocked = join(dir, 'a-file');
    await writeFile(blocked, 'not a folder');
    const warnings: unknown[] = [];
    const recorder = createRunRecorder({
      dir: join(blocked, 'runs'),
      logger: { warn: (fields: unknown) => warnings.push(fields) } as never,
    });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', recorder, telemetry: false });
    expect((await agent.run('Hi')).text).toBe('Fine.');
    await recorder.flush();
    expect(warnings.length).toBeGreaterThan(0);
  });
});
