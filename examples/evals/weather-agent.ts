// The agent the eval example measures: a weather assistant with one tool. Its tool answers from
// the recording when an eval replays it (so a replay needs no live tool), else from a table.

import type { Agent, Gemini } from '@gemloop/core';
import { createAgent, defineTool } from '@gemloop/core';
import type { RunObserver } from '@gemloop/core/telemetry';
import type { EvalAgentContext } from '@gemloop/evals';
import { z } from 'zod';

/** The prompt under test; the example changes it to show drift. */
export const INSTRUCTIONS =
  'You are a weather assistant. Call get_weather, then answer in one sentence.';

const TEMPERATURES: Record<string, number> = { paris: 18, lisbon: 24, oslo: 7 };

/** Makes the weather agent on `gemini`. */
export function weatherAgent(
  gemini: Gemini,
  model: string,
  options: {
    instructions?: string;
    recorder?: RunObserver;
    recordedToolOutput?: EvalAgentContext['recordedToolOutput'];
  } = {},
): Agent<unknown> {
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
  return createAgent({
    gemini,
    model,
    instructions: options.instructions ?? INSTRUCTIONS,
    tools: [getWeather],
    ...(options.recorder === undefined ? {} : { recorder: options.recorder }),
  }) as Agent<unknown>;
}
