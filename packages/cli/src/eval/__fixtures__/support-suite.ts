import type { EvalSuite } from '@gemloop/evals';
import { defineEvalSuite, defineScorer } from '@gemloop/evals';
import { supportAgent, supportCases } from '../../../../evals/src/__fixtures__/support-agent.ts';

/** The support agent's suite for `gemloop eval canary`: its agent on context.model. */
export function supportSuite(cases: number, mustCall?: string[]): EvalSuite {
  return defineEvalSuite({
    name: 'support',
    cases: supportCases(cases),
    scorers: [defineScorer('said-cancelled', ({ run }) => run.text.includes('cancelled'))],
    ...(mustCall === undefined ? {} : { canary: { mustCall } }),
    createAgent: ({ gemini, model }) => supportAgent(gemini, model ?? 'gemini-2.5-flash'),
  });
}
