import type { RunContext } from '../../run-state/run-context.ts';
import type { ModelStepKind } from '../next-step.ts';

/**
 * What the loop carries from one model step to the next (one object a run, passed along).
 * @internal
 */
export type LoopState<Output> = {
  /** The context holding the run: a handoff gives it to another agent (its config) from then on. */
  context: RunContext<Output>;
  kind: ModelStepKind;
  reasks: number;
  /** The tool steps of the agent now holding the run (its `maxSteps` counts them). */
  modelSteps: number;
  /** Where the agent now holding the run took it (a handoff's default filter drops its tool turns). */
  heldFrom: number;
};

/** The state of a run's first model step. @internal */
export function loopState<Output>(context: RunContext<Output>): LoopState<Output> {
  return {
    context,
    kind: 'tools',
    reasks: 0,
    modelSteps: 0,
    heldFrom: context.run.inputLength,
  };
}
