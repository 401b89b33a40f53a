// The agent the eval example measures: a weather assistant with one tool. Its tool answers from
// the recording when an eval replays it (so a replay needs no live tool), else from a table.

import type { Agent, AgentOptions, Gemini } from '@gemloop/core';
import { createAgent, defineTool } from '@gemloop/core';
import type { RunObserver } from '@gemloop/core/telemetry';
import type { EvalAgentContext } from '@gemloop/evals';
import { z } from 'zod';

/** The prompt under test; the example changes it to show drift. */
export const INSTRUCTIONS =
  'You are a weather assistant. Call get_weather, then answer in one sentence.';

const TEMPERATURES: Record<string, number> = { paris: 18, lisbon: 24, oslo: 7 };

/** The weather agent's options on `gemini`: what `createAgent` takes, or a durable worker's `agents`. */
export function weatherAgentOptions(
  gemini: Gemini,
  model: string,
  options: {
    instructions?: string;
    recorder?: RunObserver;
    recordedToolOutput?: EvalAgentContext['recordedToolOutput'];
  } = {},
): AgentOptions<undefined> {
  const getWeather = defineTool({
    name: 'get_weather',
    description: 'Current temperature for a city.',
    parameters: z.object({ city: z.string().describe('City name, e.g. "Paris"') }),
    execute: ({ city }) => {
      const recorded = options.recordedToolOutput?.('get_weather', { city });
      if (recorded?.found === true) return recorded.output;
      return { city, celsius: TEMPERATURES[city.toLowerCase()] ?? 15 };
    },
  });
  return {
    gemini,
    model,
    instructions: options.instructions ?? INSTRUCTIONS,
    tools: [getWeather],
    ...(options.recorder === undefined ? {} : { recorder: options.recorder }),
  };
}

/** Makes the weather agent on `gemini`. */
export function weatherAgent(
  gemini: Gemini,
  model: string,
  options: Parameters<typeof weatherAgentOptions>[2] = {},
): Agent<unknown> {
  return createAgent(weatherAgentOptions(gemini, model, options)) as Agent<unknown>;
}
