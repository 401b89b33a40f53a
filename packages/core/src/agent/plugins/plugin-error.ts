import type { AgentRunState } from '../../run/agent-result.ts';
import { AgentRunError } from '../errors/agent-run-error.ts';
import type { PluginHookName } from './agent-plugin.ts';

const marker = Symbol.for('gemloop.plugin-error');

/**
 * A plugin's hook threw (or returned what its hook cannot return): the run ended with its history
 * consistent (every call answered), as `run`. `cause` is what the hook threw.
 */
export class PluginError extends AgentRunError {
  override readonly code = 'plugin';
  /** The plugin's `name`. */
  readonly plugin: string;
  /** The hook that failed. */
  readonly hook: PluginHookName;
  /** What went wrong, without the plugin's name (`message` says both). */
  readonly detail: string;

  constructor({
    plugin,
    hook,
    message,
    run,
    cause,
  }: {
    plugin: string;
    hook: PluginHookName;
    /** What went wrong, when not the cause's own message. */
    message?: string | undefined;
    run: AgentRunState;
    cause?: unknown;
  }) {
    super({
      message: `Plugin "${plugin}" failed in ${hook}: ${message ?? describe(cause)}`,
      run,
      cause,
    });
    this.plugin = plugin;
    this.hook = hook;
    this.detail = message ?? describe(cause);
    Object.defineProperty(this, marker, { value: true });
  }

  /** The same failure, holding `run` (the history once the turn it failed in was answered). */
  withRun(run: AgentRunState): PluginError {
    return new PluginError({
      plugin: this.plugin,
      hook: this.hook,
      message: this.detail,
      run,
      cause: this.cause,
    });
  }

  static override isInstance(error: unknown): error is PluginError {
    return (
      AgentRunError.isInstance(error) &&
      (error as unknown as Record<symbol, unknown>)[marker] === true
    );
  }
}

function describe(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  return typeof cause === 'string' ? cause : 'it threw a value that is not an Error';
}
