import { type AbortPhase, AgentAbortedError } from '../../errors/agent-aborted-error.ts';
import { GuardrailTrippedError } from '../../errors/guardrail-tripped-error.ts';
import type { AgentPlugin, PluginHookName } from '../agent-plugin.ts';
import { PluginError, UNREADABLE } from '../plugin-error.ts';
import type { PluginRunFacts } from '../run-view/plugin-run-view.ts';

/**
 * What a hook of `plugin` threw (`cause`) as the run ends with it: a plugin's failure, or the
 * run's abort, or what passes as it is. What the hook threw cannot be inspected (a proxy whose
 * traps throw, a getter that throws on `message`): the plugin's failure, without it (its own
 * throw could carry a secret). @internal
 */
export function hookFailure(
  facts: PluginRunFacts,
  plugin: AgentPlugin,
  hook: PluginHookName,
  cause: unknown,
): unknown {
  try {
    return classified(facts, plugin, hook, cause);
  } catch {
    return new PluginError({
      plugin: plugin.name,
      hook,
      message: UNREADABLE,
      run: facts.tracker.state(),
    });
  }
}

/** A hook's failure as the run ends with it (see {@link hookFailure}); may throw on a hostile value. */
function classified(
  facts: PluginRunFacts,
  plugin: AgentPlugin,
  hook: PluginHookName,
  cause: unknown,
): unknown {
  // Already a plugin's failure (a hook that called into another run), or the run's own end
  // travelling through a wrapper: passed on as it is.
  if (PluginError.isInstance(cause) || facts.isRunEnding(cause)) return cause;
  // A trip (`run.trip`) ends the run typed, as a guardrail's does.
  if (GuardrailTrippedError.isInstance(cause)) return cause;
  // The run was aborted while the hook ran (it stopped on `run.signal`, or was raced): the
  // caller's abort, not the plugin's failure. A tool hook's is the tool path's to report, with
  // the turn's calls answered.
  const phase = ABORT_PHASES[hook];
  if (phase !== undefined && facts.signal.aborted)
    return new AgentAbortedError({
      phase,
      run: facts.tracker.state(),
      cause: facts.signal.reason,
    });
  // The plugin's own typed error (`ownErrors`) ends the run as it is, redacted as a
  // PluginError's cause would be (a copy keeps its prototype). A predicate that throws or
  // answers anything but `true` does not claim it.
  if (owns(plugin, cause)) return facts.redact(cause);
  return new PluginError({
    plugin: plugin.name,
    hook,
    run: facts.tracker.state(),
    // Read from the redacted copy (a string message only: an object's `toString` could print
    // anything); PluginError reads it defensively.
    cause: facts.redact(cause),
  });
}

/** Whether `plugin.ownErrors` claims `error` (only `true` does; a throw does not). @internal */
export function owns(plugin: AgentPlugin, error: unknown): boolean {
  if (plugin.ownErrors === undefined) return false;
  try {
    return plugin.ownErrors(error) === true;
  } catch {
    return false;
  }
}

/** Where in the run an abort during each hook outside the tool path falls. */
const ABORT_PHASES: { readonly [Hook in PluginHookName]?: AbortPhase } = {
  startRun: 'between-steps',
  checkInput: 'model-call',
  checkAnswer: 'between-steps',
  beforeModelCall: 'model-call',
  wrapModelCall: 'model-call',
  afterModelCall: 'model-call',
  afterAnswer: 'between-steps',
  // An `endRun` the abort came during (raced, see PluginHookCalls.untilAborted): the caller's.
  endRun: 'between-steps',
};
