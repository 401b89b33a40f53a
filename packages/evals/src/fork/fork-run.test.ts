// Forking a recorded run at a step: the replayed steps send the recorded requests byte for byte
// with no model call, and the fork continues from that history with one thing changed.

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createAgent,
  createGemini,
  defineTool,
  type Gemini,
  InvalidArgumentError,
  jsonSchema,
} from '@gemloop/core';
import { createChatSession } from '@gemloop/core/chat';
import { handoff } from '@gemloop/core/composition';
import { SKIP_THOUGHT_SIGNATURE_VALIDATOR } from '@gemloop/core/history';
import { createRunRecorder } from '@gemloop/core/recorder';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { recordedRequests } from '../__fixtures__/recorded-requests.ts';
import {
  recordSignedWeatherRun,
  recordWeatherTeamRun,
  SIGNATURE,
  weatherAgent,
} from '../__fixtures__/weather-agent.ts';
import { caseFromRunFile } from '../cases-from-run.ts';
import type { EvalCase } from '../eval-case.ts';
import { forkRun } from './fork-run.ts';

const fakes: FakeGemini[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

function scripted(options: Parameters<typeof createFakeGemini>[0]): {
  fake: FakeGemini;
  gemini: Gemini;
} {
  const fake = createFakeGemini(options);
  fakes.push(fake);
  return { fake, gemini: createGemini({ apiKey: 'then', fetch: fake.fetch, retry: false }) };
}

async function signedCase(stream = false): Promise<{ text: string; file: string; made: EvalCase }> {
  const recorded = await recordSignedWeatherRun({ recorder: { fidelity: 'full' }, stream });
  cleanups.push(recorded.cleanup);
  const made = caseFromRunFile(recorded.text, recorded.file);
  if (made === undefined) throw new Error('the recorded run made no case');
  return { ...recorded, made };
}

describe('forkRun', () => {
  for (const stream of [false, true]) {
    it(`replays to the end with 0 model calls, sending the recorded requests byte for byte (${stream ? 'streamed' : 'unary'})`, async () => {
      const { text, file, made } = await signedCase(stream);
      const then = scripted({ script: [] });
      const fork = await forkRun(made, { until: 2, continueOn: then.gemini, streaming: stream });
      expect(then.fake.modelRequests).toHaveLength(0);
      expect(fork).toMatchObject({ recordedCalls: 2, continuedCalls: 0, unreproduced: [] });
      expect(fork.drift).toBeUndefined();
      expect(fork.forked).toBeUndefined();
      expect(fork.replayed?.text).toBe('It is 18 °C in Paris.');
      // Rebuilt from the run file alone, the agent sent what the recorded one did.
      expect(fork.replayedRequests).toEqual(recordedRequests(text));
      expect(JSON.stringify(fork.replayedRequests[1])).toContain(SIGNATURE);
      // The recording is only read.
      expect(await readFile(file, 'utf8')).toBe(text);
    });
  }

  it('over 50 recorded Gemini 3 runs, a replay to any step costs 0 model calls and sends the recorded requests', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-fork-suite-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const cities = ['Paris', 'Oslo', 'Lima', 'Kyiv', 'Rome', 'Pune', 'Nuuk'];
    for (let index = 0; index < 50; index++) {
      // 1 to 3 tool turns, some of two parallel calls, each turn signed as Google signs.
      const turns = 1 + (index % 3);
      const script = [
        ...Array.from({ length: turns }, (_, turnIndex) =>
          turn.calls(
            Array.from({ length: 1 + ((index + turnIndex) % 2) }, (_, call) => ({
              name: 'get_weather',
              args: { city: cities[(index + turnIndex + call) % cities.length] as string },
              ...(call === 0
                ? { thoughtSignature: `Cs${String(index).repeat(3)}${'AbCd0123'.repeat(400)}==` }
                : {}),
            })),
          ),
        ),
        turn.parts([{ text: `Answer ${index}.`, thoughtSignature: `Ev${'wXyZ4567'.repeat(300)}` }]),
      ];
      const recordingFake = scripted({ script, signatureValidation: 'present' });
      const runDir = join(dir, String(index));
      const recorder = createRunRecorder({ dir: runDir, fidelity: 'full' });
      const agent = weatherAgent(recordingFake.gemini, {
        recorder,
        model: 'gemini-3-flash-preview',
      });
      const stream = index % 2 === 1;
      if (stream) await agent.stream(`Weather ${index}?`).result;
      else await agent.run(`Weather ${index}?`);
      await recorder.flush();
      const [name] = await readdir(runDir);
      const text = await readFile(join(runDir, name as string), 'utf8');
      const made = caseFromRunFile(text, name as string);
      if (made === undefined) throw new Error(`run ${index} made no case`);
      const recorded = recordedRequests(text);
      expect(recorded).toHaveLength(turns + 1);
      const until = index % (turns + 2); // 0 .. all of them
      const then = scripted({ script: [turn.text('forked')], signatureValidation: 'present' });
      const fork = await forkRun(made, { until, continueOn: then.gemini, streaming: stream });
      expect([index, fork.recordedCalls, fork.drift]).toEqual([index, until, undefined]);
      expect(fork.replayedRequests).toEqual(recorded.slice(0, until));
      // Model calls beyond the recording: none for a replay to the end, one (the fork's) else.
      expect([index, then.fake.modelRequests.length]).toEqual([index, until === turns + 1 ? 0 : 1]);
    }
  });

  it('rebuilds the generation config, thinking and tool choice the run sent, so its replay is exact', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-fork-config-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const recording = scripted({
      script: [turn.call('get_weather', { city: 'Paris' }), turn.text('Mild.')],
    });
    const recorder = createRunRecorder({ dir, fidelity: 'full' });
    await createAgent({
      gemini: recording.gemini,
      model: 'gemini-2.5-flash',
      instructions: 'You answer weather questions.',
      tools: [
        defineTool({
          name: 'get_weather',
          description: 'The weather in a city.',
          parameters: jsonSchema({ type: 'object', properties: { city: { type: 'string' } } }),
          execute: () => ({ temperatureC: 18 }),
        }),
      ],
      toolChoice: 'VALIDATED',
      generationConfig: { temperature: 0.2, maxOutputTokens: 500 },
      thinking: { budget: 128 },
      telemetry: false,
      recorder,
    }).run('Weather in Paris?');
    await recorder.flush();
    const [name] = await readdir(dir);
    const text = await readFile(join(dir, name as string), 'utf8');
    expect(text).toContain('"functionCallingConfig":{"mode":"VALIDATED"}');
    expect(text).toContain('"thinkingConfig"');
    const made = caseFromRunFile(text, name as string);
    if (made === undefined) throw new Error('no case');
    const whole = await forkRun(made, { until: 2, continueOn: scripted({ script: [] }).gemini });
    expect(whole.drift).toBeUndefined();
    expect(whole.replayedRequests).toEqual(recordedRequests(text));
  });

  it('continues on the same model with the recorded signatures, and on another one with the documented dummy', async () => {
    const { made } = await signedCase();
    const same = scripted({ script: [turn.text('Same model.')], signatureValidation: 'present' });
    const kept = await forkRun(made, { until: 1, continueOn: same.gemini });
    expect(kept.forked?.text).toBe('Same model.');
    expect(kept).toMatchObject({ recordedCalls: 1, continuedCalls: 1 });
    expect(JSON.stringify(same.fake.modelRequests[0]?.body)).toContain(SIGNATURE);

    const other = scripted({ script: [turn.text('Other model.')] });
    const moved = await forkRun(made, {
      until: 1,
      continueOn: other.gemini,
      change: { model: 'gemini-3.1-pro-preview' },
    });
    expect(moved.forked?.text).toBe('Other model.');
    const sent = other.fake.modelRequests[0];
    expect(sent?.model).toBe('gemini-3.1-pro-preview');
    const body = JSON.stringify(sent?.body);
    // Signatures are bound to the model that issued them: the other model gets the dummy.
    expect(body).not.toContain(SIGNATURE);
    expect(body).toContain(`"thoughtSignature":"${SKIP_THOUGHT_SIGNATURE_VALIDATOR}"`);
  });

  it('changes the instructions, a tool description and a tool result from the fork on, the replay untouched', async () => {
    const { text, made } = await signedCase();
    const then = scripted({ script: [turn.text('Changed.')], signatureValidation: 'present' });
    const fork = await forkRun(made, {
      until: 1,
      continueOn: then.gemini,
      change: {
        instructions: 'You answer tersely.',
        toolDescriptions: { get_weather: 'Weather, in Kelvin.' },
        toolResults: [{ step: 1, call: 0, output: { city: 'Paris', temperatureC: -40 } }],
      },
    });
    expect(fork.drift).toBeUndefined();
    expect(fork.replayedRequests).toEqual(recordedRequests(text).slice(0, 1));
    const body = then.fake.modelRequests[0]?.body as {
      systemInstruction: unknown;
      tools: unknown;
      contents: unknown;
    };
    expect(body.systemInstruction).toEqual({ parts: [{ text: 'You answer tersely.' }] });
    expect(JSON.stringify(body.tools)).toContain('Weather, in Kelvin.');
    expect(JSON.stringify(body.contents)).toContain('"temperatureC":-40');
    // The run's own history kept the recorded result.
    expect(JSON.stringify(fork.replayed?.contents)).toContain('"temperatureC":18');
  });

  it('answers a tool call the recording has no result for with an error, or runs a live tool', async () => {
    const { made } = await signedCase();
    const then = scripted({
      script: [turn.call('get_weather', { city: 'Oslo' }), turn.text('done')],
      signatureValidation: 'off',
    });
    const fork = await forkRun(made, { until: 1, continueOn: then.gemini });
    expect(fork.forked?.steps[0]?.toolCalls[0]).toMatchObject({ outcome: 'execution-error' });
    expect(fork.forked?.steps[0]?.toolCalls[0]?.error).toMatch(/no result of get_weather/);

    const again = scripted({
      script: [turn.call('get_weather', { city: 'Oslo' }), turn.text('done')],
      signatureValidation: 'off',
    });
    const weather = defineTool({
      name: 'get_weather',
      description: 'The weather in a city.',
      parameters: jsonSchema<{ city: string }>({
        type: 'object',
        properties: { city: { type: 'string' } },
      }),
      execute: ({ city }) => ({ city, temperatureC: 3 }),
    });
    const rerun = await forkRun(made, { until: 1, continueOn: again.gemini, liveTools: [weather] });
    expect(rerun.forked?.steps[0]?.toolCalls[0]).toMatchObject({
      outcome: 'success',
      output: { city: 'Oslo', temperatureC: 3 },
    });
  });

  it('forks a run with subagents at its top run, their recorded answers replayed as tool results', async () => {
    const team = await recordWeatherTeamRun();
    cleanups.push(team.cleanup);
    const [top, ...children] = team.files;
    if (top === undefined) throw new Error('no run recorded');
    const made = caseFromRunFile(top.text, top.file, {
      subagentRuns: children.map((child) => ({ text: child.text, runFile: child.file })),
    });
    if (made === undefined) throw new Error('the team run made no case');
    const then = scripted({ script: [turn.text('Forked team answer.')] });
    const fork = await forkRun(made, { until: 1, continueOn: then.gemini });
    expect(fork.drift).toBeUndefined();
    expect(fork.replayedRequests).toEqual(recordedRequests(top.text).slice(0, 1));
    expect(fork.replayed?.steps[0]?.toolCalls.map((call) => call.outcome)).toEqual([
      'success',
      'success',
    ]);
    expect(fork.forked?.text).toBe('Forked team answer.');
    const sent = JSON.stringify(then.fake.modelRequests[0]?.body);
    expect(sent).toContain('18 °C.');
    expect(sent).toContain('4 °C.');
  });

  it("replays a run that changed agents by a handoff, and forks it in the receiving agent's hands", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-fork-handoff-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const recording = scripted({
      script: [
        turn.call('lookup_account', { email: 'a@b.c' }),
        turn.call('transfer_to_billing', {}),
        turn.call('refund', { amount: 5 }),
        turn.text('Refund issued.'),
      ],
    });
    const tool = (name: string, output: unknown) =>
      defineTool({
        name,
        description: `The ${name} tool.`,
        parameters: jsonSchema({
          type: 'object',
          properties: { email: { type: 'string' }, amount: { type: 'number' } },
        }),
        execute: () => output,
      });
    const billing = createAgent({
      gemini: recording.gemini,
      model: 'gemini-2.5-flash',
      name: 'billing',
      instructions: 'You handle billing.',
      tools: [tool('refund', { refunded: 5 })],
      telemetry: false,
    });
    const recorder = createRunRecorder({ dir, fidelity: 'full' });
    await createAgent({
      gemini: recording.gemini,
      model: 'gemini-2.5-flash',
      name: 'triage',
      instructions: 'You route questions.',
      tools: [
        tool('lookup_account', { plan: 'pro' }),
        handoff(billing, { description: 'Billing questions.' }),
      ],
      telemetry: false,
      recorder,
    }).run('I want a refund.');
    await recorder.flush();
    const [name] = await readdir(dir);
    const text = await readFile(join(dir, name as string), 'utf8');
    expect(text).toContain('"type":"handoff"');
    const made = caseFromRunFile(text, 'handoff.jsonl');
    if (made === undefined) throw new Error('the handoff run made no case');

    const whole = await forkRun(made, { until: 4, continueOn: scripted({ script: [] }).gemini });
    expect(whole.drift).toBeUndefined();
    expect(whole.replayedRequests).toEqual(recordedRequests(text));
    expect(whole.replayed?.text).toBe('Refund issued.');
    expect(whole.replayed?.handoffs).toEqual(['billing']);

    const then = scripted({ script: [turn.text('Billing, changed.')] });
    const fork = await forkRun(made, {
      until: 3,
      continueOn: then.gemini,
      change: { instructions: 'You handle billing, politely.' },
    });
    expect(fork.drift).toBeUndefined();
    expect(fork.replayedRequests).toEqual(recordedRequests(text).slice(0, 3));
    const body = then.fake.modelRequests[0]?.body as { systemInstruction: unknown; tools: unknown };
    expect(body.systemInstruction).toEqual({ parts: [{ text: 'You handle billing, politely.' }] });
    expect(JSON.stringify(body.tools)).toContain('"name":"refund"');
    expect(JSON.stringify(body.tools)).not.toContain('lookup_account');
    expect(fork.forked?.text).toBe('Billing, changed.');
  });

  it('forks a chat turn with the history it was sent', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-fork-chat-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const fake = scripted({
      script: [
        turn.text('Hello Ada.'),
        turn.call('get_weather', { city: 'Paris' }),
        turn.text('18 °C, Ada.'),
      ],
    });
    const recorder = createRunRecorder({ dir, fidelity: 'full' });
    const chat = createChatSession({ agent: weatherAgent(fake.gemini, { recorder }) });
    await chat.send('I am Ada.');
    await chat.send('Weather in Paris?');
    await recorder.flush();
    const texts = await Promise.all(
      (await readdir(dir)).map((name) => readFile(join(dir, name), 'utf8')),
    );
    const second = texts.find(
      (text) =>
        text.includes('Weather in Paris?"}]}],"model"') ||
        text.includes('"input":"Weather in Paris?"'),
    );
    if (second === undefined) throw new Error('no second turn recorded');
    const made = caseFromRunFile(second, 'second.jsonl');
    if (made === undefined) throw new Error('the chat turn made no case');
    const then = scripted({ script: [turn.text('Forked, Ada.')] });
    const fork = await forkRun(made, { until: 1, continueOn: then.gemini });
    expect(fork.drift).toBeUndefined();
    expect(fork.replayedRequests).toEqual(recordedRequests(second).slice(0, 1));
    expect(JSON.stringify(fork.replayedRequests[0])).toContain('Hello Ada.');
    expect(fork.forked?.text).toBe('Forked, Ada.');
  });

  it('records the fork side as a run file of its own, the recording forked left as it was', async () => {
    const { text, file, made } = await signedCase();
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-fork-record-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const recorder = createRunRecorder({ dir, fidelity: 'full' });
    const then = scripted({
      script: [turn.text('Recorded fork.')],
      signatureValidation: 'present',
    });
    await forkRun(made, { until: 1, continueOn: then.gemini, recorder });
    await recorder.flush();
    const names = await readdir(dir);
    expect(names).toHaveLength(1);
    const forkText = await readFile(join(dir, names[0] as string), 'utf8');
    expect(forkText).toContain('"text":"Recorded fork."');
    // The fork's one model call, its request carrying the replayed history, signature whole.
    expect(recordedRequests(forkText)).toHaveLength(1);
    expect(JSON.stringify(recordedRequests(forkText)[0])).toContain(SIGNATURE);
    expect(await readFile(file, 'utf8')).toBe(text);
  });

  it('hands the history at the fork to continueWith, which runs the fork its own way', async () => {
    const { made } = await signedCase();
    const then = scripted({
      script: [turn.text('Run elsewhere.')],
      signatureValidation: 'present',
    });
    const seen: unknown[] = [];
    const fork = await forkRun(made, {
      until: 1,
      continueWith: async (turns) => {
        seen.push(turns);
        return weatherAgent(then.gemini, { model: 'gemini-3-flash-preview' }).run(turns);
      },
    });
    expect(fork.forked?.text).toBe('Run elsewhere.');
    expect(fork).toMatchObject({ recordedCalls: 1, continuedCalls: 1 });
    expect(seen).toEqual([
      [{ model: 'gemini-3-flash-preview', contents: fork.replayed?.contents }],
    ]);
    await expect(
      forkRun(made, { until: 1, continueWith: 'no' as unknown as () => never }),
    ).rejects.toThrow(/continueWith must be a function/);
  });

  it('refuses a bad until, continueOn or tool-result edit, naming the fix', async () => {
    const { made } = await signedCase();
    const then = scripted({ script: [] }).gemini;
    await expect(forkRun(made, { until: 3, continueOn: then })).rejects.toThrow(
      /until must be a whole number from 0 to 2/,
    );
    await expect(forkRun(made, { until: -1, continueOn: then })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(
      forkRun(made, { until: 1, continueOn: undefined as unknown as Gemini }),
    ).rejects.toThrow(/continueOn must be a Gemini client/);
    await expect(
      forkRun(made, {
        until: 1,
        continueOn: then,
        change: { toolResults: [{ step: 2, call: 0, output: {} }] },
      }),
    ).rejects.toThrow(/step must be until \(1\).*fork at S/);
    await expect(
      forkRun(made, {
        until: 1,
        continueOn: scripted({ script: [turn.text('x')] }).gemini,
        change: { toolResults: [{ step: 1, call: 4, output: {} }] },
      }),
    ).rejects.toThrow(/there is no call 4/);
  });

  it('refuses a tool-result edit at the step that answered, instead of forking it unchanged', async () => {
    // `gemloop replay run.jsonl --tool-result 2:0=...` on a run whose step 2 was its answer: the
    // replay ended the run, so nothing was forked and the edit was dropped with the fork "SAME".
    const { made } = await signedCase();
    const then = scripted({ script: [turn.text('never asked')] });
    await expect(
      forkRun(made, {
        until: 2,
        continueOn: then.gemini,
        change: { toolResults: [{ step: 2, call: 0, output: { status: 'declined' } }] },
      }),
    ).rejects.toThrow(/step 2 of the recording called no tool whose result could be edited/);
    expect(then.fake.modelRequests).toHaveLength(0);
  });
});
