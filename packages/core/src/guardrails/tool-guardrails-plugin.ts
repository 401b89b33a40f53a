import type {
  AgentPlugin,
  PluginRun,
  ToolCallCheck,
  ToolExecutionDraft,
  ToolResultChange,
  ToolResultDraft,
} from '../agent/plugins/agent-plugin.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { internalsOf, tripError } from '../agent/plugins/run-view/plugin-run-view.ts';
import type { RunContext } from '../agent/run-state/run-context.ts';
import { appliesTo, checkToolInput, checkToolOutput } from './check-tool-guardrails.ts';
import type { ComposedGuardrails } from './compose-guardrails.ts';
import type { GuardrailTrip } from './guardrail-check-results.ts';
import { guardrailRunOptions } from './guardrail-run-options.ts';
import { guardrailsOf } from './guardrails-of.ts';

/**
 * The name the tool guardrails' plugin goes by among a run's plugins (a user's plugin may not take
 * it: names are unique in a run).
 */
export const TOOL_GUARDRAILS_PLUGIN_NAME = 'gemloop.tool-guardrails';

/** The longest `askedBy` the seam takes (`RunPlugins.checkToolCall`). */
const MAX_ASKED_BY = 100;

/**
 * The run's context as the agent holding it runs it: its agent's name and clock, the history.
 * Private on purpose (issue 53, b), as in `io-guardrails-plugin.ts`: the guardrail functions'
 * options as they always were; a third party's checks read the public `PluginRun`.
 */
function holdingContext(run: PluginRun): RunContext<unknown> {
  return internalsOf(run).context() as RunContext<unknown>;
}

/**
 * The run's tool guardrails (its levels joined in the run's order: those handed down first, see
 * `guardrailsOf`) when one checks `toolName` at `moment`; else `undefined`.
 */
function guarding(
  run: PluginRun,
  toolName: string,
  moment: 'before' | 'after',
): ComposedGuardrails | undefined {
  const guardrails = guardrailsOf(run);
  if (guardrails === undefined || guardrails.tools.length === 0) return undefined;
  return appliesTo(guardrails.tools, toolName, moment) ? guardrails : undefined;
}

/** A trip as the seam ends a run with it: its typed error, the turn answered first. */
function trip(run: PluginRun, { name, phase, reason }: GuardrailTrip): never {
  // Not `run.trip`: a guardrail's name is not bound to 100 characters there, and it must not
  // become a plugin's failure for being long.
  throw tripError({ guardrailName: name, phase, reason }, internalsOf(run));
}

/**
 * The tool guardrails' `before` checks, on the arguments the tool's schema parsed (after the
 * other plugins' `checkToolCall`, before the approval hook): `deny` answers the call, `ask` sends it
 * to the approval hook as one that needs an explicit approve (`askedBy` the guardrail), `throw` or
 * a check that failed closed trips the run once the turn is answered.
 */
function checkToolCall(
  call: ToolExecutionDraft,
  run: PluginRun,
): Promise<ToolCallCheck | undefined> | undefined {
  const guardrails = guarding(run, call.toolName, 'before');
  // Nothing to wait for when no guardrail checks this tool: no promise.
  if (guardrails === undefined) return undefined;
  return checkToolInput(
    guardrails.tools,
    {
      toolName: call.toolName,
      toolCallId: call.toolCallId,
      args: call.input,
      stepNumber: call.stepNumber,
    },
    guardrailRunOptions(holdingContext(run), call.stepNumber, run, guardrails),
    // The verdict made the seam's decision inside the checks' own promise, not in a `.then` more:
    // 1.9 promises a guarded step fewer (bench/src/plugins/plugin-tool-path-counts.ts).
    (checked): ToolCallCheck | undefined => {
      switch (checked.type) {
        case 'deny':
          return { type: 'deny', message: checked.message };
        case 'ask':
          // The seam bounds who asked at 100 characters; a guardrail's name has no bound, and a
          // long one must not turn its ask into the plugin's failure.
          return { type: 'ask', askedBy: checked.name.slice(0, MAX_ASKED_BY) };
        case 'trip':
          return trip(run, checked);
        default:
          // `allow`; `aborted`: the run's abort answers the call (the seam races every hook with it).
          return undefined;
      }
    },
  );
}

/**
 * The tool guardrails' `after` checks, on the result the model would get (before the other
 * plugins' `afterToolCall`, which run in reverse order: this plugin is the run's last): `replace`
 * changes what the model gets (the call's record keeps the tool's own value), `throw` or a check
 * that failed closed trips the run once the turn is answered.
 */
function afterToolCall(
  result: ToolResultDraft,
  run: PluginRun,
): Promise<ToolResultChange | undefined> | undefined {
  const guardrails = guarding(run, result.toolName, 'after');
  if (guardrails === undefined) return undefined;
  return checkToolOutput(
    guardrails.tools,
    {
      toolName: result.toolName,
      toolCallId: result.toolCallId,
      args: result.input,
      stepNumber: result.stepNumber,
      result: result.result,
    },
    guardrailRunOptions(holdingContext(run), result.stepNumber, run, guardrails),
    (checked): ToolResultChange | undefined => {
      if (checked.type === 'replace') return { result: checked.result };
      if (checked.type === 'trip') return trip(run, checked);
      return undefined;
    },
  );
}

/**
 * The tool guardrails as hooks of the plugin seam: `checkToolCall` runs their `before` checks,
 * `afterToolCall` their `after` checks. One stateless plugin serves every run: it reads the
 * run's levels of tool checks from its plugins at each call (see `guardrailsOf`), so a hand-off
 * needs no swap and a subagent's inherited checks come joined with its own, in order (inherited
 * first). It is the companion of every level of tool checks (`guardrailLayers`), so the seam
 * places it last among a run's plugins whenever a level is there (handed down, the agent's, the
 * run's own): its check runs after every other plugin's, and its look at a result before theirs. Each check is recorded by a durable runner as it always
 * was (`composeGuardrails`: one step per check, named by guardrail, phase, step and call), and
 * reported as a `guardrail` event.
 * @internal
 */
export const toolGuardrailsPlugin: AgentPlugin = definePlugin({
  name: TOOL_GUARDRAILS_PLUGIN_NAME,
  checkToolCall,
  afterToolCall,
});
