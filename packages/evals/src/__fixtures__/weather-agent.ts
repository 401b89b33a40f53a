import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Agent, Gemini } from '@gemloop/core';
import type { RunObserver, TelemetryOptions } from '@gemloop/core/telemetry';
import { createAgent, createGemini, defineTool, jsonSchema } from '@gemloop/core';
import { createRunRecorder } from '@gemloop/core/recorder';
import { createFakeGemini, turn } from '@gemloop/testing';

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
    model: 'gemini-2.5-flash',
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
