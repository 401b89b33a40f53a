import type { AgentRunState } from '../../run/agent-result.ts';
import { PluginError } from './plugin-error.ts';

// why (brand): a registered symbol, so `isInstance` knows this error from another copy of gemloop.
const marker = Symbol.for('gemloop.model-call-limit-error');

/**
 * A plugin's `wrapModelCall` asked for more model calls in one step than the agent's
 * `maxModelCallsPerStep` allows (a wrapper that calls `next` again and again, with no budget to
 * stop it, would otherwise send requests without end). The request past the limit was not sent;
 * the run ended with its history consistent, as with any {@link PluginError}, whose `plugin`
 * names the wrapper that called `next` once too often.
 */
export class ModelCallLimitError extends PluginError {
  /** Not the code's (`plugin`, kept so a check for any plugin failure still holds): see the `name` of GemloopError. */
  override get name(): string {
    return 'ModelCallLimitError';
  }
  /** The agent's `maxModelCallsPerStep`. */
  readonly limit: number;
  /** The step whose calls reached it. */
  readonly stepNumber: number;

  constructor({
    plugin,
    limit,
    stepNumber,
    run,
  }: {
    plugin: string;
    limit: number;
    stepNumber: number;
    run: AgentRunState;
  }) {
    super({
      plugin,
      hook: 'wrapModelCall',
      message: `its next() asked for model call ${limit + 1} of step ${stepNumber}, more than the agent's maxModelCallsPerStep (${limit}) allows, and was not sent; stop calling next() once the step has its answer (bound the retries), or raise createAgent({ maxModelCallsPerStep }).`,
      run,
    });
    this.limit = limit;
    this.stepNumber = stepNumber;
    Object.defineProperty(this, marker, { value: true });
  }

  /** The same failure, holding `run`. */
  override withRun(run: AgentRunState): ModelCallLimitError {
    return limitErrorWithRun(this, run);
  }

  static override isInstance(error: unknown): error is ModelCallLimitError {
    return (
      PluginError.isInstance(error) &&
      (error as unknown as Record<symbol, unknown>)[marker] === true
    );
  }
}

// why (outside the class): a class whose body names itself is emitted by esbuild's bundle
// (scripts/bundle-core.mjs) as `var ModelCallLimitError = class _ModelCallLimitError`, whose
// `name` is then `_ModelCallLimitError`.
function limitErrorWithRun(error: ModelCallLimitError, run: AgentRunState): ModelCallLimitError {
  return new ModelCallLimitError({
    plugin: error.plugin,
    limit: error.limit,
    stepNumber: error.stepNumber,
    run,
  });
}
