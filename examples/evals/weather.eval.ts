// The eval suite `gemloop eval` runs in CI:
//
//   npx gemloop eval examples/evals/weather.eval.ts --min-pass 1 --junit eval-results.xml
//
// (Node 22.18+ imports .ts itself; on Node 20, run gemloop under tsx.) Each case in cases.jsonl
// replays its recorded model turns through the fake Gemini: no key, no network, and a changed
// prompt, tool list or tool argument fails the case as drift.

import { defineEvalSuite, exactMatch, grounded, toolTrajectory } from '@gemloop/evals';
import { weatherAgent } from './weather-agent.ts';

export default defineEvalSuite({
  name: 'weather',
  cases: 'cases.jsonl',
  scorers: [exactMatch(), toolTrajectory({ match: 'in-order' }), grounded()],
  createAgent: (context) => weatherAgent(context.gemini, 'gemini-3-flash-preview', context),
  minPass: 1,
});
