import type { EvalSuite } from '@gemloop/evals';
import { defineEvalSuite, exactMatch, toolTrajectory } from '@gemloop/evals';
import { weatherAgent } from '../../../../evals/src/__fixtures__/weather-agent.ts';

/** The weather agent's eval suite over a JSONL dataset; `instructions` changes its prompt (drift). */
export function weatherSuite(cases: string, instructions?: string): EvalSuite {
  return defineEvalSuite({
    name: 'weather',
    cases,
    scorers: [exactMatch(), toolTrajectory({ match: 'in-order' })],
    createAgent: ({ gemini, recordedToolOutput }) =>
      weatherAgent(gemini, instructions === undefined ? {} : { instructions }, { recordedToolOutput }),
  });
}
