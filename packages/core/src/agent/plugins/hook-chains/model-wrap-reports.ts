import type { PluginReport } from '../plugin-results.ts';
import { ModelStepReports } from './model-step-reports.ts';
import type { StepReportSink, ToolStepReportFacts } from './tool-step-reports.ts';

/**
 * The in-step reports of one model step whose `wrapModelCall`s include one that is not recorded,
 * in a run with a recorder (see ./model-step-reports.ts): the sink of those wrappers' runs. Each
 * model call a wrapper's `next` makes gets its own {@link ModelStepReports} ({@link call}), so
 * two calls in flight side by side (a hedged call) keep each its own record: one object for the
 * step made the second call's start restart the first's list, and a report made before it was
 * in no record. A report belongs to no call by itself (the wrappers' runs are the step's, not a
 * call's), so it goes to the oldest call whose runner's step has started and not settled, and
 * out at once when there is none (as without a recorder): each report lands in one record at
 * most, and a replay emits it once.
 * @internal
 */
export class ModelWrapReports implements StepReportSink {
  /** The step's calls in the order they were made, those that settled dropped. */
  private calls: ModelStepReports[] = [];
  private readonly facts: ToolStepReportFacts;

  constructor(facts: ToolStepReportFacts) {
    this.facts = facts;
  }

  /** The reports of a model call the step makes now, open until its {@link ModelStepReports.settled}. */
  call(): ModelStepReports {
    const reports = new ModelStepReports(this.facts);
    // A call that settled takes no report: dropped here, where the list is written.
    this.calls = this.calls.filter((each) => each.open);
    this.calls.push(reports);
    return reports;
  }

  /** A report made through the step's run: its oldest open call's (see {@link ModelStepReports.note}), else out at once. */
  note(plugin: string, report: PluginReport): boolean {
    for (const each of this.calls) if (each.open) return each.note(plugin, report);
    return true;
  }
}
