// A replay of a recorded Gemini 3 run with thought signatures: exact from a full-fidelity
// recording (the same requests, byte for byte, and no live model call), and, from a default
// (shortened) recording, a replay that says which answers it served placeholders in.

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Agent,
  type Content,
  createAgent,
  createGemini,
  defineTool,
  type Gemini,
  InvalidArgumentError,
} from '@gemloop/core';
import {
  createRunRecorder,
  type RecordedRunLine,
  type RunRecorderOptions,
} from '@gemloop/core/recorder';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { recordSignedWeatherRun, SIGNATURE, weatherAgent } from '../__fixtures__/weather-agent.ts';
import { caseFromRunFile } from '../cases-from-run.ts';
import { formatSummary } from '../report/format-summary.ts';
import { runEval } from '../run-eval.ts';
import type { EvalAgentContext } from '../run-eval-options.ts';
import { toolTrajectory } from '../scorers/tool-scorers.ts';
import { replayRun } from './replay-run.ts';

const dirs: string[] = [];
const fakes: FakeGemini[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** The weather agent on Gemini 3, recording with `recorder`. */
function signedAgent(
  gemini: Gemini,
  recorder: ReturnType<typeof createRunRecorder> | undefined,
  context?: Pick<EvalAgentContext, 'recordedToolOutput'>,
  instructions?: string,
): Agent<unknown> {
  return weatherAgent(
    gemini,
    {
      model: 'gemini-3-flash-preview',
      ...(recorder === undefined ? {} : { recorder }),
      ...(instructions === undefined ? {} : { instructions }),
    },
    context,
  );
}

async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-replay-fidelity-'));
  dirs.push(dir);
  return dir;
}

async function runFile(dir: string): Promise<{ text: string; file: string }> {
  const [name] = await readdir(dir);
  const file = join(dir, name as string);
  return { text: await readFile(file, 'utf8'), file };
}

/** The requests of a run file, each as the JSON text of its line's `request`. */
function requestTexts(text: string): string[] {
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as RecordedRunLine)
    .filter((line) => line.type === 'model-call-start')
    .map((line) => JSON.stringify((line as { request: unknown }).request));
}

/** Records a Gemini 3 run whose call and answer carry Google-sized signatures. */
async function recordSigned(
  recorder: RunRecorderOptions,
  stream: boolean,
  input?: string | Content[],
) {
  const recorded = await recordSignedWeatherRun({
    recorder,
    stream,
    ...(input === undefined ? {} : { input }),
  });
  cleanups.push(recorded.cleanup);
  return recorded;
}

/** Replays a recorded run, recording the replay in full; a live fake counts live calls. */
async function replay(recorded: { text: string; file: string }, stream: boolean) {
  const made = caseFromRunFile(recorded.text, recorded.file);
  if (made === undefined) throw new Error('the recorded run made no case');
  const live = createFakeGemini({ script: [] });
  fakes.push(live);
  const replayDir = await folder();
  const recorder = createRunRecorder({ dir: replayDir, fidelity: 'full' });
  const result = await runEval({
    cases: [made],
    scorers: [toolTrajectory({ match: 'exact' })],
    streaming: stream,
    live: { gemini: createGemini({ apiKey: 'live', fetch: live.fetch, retry: false }) },
    createAgent: (context) => signedAgent(context.gemini, recorder, context),
  });
  await recorder.flush();
  return { result, liveCalls: live.modelRequests.length, replayed: await runFile(replayDir) };
}

describe('replaying a recorded Gemini 3 run', () => {
  for (const stream of [false, true]) {
    it(`sends the recorded requests byte for byte from a full-fidelity recording, with 0 live calls (${stream ? 'streamed' : 'unary'})`, async () => {
      const recorded = await recordSigned({ fidelity: 'full' }, stream);
      const { result, liveCalls, replayed } = await replay(recorded, stream);
      const [attempt] = result.attempts;
      expect(attempt).toMatchObject({ status: 'pass' });
      expect(attempt).not.toHaveProperty('unreproduced');
      expect(liveCalls).toBe(0);
      const original = requestTexts(recorded.text);
      expect(original).toHaveLength(2);
      // The second request sends the model's whole signature back, as the API requires.
      expect(original[1]).toContain(SIGNATURE);
      expect(requestTexts(replayed.text)).toEqual(original);
    });
  }

  it('replays a full-fidelity run whose input image made the run-start keep it shortened', async () => {
    const image = 'QUJD'.repeat(20_000);
    const recorded = await recordSigned({ fidelity: 'full' }, false, [
      {
        role: 'user',
        parts: [
          { text: 'Weather where this photo is?' },
          { inlineData: { mimeType: 'image/jpeg', data: image } },
        ],
      },
    ]);
    expect(recorded.text.split('\n')[0]).toContain(`[${image.length} characters omitted]`);
    const { result, liveCalls, replayed } = await replay(recorded, false);
    const [attempt] = result.attempts;
    expect(attempt?.drift).toBeUndefined();
    expect(attempt).toMatchObject({ status: 'pass' });
    expect(liveCalls).toBe(0);
    const original = requestTexts(recorded.text);
    expect(original[0]).toContain(image);
    expect(requestTexts(replayed.text)).toEqual(original);
  });

  it('says, per answer, which fields a default (shortened) recording could not reproduce', async () => {
    const recorded = await recordSigned({}, false);
    const { result, liveCalls, replayed } = await replay(recorded, false);
    const [attempt] = result.attempts;
    expect(liveCalls).toBe(0);
    expect(attempt?.error).toBeUndefined();
    expect(attempt?.status).toBe('pass');
    expect(attempt?.unreproduced).toEqual([
      { run: 'the top run', call: 0, omitted: ['candidates[0].content.parts[0].thoughtSignature'] },
      { run: 'the top run', call: 1, omitted: ['candidates[0].content.parts[0].thoughtSignature'] },
    ]);
    // What it could not reproduce: the agent sent the placeholder back, not the signature.
    expect(requestTexts(replayed.text)[1]).not.toContain(SIGNATURE);
    expect(formatSummary(result)).toContain(
      'INEXACT ' +
        attempt?.caseId +
        ": the recording shortened what the model sent (the top run call 1: candidates[0].content.parts[0].thoughtSignature; the top run call 2: candidates[0].content.parts[0].thoughtSignature); record with fidelity: 'full' for an exact replay",
    );
  });
});

describe('replayRun', () => {
  async function recordedCase() {
    const recorded = await recordSigned({ fidelity: 'full' }, false);
    const made = caseFromRunFile(recorded.text, recorded.file);
    if (made === undefined) throw new Error('the recorded run made no case');
    return { recorded, made };
  }

  function scripted(script: Parameters<typeof createFakeGemini>[0]) {
    const fake = createFakeGemini(script);
    fakes.push(fake);
    return { fake, gemini: createGemini({ apiKey: 'then', fetch: fake.fetch, retry: false }) };
  }

  for (const stream of [false, true]) {
    it(`serves model calls 1..until from the recording and sends the rest to continueOn (${stream ? 'streamed' : 'unary'})`, async () => {
      const { recorded, made } = await recordedCase();
      const then = scripted({
        script: [turn.text('Forked: 18 °C, bring a jacket.')],
        signatureValidation: 'present',
      });
      const fork = await replayRun(made, {
        until: 1,
        continueOn: then.gemini,
        streaming: stream,
        createAgent: (context) => signedAgent(context.gemini, undefined, context),
      });
      expect(fork.result.text).toBe('Forked: 18 °C, bring a jacket.');
      expect(fork).toMatchObject({ recordedCalls: 1, continuedCalls: 1, unreproduced: [] });
      expect(fork.drift).toBeUndefined();
      // The fork continues the recorded history, the model's signature whole, byte for byte.
      const sent = then.fake.modelRequests[0]?.body as { contents: unknown } | undefined;
      expect(JSON.stringify(sent?.contents)).toContain(SIGNATURE);
      const original = requestTexts(recorded.text)[1] ?? '';
      expect(JSON.parse(original).contents).toEqual(sent?.contents);
      // The recording is only read.
      expect(await readFile(recorded.file, 'utf8')).toBe(recorded.text);
    });
  }

  it('replays the whole run with until at its end (no call to continueOn), and reports drift before the fork', async () => {
    const { made } = await recordedCase();
    const then = scripted({ script: [] });
    const whole = await replayRun(made, {
      until: 2,
      continueOn: then.gemini,
      createAgent: (context) => signedAgent(context.gemini, undefined, context),
    });
    expect(whole.result.text).toBe('It is 18 °C in Paris.');
    expect(whole).toMatchObject({ recordedCalls: 2, continuedCalls: 0 });
    expect(then.fake.modelRequests).toHaveLength(0);
    const changed = await replayRun(made, {
      until: 1,
      // 'present': the fork sends Google's recorded signatures, which this fake did not issue.
      continueOn: scripted({ script: [turn.text('ok')], signatureValidation: 'present' }).gemini,
      createAgent: (context) =>
        signedAgent(context.gemini, undefined, context, 'You answer weather questions tersely.'),
    });
    expect(changed.drift).toMatchObject({
      call: 0,
      path: expect.stringContaining('systemInstruction'),
    });
  });

  it("keeps continueOn's key out of the run when a tool's error quotes it", async () => {
    const { made } = await recordedCase();
    const key = 'live-key-QWxhZGRpbjpvcGVu';
    const fake = createFakeGemini({
      script: [turn.text('Sorry.')],
      signatureValidation: 'present',
    });
    fakes.push(fake);
    const leaky = defineTool({
      name: 'get_weather',
      description: 'The weather in a city.',
      parameters: { type: 'object', properties: { city: { type: 'string' } } },
      execute: () => {
        throw new Error(`upstream refused key ${key}`);
      },
    });
    const fork = await replayRun(made, {
      until: 1,
      continueOn: createGemini({ apiKey: key, fetch: fake.fetch, retry: false }),
      createAgent: ({ gemini }) =>
        createAgent({
          gemini,
          model: 'gemini-3-flash-preview',
          instructions: 'You answer weather questions.',
          tools: [leaky],
          telemetry: false,
        }),
    });
    expect(fork.continuedCalls).toBe(1);
    expect(fork.result.steps[0]?.toolCalls[0]?.outcome).toBe('execution-error');
    expect(JSON.stringify(fork.result)).not.toContain(key);
    expect(JSON.stringify(fake.modelRequests[0]?.body)).not.toContain(key);
  });

  it('refuses a bad until, a missing then, and cases it cannot fork, naming the fix', async () => {
    const { made } = await recordedCase();
    const then = scripted({ script: [] }).gemini;
    const createAgent = (context: { gemini: Gemini }) => signedAgent(context.gemini, undefined);
    await expect(replayRun(made, { until: 3, continueOn: then, createAgent })).rejects.toThrow(
      /until must be a whole number from 0 to 2/,
    );
    await expect(
      replayRun(made, { until: 1.5, continueOn: then, createAgent }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(
      replayRun(made, { until: 1, continueOn: undefined as unknown as Gemini, createAgent }),
    ).rejects.toThrow(/continueOn must be a Gemini client/);
    await expect(
      replayRun({ ...made, conversation: ['hi'] }, { until: 1, continueOn: then, createAgent }),
    ).rejects.toThrow(/conversation/);
    await expect(
      replayRun({ id: 'empty', input: 'hi' }, { until: 0, continueOn: then, createAgent }),
    ).rejects.toThrow(/no recorded model answers/);
  });
});
