import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { createRunRecorder } from './create-run-recorder.ts';
import { RUN_HEARTBEAT_MS } from './prune-run-files.ts';
import type { RecordedRunLine } from './recorded-run.ts';
import { RUN_FILE_NAME, runFileName } from './run-file.ts';

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

/** Writes a run file as another recorder would: its first line, padding, and maybe its end. */
async function writeRunFile(
  dir: string,
  { startedAt, bytes, ended }: { startedAt: number; bytes: number; ended: boolean },
): Promise<string> {
  const runId = crypto.randomUUID();
  const name = runFileName(startedAt, runId);
  const start = `{"type":"run-start","format":1,"runId":"${runId}","model":"m","at":${startedAt}}\n`;
  const end = ended ? `{"type":"run-end","outcome":"success","at":${startedAt + 1}}\n` : '';
  const step = `{"type":"step-end","text":"${'s'.repeat(Math.max(0, bytes - start.length - end.length - 40))}"}\n`;
  await writeFile(join(dir, name), start + step + end);
  return name;
}

async function readRuns(dir: string, only?: string[]): Promise<RecordedRunLine[][]> {
  const names = only ?? (await readdir(dir)).filter((name) => RUN_FILE_NAME.test(name)).sort();
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

  it("records a failed run's gemloop code, unary and streamed", async () => {
    // errors43: the run-end line had the class and message only; a reader of the file could not
    // branch on the code as code in process does.
    const atlantis = turn.call('get_weather', { city: 'Atlantis' });
    const { gemini, dir } = await setup({ script: [atlantis, atlantis] });
    const recorder = createRunRecorder({ dir });
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      tools: [weather],
      toolErrors: 'throw',
      recorder,
      telemetry: false,
    });
    await expect(agent.run('Weather in Atlantis?')).rejects.toThrow();
    const stream = agent.stream('Weather in Atlantis?');
    await expect(
      (async () => {
        for await (const _event of stream) {
          // drain
        }
      })(),
    ).rejects.toThrow();
    await recorder.flush();
    const runs = await readRuns(dir);
    expect(runs.map((run) => (run[0] as { streaming: boolean }).streaming).sort()).toEqual([
      false,
      true,
    ]);
    for (const run of runs) {
      expect(run.at(-1)).toMatchObject({
        type: 'run-end',
        outcome: 'error',
        error: { name: 'ToolExecutionError', code: 'tool-execution' },
      });
    }
  });

  it('records an abort as AgentAbortedError with its reason, never the reason as a class name', async () => {
    // The model call hangs (10 s of latency) until the consumer aborts at the first event.
    const { gemini, dir } = await setup({
      script: [turn.text('never sent')],
      faults: [{ fault: { type: 'latency', ms: 10_000 } }],
    });
    const recorder = createRunRecorder({ dir });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', recorder, telemetry: false });
    const controller = new AbortController();
    const stream = agent.stream('Question?', { signal: controller.signal });
    await expect(
      (async () => {
        for await (const _event of stream) controller.abort('tab closed');
      })(),
    ).rejects.toThrow(/aborted/);
    await recorder.flush();
    const [run] = await readRuns(dir);
    const callEnd = run?.find((line) => line.type === 'model-call-end');
    const end = run?.at(-1);
    // The model call threw the string itself: its class is unknown, its text is the message.
    expect(callEnd).toMatchObject({ error: { name: '_OTHER', message: 'tab closed' } });
    expect(end).toMatchObject({
      type: 'run-end',
      outcome: 'error',
      error: { name: 'AgentAbortedError', reason: 'tab closed' },
    });
  });

  it('deletes its own oldest finished runs past maxBytes, never a file it did not write', async () => {
    const { gemini, dir } = await setup({ script: () => turn.text('x'.repeat(800)) });
    const old = Date.now() - 3_600_000;
    const first = await writeRunFile(dir, { startedAt: old, bytes: 3000, ended: true });
    const second = await writeRunFile(dir, { startedAt: old + 1000, bytes: 3000, ended: true });
    // A user's data set, a chat store's session, and a user's file named like a run (older
    // than every run) that is no run: none of them is the recorder's to count or delete.
    const userFiles = {
      'data.jsonl': '{"prompt":"hi"}\n'.repeat(500),
      'session-1.jsonl': '{"role":"user"}\n'.repeat(500),
      [runFileName(old - 1000, crypto.randomUUID())]: '{"type":"dataset","rows":1}\n'.repeat(500),
    };
    for (const [name, text] of Object.entries(userFiles)) {
      await writeFile(join(dir, name), text);
      await utimes(join(dir, name), old / 1000, old / 1000);
    }
    const recorder = createRunRecorder({ dir, maxBytes: 4096 });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', recorder, telemetry: false });
    await agent.run('Hi');
    await recorder.flush();
    const names = await readdir(dir);
    expect(names).not.toContain(first);
    expect(names).not.toContain(second);
    for (const [name, text] of Object.entries(userFiles))
      expect(await readFile(join(dir, name), 'utf8')).toBe(text);
    expect(names.filter((name) => RUN_FILE_NAME.test(name))).toHaveLength(2);
  });

  it('never deletes a run another recorder is still writing; a crashed one once it is stale', async () => {
    const { gemini, dir } = await setup({ script: () => turn.text('x'.repeat(800)) });
    const old = Date.now() - 3_600_000;
    // Another process's run in progress: no closing line yet, touched recently.
    const running = await writeRunFile(dir, { startedAt: old, bytes: 3000, ended: false });
    // Just created by another recorder, its first line not written yet.
    const opening = runFileName(old + 500, crypto.randomUUID());
    await writeFile(join(dir, opening), '');
    // A run whose process died an hour ago: no closing line, untouched since.
    const crashed = await writeRunFile(dir, { startedAt: old + 1000, bytes: 3000, ended: false });
    await utimes(join(dir, crashed), old / 1000, old / 1000);
    const recorder = createRunRecorder({ dir, maxBytes: 4096 });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', recorder, telemetry: false });
    await agent.run('Hi');
    await recorder.flush();
    const names = await readdir(dir);
    expect(names).toContain(running);
    expect(names).toContain(opening);
    expect(names).not.toContain(crashed);
  });

  it('keeps the runs two recorders on one folder are writing while both prune', async () => {
    const { gemini, dir } = await setup({ script: () => turn.text('x'.repeat(800)) });
    let release = (): void => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = (): void => undefined;
    const toolStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    const slow = defineTool({
      name: 'slow',
      description: 'Waits.',
      parameters: z.object({}),
      execute: async () => {
        started();
        await released;
        return 'done';
      },
    });
    const slowGemini = (
      await setup({ script: [turn.call('slow', {}), turn.text('y'.repeat(800))] })
    ).gemini;
    // Its own prune, at its end, may take it: it is the oldest. The other one must not before.
    const writing = createRunRecorder({ dir, maxBytes: 1024 * 1024 });
    const slowRun = createAgent({
      gemini: slowGemini,
      model: 'gemini-2.5-flash',
      tools: [slow],
      recorder: writing,
      telemetry: false,
    }).run('Wait.');
    await toolStarted;
    await writing.flush();
    const [slowFile] = (await readdir(dir)).filter((name) => RUN_FILE_NAME.test(name));
    // The other recorder finishes runs (their prunes overlapping) while the slow one is open.
    const other = createRunRecorder({ dir, maxBytes: 4096 });
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      recorder: other,
      telemetry: false,
    });
    await Promise.all([agent.run('1'), agent.run('2'), agent.run('3')]);
    await other.flush();
    const names = await readdir(dir);
    expect(names).toContain(slowFile);
    // The other recorder did prune its own finished runs meanwhile.
    expect(names.filter((name) => RUN_FILE_NAME.test(name)).length).toBeLessThan(4);
    release();
    await slowRun;
    await writing.flush();
    const [run = []] = await readRuns(dir, [slowFile as string]);
    expect(run.at(-1)).toMatchObject({ type: 'run-end', outcome: 'success' });
  });

  it('touches the file of a run it is writing, so other pruners see it alive', async () => {
    const { gemini, dir } = await setup({
      script: [turn.call('slow', {}), turn.text('Done.')],
    });
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      let release = (): void => undefined;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let started = (): void => undefined;
      const toolStarted = new Promise<void>((resolve) => {
        started = resolve;
      });
      const slow = defineTool({
        name: 'slow',
        description: 'Waits.',
        parameters: z.object({}),
        execute: async () => {
          started();
          await released;
          return 'done';
        },
      });
      const recorder = createRunRecorder({ dir });
      const run = createAgent({
        gemini,
        model: 'gemini-2.5-flash',
        tools: [slow],
        recorder,
        telemetry: false,
      }).run('Wait.');
      await toolStarted;
      await recorder.flush();
      const [name = ''] = await readdir(dir);
      const hourAgo = (Date.now() - 3_600_000) / 1000;
      await utimes(join(dir, name), hourAgo, hourAgo);
      vi.advanceTimersByTime(RUN_HEARTBEAT_MS);
      await recorder.flush();
      expect((await stat(join(dir, name))).mtimeMs).toBeGreaterThan(Date.now() - 60_000);
      release();
      await run;
    } finally {
      vi.useRealTimers();
    }
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

  it('counts maxRunBytes in UTF-8 bytes: CJK text stays within the limit', async () => {
    const { gemini, dir } = await setup({ script: [turn.text('漢字'.repeat(1500))] });
    const recorder = createRunRecorder({ dir, maxRunBytes: 4096 });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', recorder, telemetry: false });
    await agent.run('Write in kanji.');
    await recorder.flush();
    const [name = ''] = await readdir(dir);
    const bytes = await readFile(join(dir, name));
    const lines = bytes.toString('utf8').trim().split('\n');
    const end = lines.at(-1) as string;
    expect(JSON.parse(lines.at(-2) as string)).toMatchObject({ type: 'truncated' });
    expect(JSON.parse(end)).toMatchObject({ type: 'run-end', outcome: 'success' });
    // Everything before the closing line fits; the closing line leaves the answer out.
    expect(bytes.length - Buffer.byteLength(`${end}\n`)).toBeLessThanOrEqual(4096);
    expect(Buffer.byteLength(end)).toBeLessThan(1024);
  });

  it('starts a run whose input alone passes maxRunBytes with its run-start line, input left out', async () => {
    const { gemini, dir } = await setup({ script: [turn.text('Fine.')] });
    const recorder = createRunRecorder({ dir, maxRunBytes: 2048 });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', recorder, telemetry: false });
    await agent.run('z'.repeat(5000));
    await recorder.flush();
    const [run = []] = await readRuns(dir);
    expect(run[0]).toMatchObject({
      type: 'run-start',
      model: 'gemini-2.5-flash',
      input: expect.stringContaining('input omitted'),
    });
    expect(run.at(-1)).toMatchObject({ type: 'run-end', outcome: 'success' });
  });

  it('makes its folder again when it was removed between two runs', async () => {
    const { gemini, dir } = await setup({ script: () => turn.text('Fine.') });
    const warnings: unknown[] = [];
    const recorder = createRunRecorder({
      dir,
      logger: { warn: (fields: unknown) => warnings.push(fields) } as never,
    });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', recorder, telemetry: false });
    await agent.run('First');
    await recorder.flush();
    // Someone cleans up the runs while the process goes on.
    await rm(dir, { recursive: true, force: true });
    await agent.run('Second');
    await recorder.flush();
    const runs = await readRuns(dir);
    expect(runs).toHaveLength(1);
    expect(runs[0]?.[0]).toMatchObject({ type: 'run-start', input: 'Second' });
    expect(runs[0]?.at(-1)).toMatchObject({ type: 'run-end', outcome: 'success' });
    expect(warnings).toEqual([]);
  });

  it('keeps a run that fails with a huge message near maxRunBytes, its closing line cut', async () => {
    const { gemini, dir } = await setup({ script: [turn.call('get_weather', { city: 'Paris' })] });
    const recorder = createRunRecorder({ dir, maxRunBytes: 4096 });
    const agent = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      recorder,
      telemetry: false,
      tools: [weather],
      beforeToolCall: () => {
        throw new Error('E'.repeat(200_000));
      },
    });
    await expect(agent.run('Weather?')).rejects.toThrow();
    await recorder.flush();
    const [name] = (await readdir(dir)).filter((file) => RUN_FILE_NAME.test(file));
    expect((await stat(join(dir, name as string))).size).toBeLessThan(4096 + 8192);
    const [run] = await readRuns(dir);
    expect(run?.at(-2)).toMatchObject({ type: 'truncated' });
    expect(run?.at(-1)).toMatchObject({
      type: 'run-end',
      outcome: 'error',
      error: { name: 'AgentRunError', message: expect.stringContaining('characters omitted') },
    });
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
