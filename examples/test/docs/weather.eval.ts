// The eval suite of docs/testing-your-agents-behaviour.md (the one gemloop eval runs in CI is
// examples/evals/weather.eval.ts, beside its dataset).

import { defineEvalSuite, exactMatch, grounded, toolTrajectory } from '@gemloop/evals';
import { weatherAgent } from '../../evals/weather-agent.ts';

export default defineEvalSuite({
  name: 'weather',
  cases: '../../evals/cases.jsonl',
  scorers: [exactMatch(), toolTrajectory({ match: 'in-order' }), grounded()],
  createAgent: (context) => weatherAgent(context.gemini, 'gemini-3-flash-preview', context),
  minPass: 1,
});
