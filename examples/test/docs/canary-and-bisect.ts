// Guide "Canary a model upgrade, bisect a regression" (typechecked; runCanary and gemloop eval
// canary run the same shapes against scripted models in the evals and cli tests).
import { createAgent, defineTool, jsonSchema } from '@gemloop/core';
import type { EvalAgentContext } from '@gemloop/evals';
import { defineEvalSuite, defineScorer, formatCanary, runCanary } from '@gemloop/evals';

/** The support agent's tools, replaying a recorded result where the case has one. */
function tools(recordedToolOutput: EvalAgentContext['recordedToolOutput']) {
  return [
    defineTool({
      name: 'cancel_subscription',
      description: 'Cancels the subscription of a user.',
      parameters: jsonSchema<{ user: string }>({
        type: 'object',
        properties: { user: { type: 'string' } },
        required: ['user'],
      }),
      execute: (args) => {
        const recorded = recordedToolOutput('cancel_subscription', args);
        return recorded.found ? recorded.output : { cancelled: true };
      },
    }),
  ];
}

const suite = defineEvalSuite({
  cases: 'cases.jsonl',
  scorers: [defineScorer('said-cancelled', ({ run }) => run.text.includes('cancelled'))],
  // What `gemloop eval canary` fails on, beside --must-call and --must-pass.
  canary: { mustCall: ['cancel_subscription'] },
  createAgent: ({ gemini, model, recordedToolOutput }) =>
    createAgent({ gemini, model: model ?? 'gemini-2.5-flash', tools: tools(recordedToolOutput) }),
});
export default suite;

export async function canary(cases: Parameters<typeof runCanary>[0]['cases']) {
  const { scorers, createAgent } = suite;
  const result = await runCanary({
    cases,
    scorers,
    createAgent,
    from: 'gemini-2.5-flash',
    to: 'gemini-3-flash-preview',
    mustCall: ['cancel_subscription'],
  });
  console.log(formatCanary(result));
  if (!result.passed) process.exitCode = 1;
}
