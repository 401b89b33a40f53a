import { prepareThoughtSignatures } from '../../../history/thought-signatures/prepare-thought-signatures.ts';
import type { AgentStep } from '../../../run/agent-result.ts';
import { AgentRunError } from '../../errors/agent-run-error.ts';
import { InvalidHistoryError } from '../../errors/invalid-history-error.ts';
import type { HandOffDecision, RunPlugins } from '../../plugins/run-plugins.ts';
import type { RunContext } from '../../run-state/run-context.ts';
import { agentScope } from '../agent-scope.ts';
import { modelCallOptions } from '../call-model.ts';
import type { RunArgumentRedactor } from '../run-argument-redactor.ts';
import type { LoopParts } from '../take-over.ts';
import type { LoopState } from './loop-state.ts';

/**
 * The run given to the agent a plugin's hand-off names (a step outcome: after an answer, or after
 * a call, as composition's `handoff()` tool does): its context from the next step on, its step
 * count from zero. The take-over (`take-over.ts`) comes with the seam's engine, which the run's
 * plugins carry (only a plugin hands off): an app without plugins bundles none of it.
 * @internal
 */
export async function handOff<Output>(
  state: LoopState<Output>,
  step: AgentStep,
  holding: Holding,
): Promise<void> {
  const plugins = state.context.plugins as RunPlugins;
  const { engine, handOff } = plugins;
  plugins.handOff = undefined;
  state.context = (await engine.takeOver(
    state.context as never,
    handOff as HandOffDecision,
    step as never,
    state.heldFrom,
    holding as never,
    LOOP_PARTS as never,
  )) as RunContext<Output>;
  holding.context = state.context as RunContext<unknown>;
  state.heldFrom = state.context.run.contents.length;
  state.modelSteps = 0;
}

/** What the take-over uses of the loop (see `LoopParts` in take-over.ts). */
const LOOP_PARTS: LoopParts = {
  agentScope,
  modelCallOptions,
  AgentRunError,
  InvalidHistoryError,
  prepareThoughtSignatures,
};

/** The context holding the run now, and the redactor of what its observers see. @internal */
export type Holding = {
  context?: RunContext<unknown>;
  readonly redactor?: RunArgumentRedactor | undefined;
};
