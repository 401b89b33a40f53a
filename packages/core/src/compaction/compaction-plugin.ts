import type { AgentPlugin } from '../agent/plugins/agent-plugin.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { internalsOf } from '../agent/plugins/run-view/plugin-run-view.ts';
import type { RunContext } from '../agent/run-state/run-context.ts';
import { compactBeforeStep } from './compact-before-step.ts';
import type { CompactionSettings } from './compaction-options.ts';

/** The name of the plugin `compaction()` makes (in errors and spans of the seam). */
export const COMPACTION_PLUGIN = 'gemloop.compaction';

/**
 * The plugin of a `compaction` for the agent holding a run (settings resolved for its model): its
 * `beforeModelCall` compacts the history the step is about to send ({@link compactBeforeStep}:
 * decide, clear, prune, summarize, `onCompaction`, fit the window, check) and keeps the result as
 * the run's history to send from then on, so the hooks after it, the wrappers (a fallback's second
 * call) and the call itself send the compacted history. It returns nothing: the seam gives the
 * hooks after it the history as it is now (compacted, and with what a steer added after it).
 *
 * The run holds it first among its plugins (the draft the others see is the compacted one) and a
 * handoff swaps it for the receiving agent's. Not `recorded`: what is not deterministic in it, the
 * summarizer's model call and `countTokens`, goes through the agent's client, whose durable twin
 * (`@gemloop/dbos`) records each as its own step; recording the hook would store the compacted
 * history every step and put the summary's model call inside another step.
 */
export function compactionPlugin(settings: CompactionSettings): AgentPlugin {
  return definePlugin({
    name: COMPACTION_PLUGIN,
    // What it throws ends the run as it is, as when the loop compacted: `ContextWindowError`,
    // `CompactionError`, the run's abort, and what `onCompaction` or the artifact store threw.
    ownErrors: () => true,
    // The draft every other `beforeModelCall` and wrapper sees is the compacted history (the
    // scope also puts it at the head of the run's plugins, before those handed down).
    order: 'first',
    async beforeModelCall(call, run) {
      // Private on purpose (issue 53, b): it rewrites what the run sends from now on and what the
      // result's `compaction` and the `compaction` event report (RunTracker.setCompacted), and
      // estimates the request's fixed part: fields only core makes. A third party shortens what is
      // sent with `beforeModelCall`'s `{ contents }`; the summary's call is public (`run.generate`).
      const context = internalsOf(run).context() as RunContext<unknown>;
      // The summary is a side call of the run (`run.generate`: the holding agent's client, the
      // run's signal, its usage, cost and tree budget), as a third party's would be.
      await compactBeforeStep(context, settings, call.stepNumber, (request) =>
        run.generate(request),
      );
    },
  });
}
