import type { AgentPlugin, PluginRun } from '../agent/plugins/agent-plugin.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { internalsOf } from '../agent/plugins/run-view/plugin-run-view.ts';
import { spentTreeBudget } from '../agent/run-state/spent-tree-budget.ts';

/**
 * The `budget` run option (a step, token and cost budget over a run and every subagent run below
 * it) as a plugin on the seam (issue 53): its `beforeModelCall` refuses a model step once the
 * tree's budget is spent (and its `wrapModelCall` each call a wrapper sends), with a
 * {@link TreeBudgetError} that ends every run up to the top one.
 * The option stays as sugar: `createAgent` adds this plugin to a run whose tree has a budget (the
 * top run's `budget`, a subagent's from its parent, a durable child workflow's share), and a run
 * without one has none of it in its list.
 *
 * What the tree spent is counted by the loop as it goes, in the meter every run of the tree
 * shares (`RunLink.budget`: each call's cost and tokens as soon as it is priced, the step itself
 * when it ends, a failed call's billed usage, a summary's, a tool's own calls): the
 * seam has no hook at those moments (a step's end after its tools, a failed call), and moving
 * them would change when a child sees its parent's spending. This plugin reads that meter and
 * decides; it holds no state, so one object serves every run.
 *
 * Not `recorded`: the check is deterministic from the meter, which a durable run rebuilds from
 * its recorded calls (and a durable child workflow gets its share in its input).
 * @internal
 */
export const treeBudgetPlugin: AgentPlugin = definePlugin({
  name: 'tree-budget',
  // Before the step's wrappers do anything (the prompt cache's acquire, a network call).
  beforeModelCall(_call, run) {
    checkTreeBudget(run);
  },
  // And before each call sent: the plugin is added after the run's others, so its wrapper is the
  // innermost one, around each call an outer wrapper (a fallback) sends, as the loop's own check
  // was; the meter may have moved between two (a failed call's billed usage).
  wrapModelCall(call, next, run) {
    checkTreeBudget(run);
    return next(call);
  },
});

/** Throws a `TreeBudgetError` when the run's tree spent its budget (see `endStep`). */
function checkTreeBudget(run: PluginRun): void {
  // Private on purpose (issue 53, b): the meter is the `budget` option's own, counted by the loop
  // where the seam has no hook (see above), and `TreeBudgetError` carries the run's state. A third
  // party's budget counts `step.usage`/`step.cost` in `afterModelCall` (and `run.generate`'s
  // result), ends the run with `run.finish` or a throw (a `PluginError` holding the run's state).
  const internals = internalsOf(run);
  const budget = internals.treeBudget;
  if (budget === undefined) return;
  const spent = spentTreeBudget(budget, run.path, () => internals.tracker.state());
  if (spent !== undefined) throw spent;
}
