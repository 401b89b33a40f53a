import type { EvalSuite } from '@gemloop/evals';
import { defineTool, jsonSchema } from '@gemloop/core';
import { defineEvalSuite, defineScorer, exactMatch, toolTrajectory } from '@gemloop/evals';
import { weatherAgent, weatherTeam } from '../../../../evals/src/__fixtures__/weather-agent.ts';

/** The weather agent's eval suite over a JSONL dataset; `instructions` changes its prompt (drift). */
/** `gated`: adds a scorer that never passes, gated at 50% (the suite's own gate at 0). */
export function weatherSuite(cases: string, instructions?: string, gated = false): EvalSuite {
  return defineEvalSuite({
    name: 'weather',
    cases,
    scorers: [
      exactMatch(),
      toolTrajectory({ match: 'in-order' }),
      ...(gated ? [defineScorer('never', () => false)] : []),
    ],
    ...(gated ? { minPass: 0, minPassByScorer: { never: 0.5 } } : {}),
    // `gemloop eval --batch`: the same agent as a Batch API job (its tool run live).
    batch: {
      model: 'gemini-2.5-flash',
      instructions: instructions ?? 'You answer weather questions.',
      tools: [
        defineTool({
          name: 'get_weather',
          description: 'The weather in a city.',
          parameters: jsonSchema<{ city: string }>({
            type: 'object',
            properties: { city: { type: 'string' } },
            required: ['city'],
          }),
          execute: ({ city }) => ({ city, temperatureC: 18 }),
        }),
      ],
      pollIntervalMs: 1,
    },
    createAgent: ({ gemini, recordedToolOutput }) =>
      weatherAgent(gemini, instructions === undefined ? {} : { instructions }, { recordedToolOutput }),
  });
}

/** The weather team's eval suite (a lead with forecaster subagents) over a JSONL dataset. */
export function weatherTeamSuite(cases: string, childInstructions?: string): EvalSuite {
  return defineEvalSuite({
    name: 'weather-team',
    cases,
    scorers: [exactMatch(), toolTrajectory({ match: 'exact', args: 'exact' })],
    createAgent: ({ gemini, recordedToolOutput }) =>
      weatherTeam(gemini, {
        ...(childInstructions === undefined ? {} : { childInstructions }),
        context: { recordedToolOutput },
      }),
  });
}
