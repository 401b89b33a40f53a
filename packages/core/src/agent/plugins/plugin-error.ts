import type { AgentRunState } from '../../run/agent-result.ts';
import { cutTextNoted } from '../../shared/cut-text.ts';
import { redactLocalDetails } from '../../shared/redact-secrets.ts';
import { AgentRunError } from '../errors/agent-run-error.ts';
import type { PluginHookName } from './agent-plugin.ts';

// why (brand): a registered symbol, so `isInstance` knows this error from another copy of gemloop.
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
    // The cause's text without local details (URLs, paths, addresses), as the record keeps it
    // (recorded-own-error.ts) and a tool's error reaches the model: every log line, span and
    // page shows this message. `cause` stays the thrown value itself (`wrapped()` and callers
    // in process know it by identity).
    const detail = cutTextNoted(message ?? redactLocalDetails(describe(cause)), MAX_DETAIL);
    super({ message: `Plugin "${plugin}" failed in ${hook}: ${detail}`, run, cause });
    this.plugin = plugin;
    this.hook = hook;
    this.detail = detail;
    Object.defineProperty(this, marker, { value: true });
  }

  /** The same failure, holding `run` (the history once the turn it failed in was answered). */
  withRun(run: AgentRunState): PluginError {
    return pluginErrorWithRun(this, run);
  }

  static override isInstance(error: unknown): error is PluginError {
    return (
      AgentRunError.isInstance(error) &&
      (error as unknown as Record<symbol, unknown>)[marker] === true
    );
  }
}

// why (outside the class): a class whose body names itself is emitted by esbuild's bundle
// (scripts/bundle-core.mjs) as `var PluginError = class _PluginError`, and an instance's `name`
// (GemloopError's, from the constructor's) would read `_PluginError`.
function pluginErrorWithRun(error: PluginError, run: AgentRunState): PluginError {
  return new PluginError({
    plugin: error.plugin,
    hook: error.hook,
    message: error.detail,
    run,
    cause: error.cause,
  });
}

/**
 * The cause's message, read defensively: a hook may throw anything (a proxy whose traps throw, an
 * error whose `message` is a getter that throws or an object whose `toString` prints a secret), and
 * reporting its failure must neither throw nor print what was never redacted.
 */
function describe(cause: unknown): string {
  if (typeof cause === 'string') return cause;
  try {
    if (cause instanceof Error) {
      const message: unknown = cause.message;
      if (typeof message === 'string') return message;
    }
  } catch {
    return UNREADABLE;
  }
  return NOT_AN_ERROR;
}

/**
 * What a hook's failure says about a thrown value that is not an Error (`null`, an object): its
 * `String()` tells nothing (`[object Object]`) or what its `toString` prints. @internal
 */
export const NOT_AN_ERROR = 'it threw a value that is not an Error';

/**
 * What a hook's failure says about a value it threw that cannot be inspected (a proxy whose
 * traps throw, a getter that throws). @internal
 */
export const UNREADABLE = 'it threw a value that cannot be read (a getter or a proxy trap threw)';

/**
 * The longest detail a `PluginError` keeps, as a tool's error message the model gets (1,000): a
 * hook's thrown message (a whole document, a response body) would otherwise be carried whole by
 * every log line and span event.
 */
const MAX_DETAIL = 1_000;
