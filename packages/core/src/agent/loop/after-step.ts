import type { AgentStep } from '../../run/agent-result.ts';
import type { PluginStop, RunPlugins } from '../plugins/run-plugins.ts';
import type { RunContext } from '../run-state/run-context.ts';
import type { Finish, NextStep } from './next-step.ts';

/**
 * What the plugins' `afterStep` made of the step: run again (with what they appended), the run's
 * end, or `undefined` (the step's own outcome stands). Only a finished answer (`stop`) is theirs.
 * Nothing to wait for when no plugin ended the run and none has `afterAnswer`: three of the four
 * promises a step of any run with plugins made (bench/src/plugins/plugin-tool-path-counts.ts).
 * @internal
 */
export function afterStep<Output>(
  plugins: RunPlugins,
  step: AgentStep,
  next: NextStep<Output>,
  stepsLeft: boolean,
  { run, config }: RunContext<Output>,
): Promise<'run-again' | Finish<Output> | undefined> | undefined {
  if (plugins.stop === undefined && plugins.hooks.afterAnswer === undefined) return undefined;
  return plugins
    .afterStep(
      step,
      next.type === 'finish' && next.finishReason === 'stop' ? next : undefined,
      stepsLeft,
      (content) => run.append(content),
      config.logger,
    )
    .then((decided) =>
      decided === 'run-again' || decided === undefined ? decided : stoppedBy(decided),
    );
}

/** The end of a run a plugin asked for. @internal */
export function stoppedBy<Output>(stop: PluginStop): Finish<Output> {
  return { type: 'finish', finishReason: 'plugin', stoppedBy: stop };
}
