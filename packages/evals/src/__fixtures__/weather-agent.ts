import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Agent, Content, Gemini } from '@gemloop/core';
import type { RunObserver, TelemetryOptions } from '@gemloop/core/telemetry';
import { createAgent, createGemini, defineTool, jsonSchema } from '@gemloop/core';
import { subagent } from '@gemloop/core/composition';
import { createRunRecorder, type RunRecorderOptions } from '@gemloop/core/recorder';
import { createFakeGemini, type FakeScriptRequest, routeByAgent, turn } from '@gemloop/testing';

/** What the weather agent can be changed in, to make drift. */
export type WeatherAgentOptions = {
  instructions?: string;
  /** The tool's description. */
  toolDescription?: string;
  /** What the tool answers when it is run live (recorded output is used otherwise). */
  liveTemperature?: number;
  /** The tool never answers (a hung case). */
  hang?: boolean;
  recorder?: RunObserver;
  /** The agent's model. @defaultValue `'gemini-2.5-flash'` */
  model?: string;
  /** The agent's OpenTelemetry settings. @defaultValue off */
  telemetry?: TelemetryOptions;
};

/** A small weather agent: one tool, replaying its recorded outputs when it can. */
export function weatherAgent(
  gemini: Gemini,
  options: WeatherAgentOptions = {},
  context?: {
    recordedToolOutput: (name: string, args: unknown) => { found: true; output: unknown } | { found: false };
  },
): Agent<unknown> {
  const weather = defineTool({
    name: 'get_weather',
    description: options.toolDescription ?? 'The weather in a city.',
    parameters: jsonSchema<{ city: string }>({
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
    }),
    execute: ({ city }, { signal }) => {
      if (options.hang === true) {
        return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
      }
      const recorded = context?.recordedToolOutput('get_weather', { city });
      if (recorded?.found === true) return recorded.output;
      return { city, temperatureC: options.liveTemperature ?? 18 };
    },
  });
  return createAgent({
    gemini,
    model: options.model ?? 'gemini-2.5-flash',
    instructions: options.instructions ?? 'You answer weather questions.',
    tools: [weather],
    telemetry: options.telemetry ?? false,
    ...(options.recorder === undefined ? {} : { recorder: options.recorder }),
  }) as Agent<unknown>;
}

/** Records one run of the weather agent against the fake and returns the run file's text. */
export async function recordWeatherRun(): Promise<{ text: string; file: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-evals-'));
  const fake = createFakeGemini({
    script: [
      turn.call('get_weather', { city: 'Paris' }),
      (_request, context) =>
        turn.text(`It is ${JSON.stringify(context.functionResponses[0]?.response ?? {}).includes('18') ? '18' : '?'} °C in Paris.`),
    ],
  });
  const gemini = createGemini({ apiKey: 'test', fetch: fake.fetch });
  const recorder = createRunRecorder({ dir });
  const agent = weatherAgent(gemini, { recorder });
  await agent.run('Weather in Paris?');
  await recorder.flush();
  const [name] = await readdir(dir);
  const file = join(dir, name as string);
  return { text: await readFile(file, 'utf8'), file, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Google-sized thought signatures (base64, past the recorder's default 2,048-character cut). */
export const SIGNATURE = `Cs${'AbCd0123'.repeat(600)}==`;
export const ANSWER_SIGNATURE = `Ev${'wXyZ4567'.repeat(400)}`;

/**
 * Records one run of the weather agent on Gemini 3 whose call and answer carry signatures the
 * size Google's are, with the recorder options given (`fidelity`), streamed or not.
 */
export async function recordSignedWeatherRun(
  options: { recorder?: RunRecorderOptions; stream?: boolean; input?: string | Content[] } = {},
): Promise<{ text: string; file: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-evals-signed-'));
  const fake = createFakeGemini({
    script: [
      turn.calls([{ name: 'get_weather', args: { city: 'Paris' }, thoughtSignature: SIGNATURE }]),
      turn.parts([{ text: 'It is 18 °C in Paris.', thoughtSignature: ANSWER_SIGNATURE }]),
    ],
    // The signatures are Google's (foreign to the fake), as in a recorded real run.
    signatureValidation: 'present',
  });
  const gemini = createGemini({ apiKey: 'test', fetch: fake.fetch, retry: false });
  const recorder = createRunRecorder({ dir, ...options.recorder });
  const agent = weatherAgent(gemini, { recorder, model: 'gemini-3-flash-preview' });
  const input = options.input ?? 'Weather in Paris?';
  if (options.stream === true) await agent.stream(input).result;
  else await agent.run(input);
  await recorder.flush();
  const [name] = await readdir(dir);
  const file = join(dir, name as string);
  return { text: await readFile(file, 'utf8'), file, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** What the weather team can be changed in, to make drift. */
export type WeatherTeamOptions = {
  /** The lead's instructions. */
  instructions?: string;
  /** The subagents' weather agent's instructions. */
  childInstructions?: string;
  recorder?: RunObserver;
  context?: Parameters<typeof weatherAgent>[2];
};

/** A lead agent that sends a weather agent (as the `forecast` subagent) per city. */
export function weatherTeam(gemini: Gemini, options: WeatherTeamOptions = {}): Agent<unknown> {
  const forecaster = weatherAgent(
    gemini,
    { ...(options.childInstructions === undefined ? {} : { instructions: options.childInstructions }) },
    options.context,
  );
  return createAgent({
    gemini,
    model: 'gemini-2.5-flash',
    instructions: options.instructions ?? 'You lead a weather team.',
    tools: [subagent(forecaster, { name: 'forecast', description: 'The weather of one city.' })],
    telemetry: false,
    ...(options.recorder === undefined ? {} : { recorder: options.recorder }),
  }) as Agent<unknown>;
}

/**
 * Records one run of the weather team against the fake: the lead sends two forecasters at once
 * (Paris and Oslo), each calls get_weather, then the lead answers. Returns every run file (the
 * lead's first), each child's naming its parent.
 */
export async function recordWeatherTeamRun(): Promise<{
  dir: string;
  files: { name: string; text: string; file: string }[];
  cleanup: () => Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-evals-team-'));
  const fake = createFakeGemini({
    script: routeByAgent([
      {
        match: 'You lead a weather team',
        script: [
          turn.calls([
            { name: 'forecast', args: { task: 'Weather in Paris?' } },
            { name: 'forecast', args: { task: 'Weather in Oslo?' } },
          ]),
          turn.text('Paris 18 °C, Oslo 4 °C.'),
        ],
      },
      {
        match: 'You answer weather questions',
        // Each forecaster asks for its city's weather, then answers with it (in whatever order
        // the two reach the fake).
        script: Array.from({ length: 4 }, () => (request: FakeScriptRequest) => {
          const body = JSON.stringify(request.body);
          const city = body.includes('Paris') ? 'Paris' : 'Oslo';
          return body.includes('functionResponse')
            ? turn.text(city === 'Paris' ? '18 °C.' : '4 °C.')
            : turn.call('get_weather', { city });
        }),
      },
    ]),
  });
  const gemini = createGemini({ apiKey: 'test', fetch: fake.fetch });
  const recorder = createRunRecorder({ dir });
  const context = {
    recordedToolOutput: (_name: string, args: unknown) => ({
      found: true as const,
      output: { temperatureC: (args as { city: string }).city === 'Paris' ? 18 : 4 },
    }),
  };
  await weatherTeam(gemini, { recorder, context }).run('Weather in Paris and Oslo?');
  await recorder.flush();
  const files = await Promise.all(
    (await readdir(dir)).map(async (name) => ({
      name,
      file: join(dir, name),
      text: await readFile(join(dir, name), 'utf8'),
    })),
  );
  files.sort((a, b) => Number(a.text.includes('"parentRunId"')) - Number(b.text.includes('"parentRunId"')));
  return { dir, files, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
