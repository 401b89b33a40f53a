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
 * decides; its state is the meter's (`held`: the unit of steps each step under way holds from its
 * check until `endStep` counts it, given back here when the step ends otherwise), so one object
 * serves every run. A step budget is held exactly, a fan-out of subagents included; tokens and
 * cost are known only once a call is priced, so the tree may end a call past those.
 *
 * Not `recorded`: the check is deterministic from the meter, which a durable run rebuilds from
 * its recorded calls (and a durable child workflow gets its share in its input).
 * @internal
 */
export const treeBudgetPlugin: AgentPlugin = definePlugin({
  name: 'tree-budget',
  // An aborted run makes no more calls: its unit goes back as the abort happens, not when the
  // run has ended, since a caller that stopped waiting for it (a subagent's time limit) goes on
  // stepping at once. One listener a run, gone with its signal.
  startRun(run) {
    const internals = internalsOf(run);
    const budget = internals.treeBudget;
    if (budget === undefined) return;
    run.signal.addEventListener('abort', () => budget.held.delete(internals.tracker), {
      once: true,
    });
  },
  // Before the step's wrappers do anything (the prompt cache's acquire, a network call): the step
  // takes its unit of the tree's steps here, held until `endStep` counts it.
  beforeModelCall(_call, run) {
    holdStep(run);
  },
  // And before each call sent: the plugin is added after the run's others, so its wrapper is the
  // innermost one, around each call an outer wrapper (a fallback) sends, as the loop's own check
  // was; the meter may have moved between two (a failed call's billed usage). The step holds its
  // unit already: this check counts none under way.
  wrapModelCall(call, next, run) {
    const internals = internalsOf(run);
    const budget = internals.treeBudget;
    if (budget !== undefined) {
      const spent = spentTreeBudget(budget, run.path, () => internals.tracker.state());
      if (spent !== undefined) throw spent;
    }
    return next(call);
  },
  // However the run ends (a failed or aborted call, a refused step, a hook that threw): a step it
  // had under way was not counted, and its unit goes back to the tree.
  endRun(run) {
    const internals = internalsOf(run);
    internals.treeBudget?.held.delete(internals.tracker);
  },
});

/**
 * Takes the step's unit of the tree's steps, or throws a `TreeBudgetError` when the tree spent its
 * budget (see `endStep`), counting the steps of the tree under way as spent: runs stepping at once
 * (a parent's subagents started together, the parent's own step still under way) cannot pass a
 * step budget between them.
 */
function holdStep(run: PluginRun): void {
  // Private on purpose (issue 53, b): the meter is the `budget` option's own, counted by the loop
  // where the seam has no hook (see above), and `TreeBudgetError` carries the run's state. A third
  // party's budget counts `step.usage`/`step.cost` in `afterModelCall` (and `run.generate`'s
  // result), ends the run with `run.finish` or a throw (a `PluginError` holding the run's state).
  const internals = internalsOf(run);
  const budget = internals.treeBudget;
  if (budget === undefined) return;
  const holder = internals.tracker;
  // A unit this run still holds is of a step that ended uncounted (a failed call a plugin
  // retries, a step a plugin started again): given back before this step asks for its own.
  budget.held.delete(holder);
  const spent = spentTreeBudget(
    budget,
    run.path,
    () => internals.tracker.state(),
    budget.held.size,
  );
  if (spent !== undefined) throw spent;
  budget.held.add(holder);
}
