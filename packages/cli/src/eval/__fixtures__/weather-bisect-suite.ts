import type { EvalSuite } from '@gemloop/evals';
import { defineEvalSuite, toolTrajectory } from '@gemloop/evals';
import { weatherAgent } from '../../../../evals/src/__fixtures__/weather-agent.ts';

/**
 * The weather agent's suite as a repository commits it for `gemloop eval bisect`: its prompt and
 * tool description come from the committed config module, its cases from `cases.jsonl` beside it.
 */
export function weatherSuiteOf(config: { instructions: string; toolDescription: string }): EvalSuite {
  return defineEvalSuite({
    name: 'weather',
    cases: 'cases.jsonl',
    scorers: [toolTrajectory({ match: 'exact' })],
    createAgent: ({ gemini, recordedToolOutput }) =>
      weatherAgent(gemini, config, { recordedToolOutput }),
  });
}
