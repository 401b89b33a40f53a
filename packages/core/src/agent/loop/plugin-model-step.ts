import { prepareThoughtSignatures } from '../../history/thought-signatures/prepare-thought-signatures.ts';
import type { AgentStep } from '../../run/agent-result.ts';
import type { PluginStop, RunPlugins } from '../plugins/run-plugins.ts';
import type { RunContext } from '../run-state/run-context.ts';
import { modelCallOptions } from './call-model.ts';
import { callModelStep } from './call-model-step.ts';
import type { ModelStepKind } from './next-step.ts';

/**
 * The model call of a step with plugins: through the plugins' model hooks when one has them,
 * else the call itself. A run without plugins calls {@link callModelStep} itself (a frame fewer).
 * @internal
 */
export function modelStep<Output>(
  context: RunContext<Output>,
  stepNumber: number,
  kind: ModelStepKind,
): Promise<AgentStep | PluginStop> {
  const plugins = context.plugins as RunPlugins;
  if (plugins.aroundModelCalls) return pluginModelStep(context, plugins, stepNumber, kind);
  plugins.stepNumber = stepNumber;
  return callModelStep(context, { stepNumber, kind });
}

/**
 * The model step of a run with plugins: `beforeModelCall`, `wrapModelCall` and `afterModelCall`
 * around the call the loop would make without them (see `RunPlugins.modelStep`), from the history
 * as it is now (its compaction is the first `beforeModelCall`'s, when the run has one).
 */
function pluginModelStep<Output>(
  context: RunContext<Output>,
  plugins: RunPlugins,
  stepNumber: number,
  kind: ModelStepKind,
): Promise<AgentStep | PluginStop> {
  return plugins.modelStep(
    { stepNumber, kind, contents: context.run.sendContents() },
    // A signal of its own for a call a plugin may abort (the first, beside an input check).
    (contents, model, cachedContent, signal, reports) =>
      callModelStep(signal === undefined ? context : withSignal(context, signal), {
        stepNumber,
        kind,
        contents,
        model,
        cachedContent,
        reports,
      }),
    () => context.run.sendContents(),
    prepareThoughtSignatures,
  );
}

/** The context of a call with a signal of its own (one a plugin may abort: a check beside it). */
function withSignal<Output>(context: RunContext<Output>, signal: AbortSignal): RunContext<Output> {
  return { ...context, signal, callOptions: modelCallOptions(context.config.callOptions, signal) };
}
