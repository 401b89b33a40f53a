import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CreateFakeGeminiOptions,
  createFakeGemini,
  type FakeGemini,
  turn,
} from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { subagent } from '../composition/subagent.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { createRunRecorder, type RunRecorderOptions } from './create-run-recorder.ts';
import {
  MAX_FULL_RUN_START_BYTES,
  OMITTED_OPAQUE_VALUE,
  type RecordedRunLine,
} from './recorded-run.ts';
import { RUN_FILE_NAME } from './run-file.ts';

// Gemini 3's signatures run to kilobytes; these stand for them (base64, past the 2,048 cut).
const SIGNATURE = `Cs${'AbCd0123'.repeat(600)}==`;
const ANSWER_SIGNATURE = `Ev${'wXyZ4567'.repeat(400)}`;

const fakes: FakeGemini[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function setup(script: CreateFakeGeminiOptions['script']) {
  // 'present': the signatures are Google's (foreign to the fake), as in a recorded real run.
  const fake = createFakeGemini({ script, signatureValidation: 'present' });
  fakes.push(fake);
  const { url } = await fake.listen();
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-fidelity-'));
  dirs.push(dir);
  return { gemini: createGemini({ baseUrl: url, apiKey: 'fidelity-key', retry: false }), dir };
}

async function readRuns(dir: string): Promise<{ text: string; lines: RecordedRunLine[] }[]> {
  const names = (await readdir(dir)).filter((name) => RUN_FILE_NAME.test(name)).sort();
  return Promise.all(
    names.map(async (name) => {
      const text = await readFile(join(dir, name), 'utf8');
      return {
        text,
        lines: text
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as RecordedRunLine),
      };
    }),
  );
}

const weather = defineTool({
  name: 'get_weather',
  description: 'The weather in a city.',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
  },
  execute: async () => ({ tempC: 18 }),
});

const signedScript = () => [
  turn.calls([{ name: 'get_weather', args: { city: 'Paris' }, thoughtSignature: SIGNATURE }]),
  turn.parts([{ text: 'It is 18 °C.', thoughtSignature: ANSWER_SIGNATURE }]),
];

async function recordSignedRun(options: RunRecorderOptions, stream: boolean) {
  const { gemini, dir } = await setup(signedScript());
  const recorder = createRunRecorder({ dir, ...options });
  const agent = createAgent({
    gemini,
    model: 'gemini-3-flash-preview',
    tools: [weather],
    recorder,
    telemetry: false,
  });
  if (stream) await agent.stream('Weather in Paris?').result;
  else await agent.run('Weather in Paris?');
  await recorder.flush();
  const [run] = await readRuns(dir);
  return run as { text: string; lines: RecordedRunLine[] };
}

function line<T extends RecordedRunLine['type']>(
  lines: RecordedRunLine[],
  type: T,
  index = 0,
): Extract<RecordedRunLine, { type: T }> {
  return lines.filter((entry) => entry.type === type)[index] as Extract<
    RecordedRunLine,
    { type: T }
  >;
}

describe('createRunRecorder fidelity', () => {
  it('shortens signatures past 2,048 characters by default, and its run-start says nothing new', async () => {
    const { text, lines } = await recordSignedRun({}, false);
    expect(text).not.toContain(SIGNATURE);
    expect(text).toContain(`"thoughtSignature":"[${SIGNATURE.length} characters omitted]"`);
    expect(line(lines, 'run-start')).not.toHaveProperty('fidelity');
    expect(`[${SIGNATURE.length} characters omitted]`).toMatch(OMITTED_OPAQUE_VALUE);
  });

  for (const stream of [false, true]) {
    it(`keeps every signature whole with fidelity 'full' (${stream ? 'streamed' : 'unary'} run with a tool)`, async () => {
      const { text, lines } = await recordSignedRun({ fidelity: 'full' }, stream);
      expect(text).not.toContain('characters omitted');
      expect(line(lines, 'run-start')).toMatchObject({
        fidelity: 'full',
        maxOpaqueBytes: 1024 * 1024,
      });
      // The model's answers as it gave them, and the signature sent back with the call.
      expect(JSON.stringify(line(lines, 'model-call-end', 0).response)).toContain(SIGNATURE);
      expect(JSON.stringify(line(lines, 'model-call-end', 1).response)).toContain(ANSWER_SIGNATURE);
      const secondRequest = line(lines, 'model-call-start', 1).request as {
        contents: { role: string; parts: Record<string, unknown>[] }[];
      };
      expect(secondRequest.contents[1]?.parts[0]?.['thoughtSignature']).toBe(SIGNATURE);
    });
  }

  it('shortens a value past maxOpaqueBytes and says so in the value and the run-start', async () => {
    const { text, lines } = await recordSignedRun(
      { fidelity: 'full', maxOpaqueBytes: 4000 },
      false,
    );
    // 3,204 characters: kept; 4,804: past the limit.
    expect(ANSWER_SIGNATURE.length).toBeLessThan(4000);
    expect(text).toContain(ANSWER_SIGNATURE);
    expect(text).toContain(
      `"thoughtSignature":"[${SIGNATURE.length} characters omitted: past maxOpaqueBytes]"`,
    );
    expect(`[${SIGNATURE.length} characters omitted: past maxOpaqueBytes]`).toMatch(
      OMITTED_OPAQUE_VALUE,
    );
    expect(line(lines, 'run-start')).toMatchObject({ fidelity: 'full', maxOpaqueBytes: 4000 });
  });

  it('keeps inline data whole in requests, and a run-start line short enough for the viewer', async () => {
    const { gemini, dir } = await setup([turn.text('A cat.')]);
    const recorder = createRunRecorder({ dir, fidelity: 'full' });
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      recorder,
      telemetry: false,
    });
    const big = 'QUJD'.repeat(20_000);
    await agent.run([
      {
        role: 'user',
        parts: [{ text: 'What is it?' }, { inlineData: { mimeType: 'image/png', data: big } }],
      },
    ]);
    await recorder.flush();
    const [run] = await readRuns(dir);
    const [first] = (run?.text ?? '').split('\n');
    expect(Buffer.byteLength(first ?? '')).toBeLessThanOrEqual(MAX_FULL_RUN_START_BYTES);
    expect(first).toContain(`[${big.length} characters omitted]`);
    expect(JSON.stringify(line(run?.lines ?? [], 'model-call-start').request)).toContain(big);
  });

  it('records subagent runs and chat turns whole too', async () => {
    const { gemini, dir } = await setup((request) => {
      const asked = JSON.stringify(request.body);
      if (asked.includes('Researches.') && !asked.includes('functionResponse'))
        return turn.calls([
          { name: 'research', args: { task: 'Paris' }, thoughtSignature: SIGNATURE },
        ]);
      return turn.parts([{ text: 'Done.', thoughtSignature: ANSWER_SIGNATURE }]);
    });
    const recorder = createRunRecorder({ dir, fidelity: 'full' });
    const child = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      name: 'researcher',
      instructions: 'You research.',
      recorder,
      telemetry: false,
    });
    const lead = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      name: 'lead',
      recorder,
      telemetry: false,
      tools: [subagent(child, { name: 'research', description: 'Researches.' })],
    });
    const session = createChatSession({ agent: lead });
    await session.send('Look into Paris.');
    await recorder.flush();
    const runs = await readRuns(dir);
    expect(runs).toHaveLength(2);
    for (const run of runs) {
      expect(run.text).not.toContain('characters omitted');
      expect(line(run.lines, 'run-start').fidelity).toBe('full');
      expect(run.text).toContain(ANSWER_SIGNATURE);
    }
    const top = runs.find((run) => line(run.lines, 'run-start').parentRunId === undefined);
    expect(line(top?.lines ?? [], 'run-start').conversationId).toBeTypeOf('string');
    expect(top?.text).toContain(SIGNATURE);
  });

  it('refuses a bad fidelity or maxOpaqueBytes with a typed error naming the fix', () => {
    expect(() => createRunRecorder({ fidelity: 'exact' as 'full' })).toThrow(InvalidArgumentError);
    expect(() => createRunRecorder({ maxOpaqueBytes: 10_000 })).toThrow(/fidelity: 'full'/);
    expect(() => createRunRecorder({ fidelity: 'full', maxOpaqueBytes: 100 })).toThrow(
      /at least 2048/,
    );
  });
});
