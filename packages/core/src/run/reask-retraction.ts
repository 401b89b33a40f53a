import type { UntaggedAgentEvent } from './agent-event.ts';
import type { AgentStep } from './agent-result.ts';

/**
 * The event that takes back what a stream sent of `step`'s text when the model is asked again for
 * its answer (one the `output` schema refused: attack51): the retraction event every reader of a
 * run's text by step already acts on (a page, `@gemloop/react`, the AG-UI and A2A doors, a
 * `holdBack` stream that never sent it), named for the re-ask's reason, the step's text emptied.
 * Its type's name is the first producer's, an output guardrail's; the loop names no guardrail
 * (test/loop-names-no-guardrail.test.ts), so it asks here. `undefined` for any other step.
 * @internal
 */
export function reaskRetraction(step: AgentStep): UntaggedAgentEvent<unknown> | undefined {
  const reask = step.reask;
  if (reask === undefined || step.text === '') return undefined;
  return {
    type: 'guardrail-retraction',
    stepNumber: step.stepNumber,
    name: reask.reason,
    text: '',
  };
}
